#!/bin/bash
# Batch transcript of the whole Module 14 with answers piped in: both seed
# questions, every Worker: N line of the example, the real Dask mean, exit 0,
# no screen-only instruction ("Type next", "the timeline"), and nothing of
# the runs left behind.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Enough answer lines for every question; "2" or wrong ones are fine: the
# transcript must show right/wrong and the explanation either way.
yes 1 | head -n 50 | timeout 600 "$parlab" --batch "$src/lessons/module14" >"$out" 2>&1
rc=$?
[ $rc -eq 0 ] || bad "exit $rc, want 0"

grep -qF "What is the primary advantage of using parallel computing in AI development?" "$out" || bad "question 1 missing"
grep -qF "Which library is commonly used for distributed computing in Python?" "$out" || bad "question 2 missing"
for n in 0 1 2 3 4; do
	grep -qE "^ +[0-9.]+(us|ms|s) +w$n +\| Worker: $n$" "$out" || bad "parlab's own worker $n: no 'Worker: $n' line"
	grep -qE "\| Worker: $n$" <(grep -vE " w$n +\|" "$out") || bad "python example1: no 'Worker: $n' line"
done
# example1.py's lines, each on a child's lane (Process-1..5), none the parent's.
n=$(grep -E " Process-[1-5] +\| Worker: [0-4]$" "$out" | sed 's/.* \(Process-[1-5]\) .*/\1/' | sort -u | wc -l)
[ "$n" -ge 5 ] || bad "python example1: want five lines from Process-1..5, got $n distinct"
grep -qE "MainProcess +\| Worker: " "$out" && bad "python example1: a Worker line credited to the parent"

# The transcript with its wrapped lines joined (parlab's own lines wrap too).
flat=$(tr '\n' ' ' <"$out" | tr -s ' ')
grep -qE 'parlab +\| vs "1 busy worker": [0-9.]+x the CPU work in [0-9.]+x the wall time .*: speedup ([0-9.]+x|not shown)' <<<"$flat" || bad "no speedup against the one-worker run"
# No speedup beyond what this machine's CPUs can give is printed as a figure.
ncpu=$(nproc)
for x in $(grep -oE ': speedup [0-9.]+x' <<<"$flat" | sed 's/[^0-9.]//g'); do
	awk -v x="$x" -v n="$ncpu" 'BEGIN { exit !(x <= n * 1.05) }' || bad "an impossible speedup printed: ${x}x on $ncpu CPUs"
done
grep -qF "Mean value: 42.5" "$out" || bad "example2 did not print the known mean 42.5"
# the same mean on a real local Dask cluster: two worker processes did it
[ "$(grep -c "| Mean value: 42.5$" "$out")" -eq 2 ] || bad "example2 and example2_cluster: want the mean twice"
[[ "$flat" =~ "Your cluster's worker processes were "[0-9]+" ("[0-9]+" ms of CPU) and "[0-9]+" ("[0-9]+" ms of CPU)" ]] ||
	bad "the cluster run's note does not name its two worker processes"
# ... and quotes Dask's own record of the run (observe's run.dask): the tasks, who ran which
[[ "$flat" =~ "Dask's own record of your run, "[0-9]+" tasks in all: worker "[^\ ]+" (process "[0-9]+" of this run) ran "[0-9]+" task" ]] ||
	bad "the cluster run's note does not quote Dask's tasks per worker"
grep -qE "(No data moved between the workers|Data moved between the workers [0-9]+ times?, [0-9]+ bytes in all)" <<<"$flat" ||
	bad "the cluster run's note does not say what data moved between the workers"
grep -qF "the mean of column_name is 42.5" <<<"$flat" || bad "the generated CSV was not announced"
grep -qE "^(Right|Not quite)" "$out" || bad "no answer feedback"
# Eight predictions, each judged by what this machine's run did.
n=$(grep -c "^--- your prediction" "$out"); [ "$n" -eq 8 ] || bad "want 8 judged predictions, got $n"
# A verdict each; where other programs made a run meaningless, "not judged" with the reason.
n=$(grep -A6 "^You predicted: " "$out" | grep -cE "^((Right|Not quite): your machine did|Not judged yet)"); [ "$n" -eq 8 ] || bad "want 8 verdicts, got $n"
# example1.py's first printer, judged from the real children's lines
[[ "$flat" =~ "Observed: "[1-5]" (the children's lines arrived in the order Process-"[1-5]", Process-"[1-5]", Process-"[1-5]", Process-"[1-5]", Process-"[1-5]")" ]] ||
	bad "example1's first printer not observed from its children"
# fork against spawn: a spawned child takes longer from its start to its line, said from the runs.
grep -qE "^With spawn, each child printed its line [0-9.]+ ms after it started, on average" <<<"$(sed -E 's/^ +//' "$out")" || [[ "$flat" =~ "With spawn, each child printed its line "[0-9.]+" ms after it started" ]] || bad "the spawn run's note"
if grep -q "Observed: at most [0-9]* of the 5 workers ran at once, on [0-9]* CPUs; not judged: other programs used" <<<"$flat"; then
	echo "note: workers at once not judged (other programs were busy)"
else
	most=$(sed -n 's/^Observed: \([0-9]*\) (at most [0-9]* of the 5 workers ran at once, on [0-9]* CPUs)$/\1/p' "$out")
	cap=$(nproc); [ "$cap" -gt 5 ] && cap=5
	[[ "$most" =~ ^[0-9]+$ ]] && [ "$most" -ge 1 ] && [ "$most" -le "$cap" ] || bad "workers at once: observed '$most', want 1..$cap"
fi
grep -qE "^Observed: [0-4] \(the lines arrived in the order [0-4]( [0-4]){4}\)$" "$out" || bad "first printer not observed"
tr '\n' ' ' <"$out" | tr -s ' ' | grep -qE "Observed: ([1-4]\) [^(]*\(4 workers took [0-9]+ ms, [0-9.]+x the [0-9]+ ms of one, on [0-9]+ CPUs\)|not judged: other programs used up to [0-9]+ % of the CPUs during these runs)" || bad "4 vs 1 busy workers not observed"
# Paragraphs are re-wrapped: look for the seed's sentences with lines joined.
for sentence in "Tip: When using distributed computing, ensure that your network bandwidth and storage I/O are not bottlenecks, as these can significantly impact performance." \
	"Parallel computing involves breaking down a task into smaller subtasks that can be executed simultaneously." \
	"Libraries such as Dask and Ray are designed to handle distributed computing tasks"; do
	[[ "$flat" == *"$sentence"* ]] || bad "seed text missing: $sentence"
done
grep -qE "capture: (/proc sampler|perf_event)" "$out" || bad "the capture backend is not named"
# Notes quote this run, not fixed numbers: each busy run's own figures.
for n in 1 2 4 8 32; do
	s=s; [ $n -eq 1 ] && s=
	[[ "$flat" =~ "Your $n worker$s did "[0-9]+" ms of CPU work in "[0-9]+" ms of wall time; at most "[0-9]+" ran at the same moment, on "[0-9]+" CPU" ]] ||
		bad "lesson 4: the note after $n busy worker(s) does not quote the run"
done
[[ "$flat" =~ "One worker took "[0-9]+" ms; these 32 took "[0-9.]+" times as long for 32 times the work." ]] || bad "lesson 4: no comparison with one worker"
[[ "$flat" =~ "Your run took "[0-9.]+" s: 16 blocks at one block every 100 ms" ]] || bad "lesson 8: the note does not quote the run"
# Lesson 10's table is the student's own runs: a row per busy run, with a
# speedup (or "(!)": impossible, its yardstick slowed by others) and the
# other programs' share.
for n in 1 2 4 8 32; do
	grep -qE "^ +$n +[0-9.]+ (ms|s) +[0-9]+ +([0-9.]+x|\(!\)) +([0-9]+ %|-)$" "$out" || bad "lesson 10: no row of the student's $n-worker run"
done
over=$(awk -v c="$(nproc)" '/^ +[0-9]+ +[0-9.]+ (ms|s) +[0-9]+ +[0-9.]+x +([0-9]+ %|-)$/ { x = $5; sub(/x/, "", x); if (x + 0 > c * 1.05) print }' "$out")
[ -z "$over" ] || bad "lesson 10: a speedup past the CPUs in the table: $over"
grep -qE "^And the threads waiting for data \(lesson 8\): 4 threads took [0-9.]+ (ms|s), 8 threads" "$out" || bad "lesson 10: no figures of lesson 8"
# Screen-only instructions are not in the transcript (lessons mark them
# {screen: ...}, docs/lessons.md); its own wording is.
for screen in "Type next" "type next" "Type run" "type run" "right-hand side" "In the timeline" "in the timeline" \
	"lane" "type lessons" "Type back"; do
	[[ "$flat" != *"$screen"* ]] || bad "screen-only text in the transcript: \"$screen\": $(grep -F "$screen" "$out" | head -3)"
done
[[ "$flat" == *"This is the batch transcript: the steps follow one another"* ]] || bad "lesson 1: no batch-only wording"
# Prose reads in 80 columns: every line but the runs' output rows (time,
# task, text as the program wrote it), code listings, the task tables and
# the course's title lines (=== ... ===), and the statistics line of a run
# not run (lesson 6's Ray run where ray is missing: batch.c's one line).
wide=$(awk 'length > 80 && !/^===/ && !/^ *[0-9.]+(us|ms|s)  / && !/^ *[0-9]+ \| / && !/^  [^ ].* +[0-9]+ +[0-9]+ / && !/^  task  / && !/^  statistics: .*\(the run did not start\)\)$/' "$out")
[ -z "$wide" ] || bad "lines wider than 80 columns: $wide"
for fixed in "solid for about 300 ms" "1 and 2 workers took about 300 ms" "both needed about 1.6 s"; do
	[[ "$flat" != *"$fixed"* ]] || bad "a fixed number the run may not show: $fixed"
done

sleep 0.3
left=$(ps -eo pid,ppid,stat,comm,args | awk -v me=$$ -v here="$src/lessons/module14" '
	{ row[NR] = $0; args[$1] = $0 }
	END {
		for (i = 2; i <= NR; i++) {
			split(row[i], f, " ")   # pid ppid stat comm
			ours = index(row[i], here) || (f[3] ~ /^Z/ && index(args[f[2]], here))   # a zombie: by its parent
			if ((f[4] ~ /^(parlab-runner|w[0-9]+)$/ && ours) || (f[3] ~ /^Z/ && f[2] == me) || row[i] ~ /parlab-run-.*example[12]\.py|[ ]example[12]\.py/) print row[i]
		}
	}' | grep -v awk || true)
[ -z "$left" ] || bad "left behind: $left"

[ $fail -eq 0 ] || { echo "--- transcript ---"; cat "$out"; }
exit $fail
