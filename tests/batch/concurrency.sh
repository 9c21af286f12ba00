#!/bin/bash
# The second course, lessons/concurrency, end to end in batch with
# answers: exit 0; every run's note quotes the run's own figures; the racy
# counter came out short or the lesson said why not; the locked and atomic
# counters are exact; questions from runs are judged by the runs; parlab
# list names the course. Then the
# same under load (two CPU hogs): predictions whose outcome the course
# guarantees are judged right or left unjudged, never judged wrong.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
dump=""
flat() { printf '%s' "${out//$'\n'/ }"; }
has() { [[ "$(flat)" == *"${1//$'\n'/ }"* ]] || { bad "$2: want '$1'"; dump=$out; }; }
course="$src/lessons/concurrency"
tmp=$(mktemp -d)
hogs=()
trap 'for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

ncpu=$(nproc); most=$(( ncpu < 4 ? ncpu : 4 ))
cat >"$tmp/answers" <<EOA
# lesson 1: running at once, waiting workers, more CPU time
$most
1
1
# lesson 2: 8 workers' speedup (a guess), the serial share (a guess)
3
20
# lesson 3: racy, lost (a guess), lock, longest
2
0
1
2
# lesson 4: producer late, consumers asleep, jobs of w1 (a guess)
2
2
6
# lesson 5: deadlock, w1 wants A, one order finishes
2
A
1
# lesson 6: 2 inside, 180 ms, last in (a guess), the barrier
2
2
w5
2
EOA

# The verdict on prediction N: the line after "You predicted" and "Observed".
verdict() {
	awk -v n="$1" '$0 == "--- your prediction (question " n ") ---" { on = 1; next }
		on && /^(Right:|Not quite:|Not judged yet:|The lesson could not judge it:)/ { print; exit }' <<<"$out"
}
# Predictions the course guarantees (waiting overlaps; a lock never loses;
# the queue makes the producer wait and the consumers sleep; opposite lock
# orders deadlock, one order does not; the semaphore's limit and pace; the
# barrier): right, or not judged on a busy machine, never wrong.
guaranteed() {
	for q in 2 8 10 11 13 15 16 17 19; do
		v=$(verdict $q)
		[[ "$v" == "Right:"* || "$v" == "Not judged yet:"* ]] || { bad "$1: prediction $q: '$v'"; dump=$out; }
	done
}

course_run() {
	out=$("$parlab" --batch --state off --answers "$tmp/answers" "$course" 2>&1); rc=$?
	[ $rc -eq 0 ] || { bad "$1: exit $rc, want 0"; dump=$out; }
	has "=== Concurrency you can see ===" "$1: course title"
	for t in "CPU-bound and I/O-bound work" "Amdahl's law, measured" "A race, and two fixes" \
		"Producer and consumers" "Deadlock, and a lock order" "A semaphore and a barrier"; do
		grep -q "^== Lesson [1-6]/6: $t ==$" <<<"$out" || bad "$1: lesson '$t' missing"
	done
	for n in 1 2 3 4 5 6; do grep -q "^== Lesson $n/6: " <<<"$out" || bad "$1: no lesson $n"; done
	has "=== end of Concurrency you can see:" "$1: the course ran to its end"
	# The racy counter: short, with the lost count, or the lesson says why not.
	racy=$(flat | sed -n 's/.*Your counter ended at \([0-9]*\) of 4000: \([0-9]*\) additions were lost.*/\1 \2/p')
	if [ -n "$racy" ]; then
		read -r c lost <<<"$racy"
		[ $((c + lost)) -eq 4000 ] && [ "$lost" -gt 0 ] || bad "$1: racy counter $c, lost $lost"
		has "The answer is $lost (your counter ended at $c of 4000)" "$1: the lost additions, from the run"
	else
		has "no addition was lost this time" "$1: the racy counter came out short or the lesson said why not"
	fi
	has "Your counter ended at 4000 of 4000; counting under the lock took" "$1: the lock loses nothing"
	has "Your counter ended at 4000 of 4000; the atomic adds took" "$1: the atomic add loses nothing"
	# Notes quote the student's runs.
	has "Your 4 waiting workers used" "$1: lesson 1's note"
	# The speedup table fits a 40-column pane: n, wall time, on CPUs,
	# measured speedup, Amdahl's; the 1-worker row's speedup is 1.00.
	grep -qx "  n   wall      on CPUs  speedup  Amdahl" <<<"$out" || { bad "$1: the speedup table's header"; dump=$out; }
	rows=$(grep -E '^  [1248]   +[0-9]+ ms +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2}$' <<<"$out")
	[ "$(wc -l <<<"$rows")" -eq 4 ] || { bad "$1: the speedup table has $(wc -l <<<"$rows") rows of 4"; dump=$out; }
	wide=$(awk 'length($0) > 40' <<<"$rows")
	[ -z "$wide" ] || bad "$1: speedup rows wider than 40 columns: $wide"
	grep -qE '^  1   +[0-9]+ ms +[0-9.]+ +1\.00 +1\.00$' <<<"$rows" || bad "$1: the 1-worker row's speedup and Amdahl's are not 1.00"
	has "In yours, " "$1: the table says which runs other programs slowed"
	has "In your run with 1 worker, the serial part took" "$1: the serial fraction from the student's times"
	has "Your producer was done putting at" "$1: lesson 4's note"
	[[ "$(flat)" == *"parlab found the cycle of waits and stopped the run after "*" ms, saying who waits for what: w0 holds A and waits for B; w1 holds B and waits for A."* ||
	   "$(flat)" == *"workers finished this time"* ]] ||
		{ bad "$1: the deadlock note"; dump=$out; }
	has "as this step expects" "$1: the deadlock stopped the run, as it expects"
	has "at most 2 held a slot at once" "$1: the semaphore's limit"
	guaranteed "$1"
}

# The course is bundled: parlab list names it with its lessons.
out=$(cd / && "$parlab" list 2>&1) || bad "parlab list failed: $out"
has "concurrency  Concurrency you can see" "parlab list names the second course"
has "06-semaphore.lua" "parlab list names its lessons"
has "module14  Module 14" "parlab list still names Module 14"

course_run "quiet"

# Under load: two CPU hogs for the whole course.
for _ in 1 2; do (while :; do :; done) & hogs+=($!); done
course_run "two CPU hogs"
has "other programs used" "two CPU hogs: the runs say other programs took the CPUs"
for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done
hogs=()

[ -z "$dump" ] || { printf -- "--- transcript ---\n%s\n" "$dump" >"${TMPDIR:-/tmp}/concurrency-transcript.txt"; printf -- "--- transcript ---\n%s\n" "$dump" | tail -150; }
exit $fail
