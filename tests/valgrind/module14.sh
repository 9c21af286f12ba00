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
trap 'rm -rf "$dir"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

yes 1 | head -n 50 | timeout 1500 valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --trace-children=no --child-silent-after-fork=no \
	--error-exitcode=99 --log-file="$dir/vg.%p" \
	"$parlab" --batch "$src/lessons/module14" >"$dir/out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "exit $rc, want 0 (99: valgrind found errors in parlab itself)"

# It really ran the course under valgrind: its end, and the runs' output.
flat=$(tr '\n' ' ' <"$dir/out" | tr -s ' ')
grep -qF "Mean value: 42.5" <<<"$flat" || bad "the Dask run's mean is missing"
for n in 0 1 2 3 4; do
	grep -qE "w$n +\| Worker: $n" "$dir/out" || bad "parlab's own worker $n printed no 'Worker: $n'"
done

logs=("$dir"/vg.*)
[ -e "${logs[0]}" ] || bad "valgrind wrote no log"
# parlab and the processes it forked (the runner, process workers): at
# least two logs, each with its own leak summary when it had anything.
[ ${#logs[@]} -ge 2 ] || bad "want logs of parlab and its runner, got ${#logs[@]}"
for f in "${logs[@]}"; do
	[ -s "$f" ] || continue   # --quiet: nothing to say is a clean process
	if grep -qE "(definitely lost|ERROR SUMMARY: [1-9]|Invalid (read|write|free)|uninitialised|Mismatched free|overlap|Syscall param|Conditional jump)" "$f"; then
		bad "valgrind: $(basename "$f")"
		cat "$f"
	fi
done
echo "$(ls "$dir"/vg.* | wc -l) processes under memcheck"
if [ $fail -ne 0 ]; then
	tail -n 30 "$dir/out"
	exit 1
fi
echo "PASS: valgrind memcheck of Module 14: no errors, no definite leaks"
