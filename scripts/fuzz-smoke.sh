#!/usr/bin/env bash
# Builds the libFuzzer targets (clang of the given LLVM release, ASan+UBSan)
# and runs each one briefly over its seed corpus, fuzz/corpus/<target>/,
# which holds every crash reproducer found so far. Each target is one test:
# it fails on any crash, hang, leak or sanitizer report. Ends with
# "N passed, N failed".
# Usage: scripts/fuzz-smoke.sh [LLVM_VERSION]   (default: 22)
# Environment: KREACH_FUZZ_RUNS (20000), KREACH_FUZZ_SECONDS (20) per target.
set -uo pipefail
cd "$(dirname "$0")/.."
v=${1:-22}
build=build-fuzz-$v
runs=${KREACH_FUZZ_RUNS:-20000}
secs=${KREACH_FUZZ_SECONDS:-20}
targets=(config compdb baseline changed-files index facts-section graph-cache)
if ! command -v "clang++-$v" >/dev/null; then
  echo "== fuzz smoke (LLVM $v): clang-$v not installed"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "== fuzz smoke (LLVM $v): building in $build"
if ! { cmake -S . -B "$build" -G Ninja -DKREACH_LLVM_VERSION="$v" \
         -DCMAKE_C_COMPILER="clang-$v" -DCMAKE_CXX_COMPILER="clang++-$v" \
         -DKREACH_FUZZ=ON -DKREACH_BUILD_TESTS=OFF -DKREACH_BUILD_CLANGD=OFF \
         >"$build.cmake.log" 2>&1 &&
       cmake --build "$build" --target kreach-fuzzers ${KREACH_JOBS:+-j "$KREACH_JOBS"} \
         >"$build.build.log" 2>&1; }; then
  tail -40 "$build.cmake.log" "$build.build.log" 2>/dev/null
  echo "== fuzz smoke (LLVM $v): build failed"
  echo "0 passed, ${#targets[@]} failed"
  exit 1
fi
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kreach-fuzz-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log=$build/fuzz-smoke-$t.log
  # New inputs go to the scratch directory; the seeds stay as committed.
  if (cd "$work" && "$root/$build/bin/kreach-fuzz-$t" -runs="$runs" -max_total_time="$secs" \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$work/$t-" \
        "$work/$t" "$root/fuzz/corpus/$t") >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "PASS: kreach-fuzz-$t ($(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs)"
  else
    failed=$((failed + 1))
    echo "FAIL: kreach-fuzz-$t"
    grep -a -E '^==[0-9]+==|^SUMMARY|^    #[0-9]+ |Test unit written|^Base64' "$log" | head -40
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
