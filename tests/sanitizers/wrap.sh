#!/bin/bash
# Runs one test of a sanitized build (-DPARLAB_ASAN / -DPARLAB_UBSAN) and
# fails it when any process of it wrote a sanitizer report: parlab's
# runner and Lua workers are forked children whose failure a test may
# expect (a crash lesson) or not see at all, so their exit status is not
# enough. ASAN_OPTIONS/UBSAN_OPTIONS (tests/CMakeLists.txt) send every
# report to LOGDIR/NAME.asan.PID or .ubsan.PID.
# Usage: wrap.sh LOGDIR NAME COMMAND [ARGS...]
logdir=$1 name=$2
shift 2
mkdir -p "$logdir" && chmod 1777 "$logdir"
rm -f "$logdir/$name".*
"$@"
rc=$?
shopt -s nullglob
reports=("$logdir/$name".*)
if [ ${#reports[@]} -gt 0 ]; then
	for f in "${reports[@]}"; do
		echo "=== sanitizer report: $f"
		cat "$f"
	done
	echo "FAIL: ${#reports[@]} sanitizer report(s) from $name (exit status was $rc)"
	exit 1
fi
exit $rc
