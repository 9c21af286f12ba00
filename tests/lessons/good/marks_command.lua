-- Marks from a command (PARLAB_MARK_FD): the shell marks, then a child
-- process of it marks too (credited to that child), then Python does;
-- outside parlab the same commands run and mark nothing.
-- tests/batch/marks.sh checks it.
return lesson {
  title = "Marks from a command",
  run {
    title = "Shell marks",
    command = { "sh", "-c", [[
if [ -n "$PARLAB_MARK_FD" ]; then echo "took it" >&"$PARLAB_MARK_FD"; fi
sleep 0.05
sh -c 'echo "child $$ marks" >&"$PARLAB_MARK_FD"; sleep 0.05' &
wait
printf 'two\nat once\n' >&"${PARLAB_MARK_FD:-1}"
echo done
]] },
    timeout = 30,
  },
}
