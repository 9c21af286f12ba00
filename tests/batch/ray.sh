#!/bin/bash
# Module 14's lesson 6: what Ray does differently, and the mean with Ray
# (example2_ray.py), an `optional = true` run. Where `ray` cannot be
# imported (Debian 12 has no python3-ray) the step says Ray is not installed
# here, names no package to apt-get, makes no CSV, is "not run" and the course
# goes on (exit 0, the lesson's end reached); where it can, the run prints
# the mean 42.5 and its note quotes it. Then `optional` itself on made-up
# lessons: a module that is there runs as usual, a missing one is said the
# same way (also with PARLAB_PYTHON), and a run that is not optional still
# says which Debian package to install.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
fail=0
bad() { echo "FAIL: $*"; fail=1; }
trap 'rm -rf "$tmp"' EXIT
flat() { tr '\n' ' ' | tr -s ' '; }

out=$(cd "$tmp" && TMPDIR=$tmp "$parlab" --batch --state off "$src/lessons/module14/06-distributed.lua" 2>&1); rc=$?
f=$(flat <<<"$out")
[ $rc -eq 0 ] || bad "lesson 6: exit $rc, want 0"
[[ "$f" == *"# What Ray does differently"*"Ray is not packaged for Debian 12"* ]] || bad "lesson 6: no text on Ray"
[[ "$f" == *"--- example2_ray.py (python) ---"*"@ray.remote"* ]] || bad "lesson 6: example2_ray.py not shown"
[[ "$f" == *"=== end of Exploring Distributed Computing"* ]] || bad "lesson 6: the course did not reach the lesson's end"
run=$(sed -n '/^--- run: The mean with Ray/,/^=== end/p' <<<"$out" | flat)
if /usr/bin/python3 -c 'import ray' 2>/dev/null || python3 -c 'import ray' 2>/dev/null; then
	echo "note: ray can be imported here: the Ray run is checked as a run"
	[[ "$run" == *"| Mean value: 42.5"* ]] || bad "ray here: no 'Mean value: 42.5'"
	[[ "$run" =~ "Your run printed Mean value: 42.5" ]] || bad "ray here: the note does not quote the mean"
else
	[[ "$run" == *"This optional step needs Python 3 with ray, which is not installed here: it is not run, and the course goes on."* ]] ||
		bad "no ray: the step does not say that Ray is not installed here"
	[[ "$run" =~ "run The mean with Ray after "[0-9.]+(us|ms|s)": not run" ]] || bad "no ray: the run is not 'not run'"
	[[ "$run" == *apt-get* || "$run" == *python3-ray* ]] && bad "no ray: a package to apt-get is named (Debian 12 has none)"
	[[ "$run" == *"generated large_dataset.csv"* ]] && bad "no ray: a CSV made for a step that does not run"
	[[ "$run" == *"Your run printed"* ]] && bad "no ray: a note about a run that did not happen"
fi

# optional = true on made-up lessons
mkdir -p "$tmp/c"
printf 'import json\nprint("json is here")\n' >"$tmp/c/here.py"
cat >"$tmp/c/opt.lua" <<'EOF'
return lesson {
  title = "Optional runs",
  text "start",
  run { title = "there", command = { "python3", "here.py" }, files = { "here.py" }, python = { "json" }, optional = true },
  run { title = "missing", command = { "python3", "here.py" }, files = { "here.py" }, python = { "parlab_no_such_module" }, optional = true,
        csv = { file = "x.csv", rows = 10, column = "v", mean = 1 } },
  run { title = "needed", command = { "python3", "here.py" }, files = { "here.py" }, python = { "parlab_no_such_module" } },
  text "the end",
}
EOF
out=$(cd "$tmp" && "$parlab" --batch --state off "$tmp/c/opt.lua" 2>&1); rc=$?
f=$(flat <<<"$out")
[ $rc -eq 0 ] || bad "optional lesson: exit $rc, want 0"
sec() { sed -n "/^--- run: $1 /,/^--- run: \\|^the end/p" <<<"$out" | flat; }
[[ "$(sec there)" == *"| json is here"*"finished: exit 0"* ]] || bad "an optional run whose module is there did not run: $(sec there)"
m=$(sec missing)
[[ "$m" == *"This optional step needs Python 3 with parlab_no_such_module, which is not installed here: it is not run, and the course goes on."* ]] ||
	bad "an optional run's missing module is not said: $m"
[[ "$m" == *apt-get* || "$m" == *generated* ]] && bad "an optional run's missing module: apt-get named or a CSV made: $m"
n=$(sec needed)
[[ "$n" == *"Install on Debian/Ubuntu: sudo apt-get install python3 python3-parlab_no_such_module"* ]] || bad "a run that is not optional no longer names the package: $n"
[[ "$f" == *"the end"* ]] || bad "optional lesson: the course did not go on"
out=$(cd "$tmp" && PARLAB_PYTHON=/usr/bin/python3 "$parlab" --batch --state off "$tmp/c/opt.lua" 2>&1 | flat)
[[ "$out" == *"This optional step needs Python 3 with parlab_no_such_module, which PARLAB_PYTHON=/usr/bin/python3 lacks: it is not run, and the course goes on."* ]] ||
	bad "with PARLAB_PYTHON: the missing module is not said"

[ $fail -eq 0 ] || echo "$out"
exit $fail
