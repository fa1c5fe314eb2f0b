#!/usr/bin/env bash
# Builds kreach against each installed LLVM release and runs the whole test
# suite (lit tests and GoogleTest) on each. Ends with "N passed, N failed".
# Usage: scripts/test-all.sh [LLVM_VERSION...]   (default: 22 and 19, those installed)
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lit-run.sh
. scripts/lit-run.sh
versions=("${@:-22 19}")
# shellcheck disable=SC2206
versions=(${versions[*]})
jobs=${KREACH_JOBS:-$(nproc)}
passed=0 failed=0 ran=0
for v in "${versions[@]}"; do
  prefix=/usr/lib/llvm-$v
  if [ ! -d "$prefix/lib/cmake/clang" ]; then
    echo "== LLVM $v: not installed, skipped"
    continue
  fi
  lit=$prefix/bin/lit
  [ -x "$lit" ] || lit="python3 $prefix/build/utils/lit/lit.py"
  build=build-test-$v
  echo "== LLVM $v: building in $build"
  # KREACH_LAYER_CHECK: a layer using one it does not declare fails the build.
  if ! { cmake -S . -B "$build" -G Ninja -DKREACH_LLVM_VERSION="$v" -DKREACH_LAYER_CHECK=ON \
           >"$build.cmake.log" 2>&1 &&
         cmake --build "$build" -j "$jobs" >"$build.build.log" 2>&1; }; then
    tail -40 "$build.cmake.log" "$build.build.log" 2>/dev/null
    echo "== LLVM $v: build failed"
    failed=$((failed + 1))
    continue
  fi
  run_lit "$lit" "$build"
  passed=$((passed + LIT_PASSED))
  failed=$((failed + LIT_FAILED))
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || failed=$((failed + 1))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
