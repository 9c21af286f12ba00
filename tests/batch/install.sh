#!/bin/bash
# cmake --install into a fresh prefix: the binary, the courses, the docs and
# the man page land there; the installed parlab finds its own courses from
# any folder, and `man parlab` finds its page through PATH.
set -u
parlab=$1
build=$(cd "$(dirname "$parlab")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "cmake --install"; exit 1; }
p=$tmp/prefix
for f in bin/parlab share/man/man1/parlab.1 share/parlab/lessons/module14/course.lua \
	share/doc/parlab/lessons.md share/doc/parlab/trace-format.md share/doc/parlab/README.md; do
	[ -s "$p/$f" ] || bad "not installed: $f"
done

# The installed binary, from elsewhere, with no hint: its own share/parlab/lessons.
out=$(cd "$tmp" && env -u PARLAB_LESSONS "$p/bin/parlab" list 2>&1) || bad "installed parlab list: $out"
[[ "$out" == *"Bundled courses ($p/share/parlab/lessons)"* ]] || bad "installed parlab does not use its own lessons: $out"

# man finds the page through PATH (prefix/bin -> prefix/share/man).
if command -v man >/dev/null; then
	where=$(cd "$tmp" && env -u MANPATH PATH="$p/bin:$PATH" man -w parlab 2>&1)
	[ "$where" = "$p/share/man/man1/parlab.1" ] || bad "man -w parlab: $where"
	page=$(cd "$tmp" && env -u MANPATH PATH="$p/bin:$PATH" MANPAGER=cat MANWIDTH=80 man parlab 2>&1)
	for want in SYNOPSIS "AT THE PROMPT" KEYS ENVIRONMENT PARLAB_CAPTURE FILES "EXIT STATUS"; do
		[[ "$page" == *"$want"* ]] || bad "man parlab: no '$want'"
	done
else
	bad "man is not installed (scripts/deps installs man-db for the tests)"
fi

# Every environment variable parlab reads is in the man page and --help.
help=$("$parlab" --help)
for v in $(grep -rhoE 'getenv\("PARLAB_[A-Z_]+"\)' "${PARLAB_SRC:-$build/..}/src" | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
	[ "$v" = PARLAB_SELF_STATS ] && continue   # scripts/bench's, not a user's
	grep -q "$v" "$p/share/man/man1/parlab.1" || bad "man page: $v missing"
	[[ "$help" == *"$v"* ]] || bad "--help: $v missing"
done

[ $fail -eq 0 ] && echo "ok: installed into a prefix; man parlab works"
exit $fail
