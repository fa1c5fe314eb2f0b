#!/usr/bin/env bash
# Records a kernel build's compile_commands.json without compiling the C
# files: Kbuild runs the whole build (every directory its configuration
# builds) with scripts/kbuild-record/record-cc.py standing in for the
# compiler under the compiler's own name, so the .cmd files it writes hold
# the real command lines; gen_compile_commands.py then reads them as after a
# real build. Linking vmlinux and modpost fail on the empty objects and are
# expected to (make -k goes on with every compile).
#
# Usage: scripts/record-compile-commands.sh KERNEL_DIR [LLVM_SUFFIX] [JOBS]
#   KERNEL_DIR  a configured tree ('make LLVM=... prepare' done, as
#               ../shared/kernel/prepare.sh leaves it); in-tree build
#   LLVM_SUFFIX the LLVM= value the tree was configured with (default -22)
# Writes KERNEL_DIR/compile_commands.json and KERNEL_DIR/record.log; prints
# the number of entries. docs/whole-kernel.md says how the commands were
# checked against a real build's (scripts/compare-compile-commands.py).
set -euo pipefail
K=${1:?KERNEL_DIR}
SUF=${2:--22}
JOBS=${3:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$K/.config" ] || { echo "record-compile-commands: $K has no .config" >&2; exit 2; }
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
ln -s "$here/kbuild-record/record-cc.py" "$shim/clang$SUF"
export KREACH_RECORD_CACHE="$shim/cache"
cd "$K"
start=$(date +%s)
PATH="$shim:$PATH" make LLVM="$SUF" -k -j"$JOBS" >record.log 2>&1 || true
echo "record-compile-commands: make finished in $(( $(date +%s) - start )) s (errors from linking empty objects are expected; see $K/record.log)"
python3 scripts/clang-tools/gen_compile_commands.py -d . -o compile_commands.json
python3 -c "import json;print(len(json.load(open('compile_commands.json'))),'entries')"
