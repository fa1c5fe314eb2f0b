#!/usr/bin/env bash
# kreach-patch-check.sh - gate one patch (or branch) with kreach.
#
# Checks out the base revision, records its findings as a baseline (cached
# per base commit), checks out the patched revision again and runs kreach in
# patch mode against that baseline. The kreach index in the build directory
# is the cache that makes both steps incremental: keep it between runs.
#
# Usage:
#   kreach-patch-check.sh [-C SRC] [-p BUILD] [--base REV] [--out DIR]
#                         [--regen CMD] [--kreach PATH]
#
#   -C SRC        git work tree of the kernel (default: .)
#   -p BUILD      directory with compile_commands.json and kreach.db
#                 (default: SRC)
#   --base REV    revision the patch applies to (default: HEAD~1)
#   --out DIR     where report.txt, kreach.sarif and the baselines go
#                 (default: BUILD/kreach-out)
#   --regen CMD   shell command run in SRC after each checkout to refresh
#                 compile_commands.json (e.g. "make O=... compile_commands.json")
#   --kreach PATH the kreach binary (default: kreach on PATH)
#
# Exit status: 0 no new finding, 1 new findings, 2 error (kreach's own).
set -euo pipefail

src=.
build=
base=HEAD~1
out=
regen=
kreach=${KREACH:-kreach}

die() {
	echo "kreach-patch-check: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	-C) src=$2; shift 2 ;;
	-p) build=$2; shift 2 ;;
	--base) base=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--regen) regen=$2; shift 2 ;;
	--kreach) kreach=$2; shift 2 ;;
	-h|--help) sed -n '2,23p' "$0"; exit 0 ;;
	*) die "unknown argument '$1'" ;;
	esac
done

src=$(cd "$src" && pwd -P) || die "no source tree '$src'"
build=$(cd "${build:-$src}" && pwd -P) || die "no build directory"
out=${out:-$build/kreach-out}
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
command -v "$kreach" >/dev/null 2>&1 || die "kreach not found ('$kreach')"

git=(git -C "$src")
"${git[@]}" rev-parse --git-dir >/dev/null 2>&1 || die "'$src' is not a git work tree"
# Checking out the base must not lose anyone's work.
[ -z "$("${git[@]}" status --porcelain --untracked-files=no)" ] ||
	die "'$src' has uncommitted changes; commit or stash them first"

head_rev=$("${git[@]}" rev-parse --verify HEAD)
base_rev=$("${git[@]}" rev-parse --verify "$base^{commit}") || die "unknown base '$base'"
# Return to the patched tree however this script ends.
restore() { "${git[@]}" checkout -q "$head_rev"; }
trap restore EXIT

refresh_db() {
	if [ -n "$regen" ]; then
		(cd "$src" && sh -c "$regen") >/dev/null || die "'$regen' failed"
	fi
}

# 1. The base tree's findings, once per base commit.
baseline=$out/baseline-$base_rev.json
if [ ! -s "$baseline" ]; then
	"${git[@]}" checkout -q "$base_rev"
	refresh_db
	status=0
	"$kreach" check -p "$build" --quiet --fail-on=none --write-baseline "$baseline.tmp" \
		>/dev/null || status=$?
	[ "$status" -eq 0 ] || die "kreach failed on the base tree (exit $status)"
	mv "$baseline.tmp" "$baseline"
fi

# 2. The patched tree, in patch mode: only TUs that read a changed file are
#    re-parsed, and only findings whose chain passes through the change count.
"${git[@]}" checkout -q "$head_rev"
refresh_db
status=0
"$kreach" check -p "$build" --quiet --changed-since "$base_rev" --baseline "$baseline" \
	--format=sarif -o "$out/kreach.sarif" || status=$?
[ "$status" -le 1 ] || exit "$status"
# The same result as text for mail or logs; nothing is re-indexed this time.
status=0
"$kreach" check -p "$build" --no-update --changed-since "$base_rev" --baseline "$baseline" \
	>"$out/report.txt" 2>"$out/summary.txt" || status=$?
cat "$out/report.txt" "$out/summary.txt"
exit "$status"
