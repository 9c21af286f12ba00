#!/bin/bash
# Hostile lessons, via `parlab check` and via `--batch`: a syntax error, a
# runtime error at load (one whose message carries escape sequences too), an
# endless loop at load (with and without pcall), a huge lesson (50 MB of
# text; 100 000 steps), text that is not UTF-8 with escape sequences in it.
# Each case: a clear message (`file:line`), bounded time, nothing of the run
# left, no scratch folder, the progress database intact and unchanged, and
# no ESC byte on stdout or stderr.
set -u
parlab=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
src=$(realpath "${PARLAB_SRC:-$here/../..}")
. "$here/lib.bash"
hostile_init lesson
badl=$src/tests/lessons/bad

# Progress to keep intact: one answered lesson in the database first.
echo 2 | "$parlab" --batch "$src/tests/lessons/good/mini.lua" >/dev/null 2>&1
dump() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.text_factory=bytes; [print(r) for t in ("answers","positions") for r in sorted(c.execute("select * from "+t))]' "$H_STATE/progress.db" 2>&1; }
before=$(dump)
[ -n "$before" ] && [ -s "$H_STATE/progress.db" ] || bad "no progress recorded to keep intact: $before"

now() { date +%s%N; }
# load_case WHAT FILE REGEX MAXSECS: check and --batch both exit 1 with a
# line matching REGEX on stderr within MAXSECS, stdout without ESC.
load_case() {
	local what=$1 f=$2 re=$3 max=$4 mode t0 ms rc
	for mode in check batch; do
		t0=$(now)
		if [ $mode = check ]; then timeout 120 "$parlab" check "$f" >"$H_WORK/out" 2>"$H_WORK/err"; rc=$?
		else timeout 120 "$parlab" --batch "$f" </dev/null >"$H_WORK/out" 2>"$H_WORK/err"; rc=$?; fi
		ms=$((($(now) - t0) / 1000000))
		[ $rc -eq 1 ] || bad "$what ($mode): exit $rc, want 1"
		grep -qE "$re" "$H_WORK/err" || bad "$what ($mode): no '$re' in: $(head -c 400 "$H_WORK/err")"
		[ $ms -lt $((max * 1000)) ] || bad "$what ($mode): took ${ms} ms, more than ${max} s"
		! grep -q $'\e' "$H_WORK/out" "$H_WORK/err" || bad "$what ($mode): an ESC byte reached the terminal"
		hostile_clean "$what ($mode)"
	done
}

# (Lua names a long path by its end, "...bad/syntax.lua": matched by name.)
load_case "syntax error" "$badl/syntax.lua" "^[^ ]*/syntax\.lua:5: '}' expected" 20
load_case "runtime error at load" "$badl/runtime.lua" "^[^ ]*/runtime\.lua:3: attempt to call a nil value \(global 'os_execute'\)$" 20
load_case "endless loop at load" "$badl/endless.lua" "^[^ ]*/endless\.lua:3: the lesson took too long to load \(an endless loop\?\)$" 30
load_case "endless loop in pcall at load" "$badl/endless_pcall.lua" "^[^ ]*/endless_pcall\.lua:2: the lesson took too long to load" 30
# An error whose words would drive the terminal: said, inert (each line
# through the output sanitizer), the bytes that are not UTF-8 as U+FFFD.
printf 'local x = 1\nerror("boom \\27]0;pwned\\7\\27[2J \\255 end")\n' >"$H_WORK/escerr.lua"
load_case "runtime error with escapes" "$H_WORK/escerr.lua" "^[^ ]*/escerr\.lua:2: boom +"$'\xef\xbf\xbd'" end$" 20

[ "$(dump)" = "$before" ] || bad "a lesson that did not load changed the progress database: $(dump)"

# Huge lessons: load or refuse clearly, in bounded time and memory.
huge_case() {
	local what=$1 f=$2 want=$3 mode rc kb
	for mode in check batch; do
		if [ $mode = check ]; then /usr/bin/time -f '%M' -o "$H_WORK/rss" timeout 120 "$parlab" check "$f" >"$H_WORK/out" 2>"$H_WORK/err"; rc=$?
		else /usr/bin/time -f '%M' -o "$H_WORK/rss" timeout 120 "$parlab" --batch "$f" </dev/null >"$H_WORK/out" 2>"$H_WORK/err"; rc=$?; fi
		kb=$(tail -1 "$H_WORK/rss")
		if [ $rc -eq 0 ]; then
			if [ $mode = check ]; then grep -qx "ok: 1 path checked, no errors" "$H_WORK/out" || bad "$what (check): $(head -c 300 "$H_WORK/out")"
			else tail -c 300 "$H_WORK/out" | grep -qF "$want" || bad "$what (batch): the end is not there: $(tail -c 300 "$H_WORK/out")"; fi
		else
			# Refused: only with the file's name, line and why (the load's budgets).
			grep -qE "^[^ ]*/$(basename "$f" | sed 's/\./\\./g'):[0-9]+: the lesson (took too long to load|used too much memory while loading)" "$H_WORK/err" ||
				bad "$what ($mode): exit $rc without a clear reason: $(head -c 300 "$H_WORK/err")"
		fi
		[[ "$kb" =~ ^[0-9]+$ ]] && [ "$kb" -lt 1048576 ] || bad "$what ($mode): peak memory ${kb} KB (over 1 GiB)"
		echo "$what ($mode): exit $rc, peak RSS $((kb / 1024)) MiB"
		hostile_clean "$what ($mode)"
	done
}
if [ -x /usr/bin/time ]; then
	/usr/bin/python3 - "$H_WORK" <<'PY'
import sys
d = sys.argv[1]
line = "word " * 15 + "\n"
with open(d + "/huge_text.lua", "w") as f:
    f.write('return lesson {\n  title = "Huge",\n  text [[\n' + line * (50 * 1024 * 1024 // len(line)) + ']],\n  text "the last step",\n}\n')
with open(d + "/many_steps.lua", "w") as f:
    f.write('return lesson {\n  title = "Many",\n' + "".join('  text "step %d",\n' % i for i in range(100000)) + '}\n')
PY
	huge_case "50 MB of text" "$H_WORK/huge_text.lua" "the last step"
	# (kept off the database: batch writes the place at each step, 100 000 times)
	PARLAB_STATE=off huge_case "100 000 steps" "$H_WORK/many_steps.lua" "step 99999"
	rm -f "$H_WORK"/huge_text.lua "$H_WORK"/many_steps.lua
else
	echo "huge lessons: skipped (no /usr/bin/time to measure memory)"
fi

# Text that is not UTF-8, with escape sequences, in every place a lesson
# puts text (title, text, code, question, choices): it loads, and batch
# shows it inert: valid UTF-8 (U+FFFD for what is not), no control byte.
printf '%s\n' 'return lesson {' \
	'  title = "Bad \xff\xfe bytes \27[2J",' \
	'  text [[' \
	"Latin-1 caf$(printf '\xe9') and a lone $(printf '\xc3') and $(printf '\x80') and $(printf '\e')[31mred$(printf '\e')[0m, $(printf '\e')]0;title$(printf '\a') end]]," \
	'  code { title = "x\27[5m.lua", src = "print(\"\27[2J\xff\")\n" },' \
	'  quiz { q = "pick \xff\27[1m", choices = { "a\xe9", "b\x9b" }, answer = 1, explain = "\7ok" },' \
	'}' >"$H_WORK/nonutf8.lua"
"$parlab" check "$H_WORK/nonutf8.lua" >"$H_WORK/out" 2>&1 || bad "non-UTF-8 text: check refused it: $(cat "$H_WORK/out")"
echo 1 | "$parlab" --batch "$H_WORK/nonutf8.lua" >"$H_WORK/out" 2>"$H_WORK/err"; rc=$?
[ $rc -eq 0 ] || bad "non-UTF-8 text: batch exit $rc: $(cat "$H_WORK/err")"
/usr/bin/python3 - "$H_WORK/out" <<'PY' || bad "non-UTF-8 text: the transcript is not inert: $(cat -v "$H_WORK/out")"
import re, sys
b = open(sys.argv[1], "rb").read()
t = b.decode("utf-8")            # strict: every byte valid UTF-8
bad = [c for c in t if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0]
assert not bad, bad
for want in ("caf\ufffd and a lone \ufffd and \ufffd and [31mred[0m, ]0;title end", "Right: 1) a\ufffd", "Bad \ufffd\ufffd bytes [2J"):
    assert want in re.sub(r"\s+", " ", t), want
PY
hostile_clean "non-UTF-8 text"

# The report names the lesson inert too (its title went into the database).
"$parlab" progress >"$H_WORK/out" 2>&1 || bad "progress report: $(cat "$H_WORK/out")"
! grep -q $'\e' "$H_WORK/out" || bad "progress report: an ESC byte reached the terminal: $(cat -v "$H_WORK/out")"
hostile_clean "progress report"
hostile_as_nobody "$0" "$parlab"
hostile_done
