# Sourced by the test scripts: runs lit over a build's tests, shows what
# failed, and leaves the counts in LIT_PASSED, LIT_FAILED (failed plus
# unresolved) and LIT_NONE (1 when lit reported no passed test).
# Usage: run_lit LIT_COMMAND BUILD_DIR
run_lit() {
  local lit=$1 build=$2 out p f u
  # shellcheck disable=SC2086
  out=$($lit -sv "$build/test" "$build/unittests" 2>&1)
  echo "$out" | grep -E '^(FAIL|XPASS|UNRESOLVED):|^  (Passed|Failed|Unsupported|Unresolved)' || true
  echo "$out" | sed -n '/^\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\* TEST/,/^\*\*\*\*\*\*\*\*\*\*/p' | head -200
  p=$(echo "$out" | sed -n 's/^  Passed *: *\([0-9]*\).*/\1/p')
  f=$(echo "$out" | sed -n 's/^  Failed *: *\([0-9]*\).*/\1/p')
  u=$(echo "$out" | sed -n 's/^  Unresolved *: *\([0-9]*\).*/\1/p')
  LIT_PASSED=${p:-0}
  LIT_FAILED=$(( ${f:-0} + ${u:-0} ))
  LIT_NONE=0
  [ -n "$p" ] || LIT_NONE=1
}
