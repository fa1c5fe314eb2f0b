#!/usr/bin/env bash
# Builds kreach with AddressSanitizer and UndefinedBehaviorSanitizer (clang of
# the given LLVM release, kreach's own code instrumented) and runs the whole
# lit + GoogleTest suite with it. Tests of the clang-tidy and analyzer plugins
# are unsupported there (docs/robustness.md). Ends with "N passed, N failed".
# Usage: scripts/test-sanitized.sh [LLVM_VERSION]   (default: 22)
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lit-run.sh
. scripts/lit-run.sh
v=${1:-22}
prefix=/usr/lib/llvm-$v
build=build-sanitized-$v
lit=$prefix/bin/lit
[ -x "$lit" ] || lit="python3 $prefix/build/utils/lit/lit.py"
if ! command -v "clang++-$v" >/dev/null || [ ! -d "$prefix/lib/cmake/clang" ]; then
  echo "== sanitized (LLVM $v): clang-$v or its libraries not installed"
  echo "0 passed, 1 failed"
  exit 1
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
echo "== sanitized (LLVM $v, address,undefined): building in $build"
if ! { cmake -S . -B "$build" -G Ninja -DKREACH_LLVM_VERSION="$v" \
         -DCMAKE_C_COMPILER="clang-$v" -DCMAKE_CXX_COMPILER="clang++-$v" \
         -DKREACH_SANITIZE=address,undefined >"$build.cmake.log" 2>&1 &&
       cmake --build "$build" ${KREACH_JOBS:+-j "$KREACH_JOBS"} >"$build.build.log" 2>&1; }; then
  tail -40 "$build.cmake.log" "$build.build.log" 2>/dev/null
  echo "== sanitized (LLVM $v): build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
run_lit "$lit" "$build"
failed=$((LIT_FAILED + LIT_NONE))
echo "$LIT_PASSED passed, $failed failed"
[ "$failed" -eq 0 ]
