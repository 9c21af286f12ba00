#!/bin/bash
# Hostile disks and state files. A full disk (a small tmpfs, filled) and a
# file size limit (ulimit -f: parlab must not die of SIGXFSZ) for the
# progress database and for saved traces and exports; a read-only state
# folder; corrupted trace files (replay and export); corrupted progress
# imports (JSON and CSV). Each case: a message naming the file (with its
# line where the reader has one), exit 1 where the action failed, no signal
# exit nor sanitizer report, nothing of a run left, no scratch folder, no
# half-written file, and the progress database intact: `parlab progress`
# still reports the answer given first. The tmpfs and read-only mounts are
# made in a mount namespace of their own (unshare -m; as nobody, -Urm), so
# nothing stays mounted. As root, the whole test runs again as nobody.
#
#   tests/hostile/disk.sh BUILD/parlab
set -u
parlab=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
src=$(realpath "${PARLAB_SRC:-$here/../..}")
. "$here/lib.bash"
hostile_init disk
echo "# as $(id -un)"
export parlab H_WORK H_STATE
lesson=$H_WORK/mini.lua
cp "$src/tests/lessons/good/mini.lua" "$lesson"
chmod -R a+rX "$H_WORK"
export lesson

# The progress to keep intact: the question answered right (2), and its
# export, byte for byte.
echo 2 | "$parlab" --batch "$lesson" >"$H_WORK/seed" 2>&1 || bad "seeding the progress failed: $(tail -3 "$H_WORK/seed")"
"$parlab" progress --export "$H_WORK/base.json" >/dev/null || bad "cannot export the seeded progress"
"$parlab" progress | grep -q "1/1 right" || bad "the seeded progress does not report 1/1 right"
# A good trace to export and to damage (saved without a limit).
echo 2 | PARLAB_STATE=off "$parlab" --batch --save-trace "$H_WORK/saved" "$lesson" >"$H_WORK/saved.out" 2>&1 ||
	bad "saving traces failed: $(tail -3 "$H_WORK/saved.out")"
cp "$(ls "$H_WORK"/saved/*two-threads.trace | head -1)" "$H_WORK/good.trace" || bad "no trace saved to work with"

# How a command ended: not of a signal, no sanitizer report in its output.
ended() {   # ended WHAT RC FILE...
	local what=$1 rc=$2
	shift 2
	[ "$rc" -lt 128 ] || bad "$what: exit $rc (a signal: $(kill -l $((rc - 128)) 2>/dev/null))"
	! grep -aqE "AddressSanitizer|LeakSanitizer|runtime error:" "$@" || bad "$what: a sanitizer report"
}
# has WHAT FILE REGEX: the flattened FILE matches REGEX.
has() { flat "$2" | grep -aqE -- "$3" || bad "$1: no '$3' in: $(head -c 600 "$2")"; }
# The answers of base.json are all in export $2 (progress kept, maybe more).
kept() {
	/usr/bin/python3 - "$H_WORK/base.json" "$2" <<'PY' || bad "$1: an earlier answer is gone from the progress"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
key = lambda r: json.dumps(r, sort_keys=True)
sys.exit(0 if {key(r) for r in a["answers"]} <= {key(r) for r in b["answers"]} and a["answers"] else 1)
PY
}

# In a mount namespace of our own: $1, a bash script, with the variables
# exported above. Exit 90 from it: the mount could not be made.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then NS=(unshare -m)
elif unshare -Urm true 2>/dev/null; then NS=(unshare -Urm)
else NS=()
fi
ns() { "${NS[@]}" bash -c "$1"; }
[ ${#NS[@]} -gt 0 ] || echo "# no mount namespace here (unshare): the tmpfs and read-only cases are not run"

# ---- 1. a full disk and a file size limit for the progress database -----
# FREE KB left on a 1 MiB tmpfs holding a copy of the database: 0 (not even
# its -shm can be made: read only) or a little (it opens, then writes fail).
progress_full() {
	local free=$1 c=$H_WORK/full$1 m=$H_WORK/mnt$1 rc
	mkdir -p "$c" "$m"
	export c m free
	ns '
		mount -t tmpfs -o size=1m none "$m" || exit 90
		cp "$H_STATE/progress.db" "$m/"
		dd if=/dev/zero of="$m/fill" bs=4k 2>/dev/null
		[ "$free" -gt 0 ] && truncate -s -"${free}K" "$m/fill"
		echo 1 | PARLAB_STATE=$m "$parlab" --batch "$lesson" >"$c/out" 2>&1; echo $? >"$c/rc"
		rm -f "$m/fill"
		PARLAB_STATE=$m "$parlab" progress >"$c/report" 2>&1; echo $? >"$c/report.rc"
		PARLAB_STATE=$m "$parlab" progress --export "$c/after.json" >/dev/null 2>&1
		/usr/bin/python3 -c "import sqlite3,sys; sys.exit(sqlite3.connect(sys.argv[1]).execute(\"pragma integrity_check\").fetchone()[0] != \"ok\")" "$m/progress.db" || echo broken >"$c/integrity"
	'
	rc=$?
	[ $rc = 90 ] && { echo "# tmpfs not mounted: full disk ($free KB free) not run"; return; }
	local what="progress on a full disk ($free KB free)"
	rc=$(cat "$c/rc")
	ended "$what" "$rc" "$c/out" "$c/report"
	[ "$rc" = 1 ] || bad "$what: exit $rc, want 1 (progress not kept)"
	has "$what" "$c/out" "parlab: (could not save progress in|cannot write in|cannot use) $m/progress\.db"
	has "$what" "$c/out" "=== end of Mini lesson"
	[ "$(cat "$c/report.rc")" = 0 ] || bad "$what: parlab progress fails afterwards: $(head -c 300 "$c/report")"
	grep -q "1/1 right" "$c/report" || bad "$what: the earlier answer is not reported: $(head -c 300 "$c/report")"
	kept "$what" "$c/after.json"
	[ ! -e "$c/integrity" ] || bad "$what: the database fails its integrity check"
	hostile_clean "$what"
	echo "$what: $(grep -aoE 'parlab: (could not save|cannot write in|cannot use)[^:]*: [^)]*\)?' "$c/out" | head -1)"
}
if [ ${#NS[@]} -gt 0 ]; then
	progress_full 0
	progress_full 40
fi

# ulimit -f KB: a database that cannot grow past KB (1: its -shm cannot be
# made; 40: it opens, then the -wal cannot grow). stdout goes through cat,
# whose writes the limit does not bind.
for kb in 1 40; do
	what="progress under ulimit -f $kb"
	c=$H_WORK/ulimit$kb
	mkdir -p "$c"
	cp -r "$H_STATE" "$c/state"
	echo 1 | PARLAB_STATE=$c/state bash -c "ulimit -f $kb; exec \"\$0\" --batch \"\$1\"" "$parlab" "$lesson" 2>&1 | cat >"$c/out"
	rc=${PIPESTATUS[1]}
	ended "$what" "$rc" "$c/out"
	[ "$rc" = 1 ] || bad "$what: exit $rc, want 1"
	has "$what" "$c/out" "parlab: (could not save progress in|cannot write in|cannot use) $c/state/progress\.db"
	has "$what" "$c/out" "=== end of Mini lesson"
	ls "$c/state"/progress.db.broken-* >/dev/null 2>&1 && bad "$what: a sound database was put aside as broken"
	PARLAB_STATE=$c/state "$parlab" progress >"$c/report" 2>&1 || bad "$what: parlab progress fails afterwards"
	grep -q "1/1 right" "$c/report" || bad "$what: the earlier answer is not reported"
	PARLAB_STATE=$c/state "$parlab" progress --export "$c/after.json" >/dev/null 2>&1
	kept "$what" "$c/after.json"
	H_STATE=$c/state hostile_db_ok || bad "$what: the database fails its integrity check"
	hostile_clean "$what"
	echo "$what: $(grep -aoE 'parlab: (could not save|cannot write in|cannot use)[^:]*: [^)]*\)?' "$c/out" | head -1)"
done

echo "# ${SECONDS} s so far"
# ---- 2. a full disk and a file size limit for saved traces and exports ---
# Every trace left loads (no partial one, no temporary file), every one not
# saved is named with the reason, exit 1.
traces_left_ok() {   # traces_left_ok WHAT DIR
	local f
	for f in "$2"/*; do
		[ -e "$f" ] || continue
		case $f in
		*.trace) "$parlab" export "$f" --perfetto - >/dev/null 2>"$H_WORK/exp.err" ||
			bad "$1: a trace left behind does not load: $(cat "$H_WORK/exp.err")" ;;
		*) bad "$1: a stray file left: $f" ;;
		esac
	done
}
trace_check() {   # trace_check WHAT DIR OUT RC REASON [COPY: DIR's files]
	local what=$1 d=$2 out=$3 rc=$4 reason=$5 copy=${6:-$2}
	ended "$what" "$rc" "$out"
	[ "$rc" = 1 ] || bad "$what: exit $rc, want 1 (a trace not saved)"
	has "$what" "$out" "parlab: cannot save the trace: $d/0[12]-[a-z-]+\.trace: $reason"
	has "$what" "$out" "=== end of Mini lesson"
	traces_left_ok "$what" "$copy"
	hostile_clean "$what"
	echo "$what: $(grep -ac 'cannot save the trace' "$out") not saved, $(ls "$copy" | wc -l) saved"
}
if [ ${#NS[@]} -gt 0 ]; then
	for free in 0 4; do
		c=$H_WORK/tfull$free m=$H_WORK/tmnt$free
		mkdir -p "$c" "$m"
		export c m free
		ns '
			mount -t tmpfs -o size=256k none "$m" || exit 90
			mkdir "$m/tr"
			dd if=/dev/zero of="$m/fill" bs=4k 2>/dev/null
			[ "$free" -gt 0 ] && truncate -s -"${free}K" "$m/fill"
			echo 2 | PARLAB_STATE=off "$parlab" --batch --save-trace "$m/tr" "$lesson" >"$c/out" 2>&1; echo $? >"$c/rc"
			cp -a "$m/tr" "$c/tr"
			# an export onto the full disk: no OUT, no temporary file
			"$parlab" export "$H_WORK/good.trace" --perfetto "$m/new.json" >"$c/exp1" 2>&1; echo $? >"$c/exp1.rc"
			ls -A "$m" | grep -v "^fill$\|^tr$" >"$c/stray"
		'
		rc=$?
		[ $rc = 90 ] && { echo "# tmpfs not mounted: full disk for traces not run"; break; }
		what="traces on a full disk ($free KB free)"
		trace_check "$what" "$m/tr" "$c/out" "$(cat "$c/rc")" "No space left on device" "$c/tr"
		[ "$free" = 0 ] && [ "$(grep -ac 'cannot save the trace' "$c/out")" != 2 ] && bad "$what: not both traces refused"
		if [ -e "$c/exp1.rc" ]; then
			[ "$(cat "$c/exp1.rc")" = 1 ] || bad "$what: export onto the full disk: exit $(cat "$c/exp1.rc"), want 1"
			has "$what: export" "$c/exp1" "parlab export: $m/new\.json: No space left on device"
			[ ! -s "$c/stray" ] || bad "$what: export onto the full disk left $(cat "$c/stray")"
		else
			bad "$what: no trace to export"
		fi
	done
fi
# ulimit -f 1: no trace fits (each is over 1 KiB: how far over depends on
# the records the machine's load gives, so a bigger limit would be a toss).
c=$H_WORK/tlimit
mkdir -p "$c"
echo 2 | PARLAB_STATE=off bash -c 'ulimit -f 1; exec "$0" --batch --save-trace "$1" "$2"' "$parlab" "$c/tr" "$lesson" 2>&1 | cat >"$c/out"
trace_check "traces under ulimit -f 1" "$c/tr" "$c/out" "${PIPESTATUS[1]}" "File too large"
# An export over an earlier OUT under ulimit -f 1: refused, the earlier OUT
# as it was, no temporary file beside it.
echo '{"earlier": true}' >"$c/out.json"
bash -c 'ulimit -f 1; exec "$0" export "$1" --perfetto "$2"' "$parlab" "$H_WORK/good.trace" "$c/out.json" >"$c/exp" 2>&1
rc=$?
what="export under ulimit -f 1"
ended "$what" $rc "$c/exp"
[ $rc = 1 ] || bad "$what: exit $rc, want 1"
has "$what" "$c/exp" "parlab export: $c/out\.json: File too large"
[ "$(cat "$c/out.json")" = '{"earlier": true}' ] || bad "$what: the earlier OUT was changed: $(head -c 100 "$c/out.json")"
left=("$c"/out.json*)
[ ${#left[@]} = 1 ] || bad "$what: files left beside OUT: ${left[*]}"
"$parlab" export "$H_WORK/good.trace" --perfetto "$c/out.json" >/dev/null 2>&1 && /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$c/out.json" ||
	bad "an export without a limit is not valid JSON"
echo "$what: refused, the earlier OUT kept"

echo "# ${SECONDS} s so far"
# ---- 3. a read-only state folder ------------------------------------------
# What users expect: the course runs (batch) and says once that nothing new
# is saved there, naming the file and why; the earlier progress is still
# read (parlab progress, --export); --import and --reset change nothing and
# say so; batch exits 1 (progress asked for was not kept). As root (whom
# chmod does not bind): a read-only bind mount; as another user: chmod 500.
ro_check() {   # ro_check WHAT DIR C
	local what=$1 d=$2 c=$3
	ended "$what" "$(cat "$c/rc")" "$c/out" "$c/report" "$c/imp" "$c/reset"
	[ "$(cat "$c/rc")" = 1 ] || bad "$what: exit $(cat "$c/rc"), want 1"
	has "$what" "$c/out" "parlab: cannot write in $d/progress\.db \($d: (Read-only file system|Permission denied)\): your earlier progress is read, nothing new is saved this time"
	[ "$(grep -ac 'parlab: ' "$c/out")" = 1 ] || bad "$what: said more than once: $(grep -a 'parlab: ' "$c/out" | head -5)"
	has "$what" "$c/out" "Right: 2\) three .*=== end of Mini lesson: 1 of 1"
	[ "$(cat "$c/report.rc")" = 0 ] || bad "$what: parlab progress: exit $(cat "$c/report.rc")"
	grep -q "1/1 right" "$c/report" || bad "$what: the earlier answer is not reported: $(head -c 300 "$c/report")"
	cmp -s "$H_WORK/base.json" "$c/after.json" || bad "$what: the export differs from before"
	[ "$(cat "$c/imp.rc")" = 1 ] || bad "$what: --import: exit $(cat "$c/imp.rc"), want 1"
	has "$what: --import" "$c/imp" "parlab progress: $d/progress\.db can only be read now: nothing was changed"
	[ "$(cat "$c/reset.rc")" = 1 ] || bad "$what: --reset: exit $(cat "$c/reset.rc"), want 1"
	has "$what: --reset" "$c/reset" "can only be read now: nothing was changed"
	hostile_clean "$what"
	echo "$what: $(grep -a 'parlab: ' "$c/out" | head -1)"
}
ro_script='
	echo 2 | PARLAB_STATE=$d "$parlab" --batch "$lesson" >"$c/out" 2>&1; echo $? >"$c/rc"
	PARLAB_STATE=$d "$parlab" progress >"$c/report" 2>&1; echo $? >"$c/report.rc"
	PARLAB_STATE=$d "$parlab" progress --export "$c/after.json" >/dev/null 2>&1
	PARLAB_STATE=$d "$parlab" progress --import "$H_WORK/base.json" >"$c/imp" 2>&1; echo $? >"$c/imp.rc"
	PARLAB_STATE=$d "$parlab" progress --reset >"$c/reset" 2>&1; echo $? >"$c/reset.rc"
'
c=$H_WORK/ro
d=$H_WORK/rostate
mkdir -p "$c"
cp -r "$H_STATE" "$d"
export c d
if [ "$(id -u)" = 0 ] && [ -z "${H_AS:-}" ]; then
	if [ ${#NS[@]} -gt 0 ]; then
		ns "mount --bind \"\$d\" \"\$d\" && mount -o remount,bind,ro \"\$d\" || exit 90
$ro_script"
		if [ $? = 90 ]; then echo "# no read-only bind mount here: the read-only folder case not run as root"
		else ro_check "read-only state folder (a read-only mount)" "$d" "$c"
		fi
	fi
else
	chmod 500 "$d"
	bash -c "$ro_script"
	ro_check "read-only state folder (chmod 500)" "$d" "$c"
	chmod 700 "$d"
fi
cmp -s "$d/progress.db" "$H_STATE/progress.db" || bad "read-only state folder: the database file changed"

echo "# ${SECONDS} s so far"
# ---- 4. corrupted trace files ------------------------------------------------
# replay and export: a message naming the file (and its line where there is
# one), exit 1, before any screen (stdin is no terminal: a trace that
# loaded would get "needs a terminal", exit 2), no OUT written.
t=$H_WORK/tr
mkdir -p "$t"
g=$H_WORK/good.trace
if [ -s "$g" ]; then
	n=$(stat -c %s "$g")
	head -c $((n / 2)) "$g" >"$t/truncated.trace"
	cp "$g" "$t/flipped.trace"
	printf '\377\000\101\377' | dd of="$t/flipped.trace" bs=1 seek=$((n / 3)) conv=notrunc 2>/dev/null
	sed '0,/^task 0 /s//task 2147483000 /' "$g" >"$t/hugeid.trace"
	sed 's/^meta ncpu .*/meta ncpu 9223372036854775807/' "$g" >"$t/hugencpu.trace"
	sed '0,/^slice 0 [0-9]*/s//slice 0 99999999999999999999999999/' "$g" >"$t/hugenum.trace"
	/usr/bin/python3 -c '
import sys
l = open(sys.argv[1]).read().split("\n")
l[1] = "meta title \"" + "x" * (64 << 20) + "\""
open(sys.argv[2], "w").write("\n".join(l))' "$g" "$t/hugeline.trace"
fi
echo "hello, not a trace" >"$t/text.trace"
head -c 65536 /dev/urandom >"$t/junk.trace"
: >"$t/empty.trace"
mkdir "$t/folder.trace"
#           name       regex after "parlab CMD: FILE"
for cse in "truncated(:[0-9]+: truncated|: truncated after line [0-9]+)" "flipped:[0-9]+: (a NUL byte|.*)" "hugeid:[0-9]+: task: id 2147483000" \
	"hugencpu:[0-9]+: meta: ncpu [0-9.]+ is out of range" "hugenum:[0-9]+: slice: t0 [0-9.]+ is out of range" \
	"hugeline:2: meta: title is longer than" "text:1: not a parlab trace" "junk:1: (not a parlab trace|a NUL byte)" \
	"empty: empty file" "folder: Is a directory" "missing: No such file or directory"; do
	name=${cse%%[:(]*}
	re=${cse#"$name"}
	f=$t/$name.trace
	[ "$name" = missing ] || [ -e "$f" ] || { bad "no $name trace made"; continue; }
	for cmd in replay export; do
		what="$cmd of a $name trace"
		if [ $cmd = replay ]; then /usr/bin/time -f %M -o "$H_WORK/rss" "$parlab" replay "$f" </dev/null >"$H_WORK/o" 2>&1
		else /usr/bin/time -f %M -o "$H_WORK/rss" "$parlab" export "$f" --perfetto "$H_WORK/out.json" </dev/null >"$H_WORK/o" 2>&1
		fi
		rc=$?
		ended "$what" $rc "$H_WORK/o"
		[ $rc = 1 ] || bad "$what: exit $rc, want 1"
		has "$what" "$H_WORK/o" "^parlab $cmd: $f$re"
		[ ! -e "$H_WORK/out.json" ] || { bad "$what: OUT was written"; rm -f "$H_WORK/out.json"; }
		ls "$H_WORK"/out.json.* >/dev/null 2>&1 && bad "$what: a temporary OUT left"
		kb=$(tail -1 "$H_WORK/rss")
		[ "${kb:-0}" -lt 262144 ] 2>/dev/null || bad "$what: peak RSS ${kb} KB"
	done
	echo "trace $name: $(head -c 160 "$H_WORK/o")"
done

echo "# ${SECONDS} s so far"
# ---- 5. corrupted progress imports -------------------------------------------
# Refused with file:line (CSV, and JSON syntax) or file: table[index]: what,
# exit 1, the database unchanged: its export byte for byte as before.
i=$H_WORK/imp
mkdir -p "$i"
"$parlab" progress --export "$i/good.json" >/dev/null && "$parlab" progress --export "$i/good.csv" >/dev/null ||
	bad "cannot export the progress"
/usr/bin/python3 - "$i" <<'PY'
import os, sys
d = sys.argv[1]
j = open(os.path.join(d, "good.json")).read()
c = open(os.path.join(d, "good.csv")).read()
w = lambda n, s: open(os.path.join(d, n), "w" if isinstance(s, str) else "wb").write(s)
w("truncated.json", j[: len(j) // 2])
w("truncated.csv", c[: c.index("How many processes") + 5])   # inside a quoted field
w("type_text.json", j.replace('"attempt": 1', '"attempt": "one"', 1))
w("type_list.json", j.replace('"step": 4', '"step": [1, 2]', 1))
w("type_table.json", j.replace('"answers": [', '"answers": 5, "x": [', 1))
w("huge.json", j.replace('"attempt": 1', '"attempt": 99999999999999999999999999', 1))
w("real.json", j.replace('"attempt": 1', '"attempt": 1e308', 1))
head, rest = c.split("\n", 1)
ans = [l for l in rest.split("\n") if l.startswith('"answers"')][0]
f = ans.split(",")
at = head.split(",").index("attempt")
def csv_with(v):
    g = list(f); g[at] = v
    return head + "\n" + ",".join(g) + "\n"
w("type_text.csv", csv_with("one"))
w("huge.csv", csv_with("99999999999999999999999999"))
w("real.csv", csv_with("1.5"))
w("junk.json", os.urandom(65536))
w("junk.csv", os.urandom(65536))
w("mb.json", '{"parlab_progress": 2, "answers": [{"course": "' + "c" * (1 << 20) + '"}]}\n')
w("mb.csv", head + '\n"answers","' + "c" * (1 << 20) + '"\n')
w("mbline.csv", head + "\n" + "x" * (1 << 20) + "\n")
w("empty.json", "")
w("empty.csv", "")
PY
mkdir "$i/folder.json" "$i/folder.csv"
printf 'table,course\n"answers","x\000y"\n' >"$i/nul.csv"
printf '{"parlab_progress": 2, \033]0;pwned\007\033[2J' >"$i/escape.json"
"$parlab" progress --export "$i/before.json" >/dev/null
for cse in "truncated.json:[0-9]+: " "truncated.csv:[0-9]+: a quoted field is not closed" "type_text.json: answers\[0\]: attempt is not a whole number" \
	"type_list.json: position\[0\]: step is not a whole number" "type_table.json: answers is not a list" \
	"huge.json:[0-9]+: too big integer" "real.json: answers\[0\]: attempt is not a whole number" \
	"type_text.csv:2: answers: attempt is not a whole number" "huge.csv:2: answers: attempt is not a whole number" \
	"real.csv:2: answers: attempt is not a whole number" "junk.json:1: " "junk.csv: (a NUL byte at offset [0-9]+ \(not a text file\)|not a parlab progress CSV)" \
	"mb.json: answers\[0\]: NOT NULL constraint failed" "mb.csv:2: NOT NULL constraint failed" "mbline.csv:2: no table" \
	"empty.json:[0-9]+: " "empty.csv: not a parlab progress CSV" "missing.json: No such file or directory" \
	"folder.json: Is a directory" "folder.csv: Is a directory" "nul.csv: a NUL byte at offset 25" "escape.json:1: "; do
	name=${cse%%[:(]*}
	re=${cse#"$name"}
	what="import of $name"
	"$parlab" progress --import "$i/$name" >"$H_WORK/o" 2>&1
	rc=$?
	ended "$what" $rc "$H_WORK/o"
	! grep -aq $'\e\|\a' "$H_WORK/o" || bad "$what: an ESC or BEL byte in the message"
	[ $rc = 1 ] || bad "$what: exit $rc, want 1"
	has "$what" "$H_WORK/o" "^parlab progress: $i/$name$re"
	"$parlab" progress --export "$i/after.json" >/dev/null
	cmp -s "$i/before.json" "$i/after.json" || bad "$what: the database changed"
	echo "import $name: $(head -c 160 "$H_WORK/o")"
done
"$parlab" progress | grep -q "1/1 right" || bad "after the imports: the earlier answer is not reported"
hostile_clean "imports"

echo "# ${SECONDS} s so far"
# ---- as nobody (when root) ------------------------------------------------------
hostile_as_nobody "$0" "$parlab"
echo "# ${SECONDS} s in all"
hostile_done
