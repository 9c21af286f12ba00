#!/bin/bash
# Valgrind's memcheck over the whole Module 14 in batch (answers piped in,
# as tests/batch/module14.sh): no memory error and no definite leak in
# parlab, nor in the processes it forks without exec (the runner, Lua
# process workers; thread workers are parlab's own threads). Programs a
# command runs (python3, sh) are exec'd and not traced (--trace-children=no):
# they are not parlab's code, and Python under memcheck would take hours.
# Each process writes its own log (%p); every one must say 0 errors and
# lose no memory for certain. Skipped in a sanitized build (ASan's shadow
# memory and valgrind do not mix) and where valgrind is missing (scripts/deps
# installs it with the test packages).
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -n "${PARLAB_SANITIZED:-}" ]; then
	echo "SKIP: a sanitized build (ASan and valgrind do not mix)"
	exit 77
fi
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Under memcheck each process's resident memory holds valgrind's own too
# (some 35 MiB): lesson 4's 32 busy workers then pass the course's 1 GiB
# run limit and are stopped for it. A copy of the course gives that one
# run 4 GiB (still within half of a CI machine of 8 GB).
cp -r "$src/lessons/module14" "$dir/module14"
sed -i 's/^\( *\)processes = 32,$/&\n\1memory = 4096,/' "$dir/module14/04-cores.lua"
grep -q "memory = 4096," "$dir/module14/04-cores.lua" || { echo "FAIL: cannot raise the 32 workers' memory limit in the copy"; exit 1; }
# A memory error in any process exits it with 99: parlab itself, or its
# runner or a worker, which parlab then reports as failed (exit 1). Leaks
# are not errors here (a forked child's would fail its run, see below):
# the logs are read for them instead.
# valgrind's own pid is parlab's (exec), so its log is known: vg.PID.
yes 1 | head -n 50 | timeout 1500 bash -c 'echo $$ >"$0"; exec "$@"' "$dir/pid" valgrind --quiet --leak-check=full --errors-for-leak-kinds=none \
	--show-leak-kinds=definite --trace-children=no --child-silent-after-fork=no \
	--error-exitcode=99 --log-file="$dir/vg.%p" \
	"$parlab" --batch "$dir/module14" >"$dir/out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "exit $rc, want 0 (99: memcheck found errors in parlab; 1: maybe in its runner or a worker, see the transcript)"

# It really ran the course under valgrind: its end, and the runs' output.
flat=$(tr '\n' ' ' <"$dir/out" | tr -s ' ')
grep -qF "Mean value: 42.5" <<<"$flat" || bad "the Dask run's mean is missing"
for n in 0 1 2 3 4; do
	grep -qE "w$n +\| Worker: $n" "$dir/out" || bad "parlab's own worker $n printed no 'Worker: $n'"
done

logs=("$dir"/vg.*)
main=$dir/vg.$(cat "$dir/pid")
[ -e "${logs[0]}" ] || bad "valgrind wrote no log"
# parlab and the processes it forked (the runner, process workers): a log each.
[ ${#logs[@]} -ge 2 ] || bad "want logs of parlab and its runner, got ${#logs[@]}"
errors="Invalid (read|write|free)|uninitialised|Mismatched free|overlap|Syscall param|Conditional jump|ERROR SUMMARY: [1-9]"
for f in "${logs[@]}"; do
	[ -s "$f" ] || continue   # --quiet: nothing to say is a clean process
	# parlab itself: no error and no definite leak. A forked child (the
	# runner, a process worker) ends with _exit() on purpose, without
	# freeing what it inherited from parlab (the run's own record, the
	# course), which memcheck then counts as definitely lost in it: its
	# memory errors count, those leaks do not.
	if [ "$f" = "$main" ]; then
		grep -qE "$errors|definitely lost" "$f" || continue
	else
		grep -qE "$errors" "$f" || continue
	fi
	bad "valgrind: $(basename "$f")$([ "$f" = "$main" ] && echo " (parlab itself)")"
	cat "$f"
done
[ -e "$main" ] || bad "no log of parlab itself ($main)"
echo "$(ls "$dir"/vg.* | wc -l) processes under memcheck"
if [ $fail -ne 0 ]; then
	echo "---- what went wrong in the transcript (runs that failed, timed out or were stopped) ----"
	grep -nE 'failed|timed out|not enough memory|stopped|limit|error' "$dir/out" | head -n 40
	echo "---- its end ----"
	tail -n 30 "$dir/out"
	exit 1
fi
echo "PASS: valgrind memcheck of Module 14: no errors, no definite leaks"
