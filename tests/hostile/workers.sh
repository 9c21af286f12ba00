#!/bin/bash
# Hostile workers and output, one lesson a case (each run in --batch with a
# progress database): an endless loop (its timeout), a segfault, an abort,
# SIGTERM ignored (killed at its timeout), a fork bomb (task limit), memory
# bombs in processes and in threads (memory limit), 100 MB of output in one
# line and in many lines (head and tail kept, parlab's peak memory bounded),
# escape sequences and invalid UTF-8 in output (inert), a command leaving
# daemons (stopped and named). Each case: its words in the transcript,
# stopped long before a 60 s timeout where a limit applies, no ESC byte on
# stdout, nothing of the run left, no scratch folder, the database intact.
set -u
parlab=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.bash"
hostile_init workers

# worker_case NAME MAXSECS REGEX [RSS_MB]: runs $H_WORK/NAME.lua (the run
# written on stdin) in batch; REGEX on the flattened transcript.
worker_case() {
	local name=$1 max=$2 re=$3 rss=${4:-} t0 ms rc f kb
	{ echo "return lesson { title = \"$name\","; cat; echo "}"; } >"$H_WORK/$name.lua"
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$H_WORK/rss" timeout 100 "$parlab" --batch "$H_WORK/$name.lua" </dev/null >"$H_WORK/out" 2>"$H_WORK/err"; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	flat "$H_WORK/out" >"$H_WORK/flat"   # grep, not bash's =~: a 6 MB line takes bash minutes
	grep -aqE "$re" "$H_WORK/flat" || bad "$name: no '$re' in: $(grep -a -E '^run |error' "$H_WORK/out" | head -c 600) $(head -c 300 "$H_WORK/err")"
	[ $rc -le 1 ] || bad "$name: exit $rc"
	[ $ms -lt $((max * 1000)) ] || bad "$name: took ${ms} ms, more than ${max} s"
	! grep -q $'\e' "$H_WORK/out" || bad "$name: an ESC byte reached stdout"
	kb=$(tail -1 "$H_WORK/rss")
	if [ -n "$rss" ]; then
		[[ "$kb" =~ ^[0-9]+$ ]] && [ "$kb" -lt $((rss * 1024)) ] || bad "$name: peak RSS ${kb} KB, over $rss MiB"
		echo "$name: ${ms} ms, peak RSS $((kb / 1024)) MiB (parlab and its runner)"
	else echo "$name: ${ms} ms"
	fi
	hostile_clean "$name"
}
[ -x /usr/bin/time ] || { echo "SKIP: no /usr/bin/time"; exit 77; }

worker_case endless 30 "run endless after [0-9.]+s: timed out after 2\.0 s: every task killed and reaped" <<'L'
  run { title = "endless", threads = 2, timeout = 2, worker = function(w) while true do end end },
L
worker_case segfault 30 "run segfault after [0-9.]+m?s: w1 crashed \(Segmentation fault\): the run was stopped; every task killed and reaped" <<'L'
  run { title = "segfault", processes = 3, timeout = 60, worker = function(w) if w.id == 1 then sleep(50); crash() end sleep(60000) end },
L
worker_case abort 30 "run abort after [0-9.]+m?s: sh crashed \(Aborted\): the run was stopped" <<'L'
  run { title = "abort", timeout = 60, command = { "sh", "-c", "sleep 600 & echo before; kill -ABRT $$" } },
L
worker_case term_ignored 30 "stubborn .*run term ignored after [0-9.]+s: timed out after 2\.0 s: every task killed and reaped" <<'L'
  run { title = "term ignored", timeout = 2, command = { "sh", "-c", "trap '' TERM; (trap '' TERM; sleep 600) & echo stubborn; while :; do sleep 0.1; done" } },
L
worker_case fork_bomb 45 "run fork bomb after [0-9.]+m?s: the run started [0-9]+ tasks, more than this lesson's limit of 100: every task killed and reaped" <<'L'
  run { title = "fork bomb", tasks = 100, timeout = 60, command = { "sh", "-c", "f() { sleep 0.2; f & f & wait; }; f" } },
L
# A process worker's own Lua cap or the run's total stops it: both name 200 MiB.
worker_case memory_processes 45 "run memory processes after [0-9.]+m?s: .*(the run used [0-9]+ MiB of memory, more than this lesson's limit of 200 MiB|w[01] used more memory than this run's limit of 200 MiB)" <<'L'
  run { title = "memory processes", processes = 2, memory = 200, timeout = 60, worker = function(w)
      local t, i = {}, 0
      while true do i = i + 1; t[i] = string.rep("p", 1000) .. i end
    end },
L
worker_case memory_threads 45 "run memory threads after [0-9.]+m?s: .*(the run used [0-9]+ MiB of memory, more than this lesson's limit of 200 MiB|w[01] used more memory than this run's limit of 200 MiB)" <<'L'
  run { title = "memory threads", threads = 2, memory = 200, timeout = 60, worker = function(w)
      local t, i = {}, 0
      while true do i = i + 1; t[i] = string.rep("t", 1000) .. i end
    end },
L
# 100 MB of output: the head and the tail kept, the gap said, the last
# line there; parlab itself stays small (the runner forks it: counted too).
worker_case one_line 150 "sh \| xxxxxxxxxx.* parlab \| \.\.\. [0-9]+ lines not kept here: the output cap keeps the first [0-9]+ and the last [0-9]+ lines \.\.\. .*sh \| the end run one line after [0-9.]+m?s: finished: exit 0" 200 <<'L'
  run { title = "one line", timeout = 120, command = { "sh", "-c", "head -c 104857600 /dev/zero | tr '\\0' x; echo; echo the end" } },
L
worker_case many_lines 150 "sh \| line 0000001 .* parlab \| \.\.\. [0-9]+ lines not kept here: the output cap keeps the first 100000 and the last 100000 lines \.\.\. .*sh \| line 3276800 of the flood\.+ [0-9.]+m?s sh \| the end run many lines after [0-9.]+m?s: finished: exit 0" 200 <<'L'
  run { title = "many lines", timeout = 120, command = { "sh", "-c", "seq -f 'line %07.0f of the flood....' 3276800; echo the end" } },
L
# Escape sequences and bytes that are not UTF-8: inert (no ESC, BEL or C1
# byte; U+FFFD), the text around them kept.
worker_case escapes 30 "sh \| red X title bad .* c1 .* end .*w0 \| w0 Y.* end" <<'L'
  run { title = "escapes", command = { "sh", "-c", "printf 'red \\033[31mX\\033[0m title \\033]0;pwn\\007 bad \\377\\376 c1 \\302\\233 end\\n'" } },
  run { title = "escapes lua", processes = 1, worker = function(w) print("w0 \27[2J\27[5mY\7\155 end") end },
L
grep -a -q $'\x07\|\xc2\x9b' "$H_WORK/out" && bad "escapes: a BEL or C1 byte reached stdout"
grep -aqF "bad "$'\xef\xbf\xbd\xef\xbf\xbd'" c1" "$H_WORK/out" || bad "escapes: the bytes that are not UTF-8 are not U+FFFD"
worker_case daemons 30 "run daemons after [0-9.]+m?s: finished: exit 0; 2 background processes it left were stopped \(sleep [0-9]+, sleep [0-9]+\)" <<'L'
  run { title = "daemons", timeout = 30, command = { "sh", "-c", "sleep 7781 & setsid sleep 7782 & echo started" } },
L
hostile_as_nobody "$0" "$parlab"
hostile_done
