#!/usr/bin/env bash
# Writes the index fuzzer's seeds (fuzz/corpus/index/) with this build's
# schema: minikernel's index, an index without TUs, and minikernel's with
# `sym` emptied (the dangling-symbol reproducer), each VACUUMed to 512-byte
# pages in rollback-journal mode, so that mutations keep a valid header more
# often. Usage: scripts/make-index-seeds.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?BUILD_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/minikernel "$work/mk"
rm -f "$work/mk/compile_commands.json" "$work/mk"/kreach.db*
"$work/mk/gen-compile-commands.sh" clang >/dev/null
"$build/bin/kreach" check -p "$work/mk" --quiet >/dev/null || true
small() { sqlite3 "$1" "PRAGMA journal_mode=DELETE; PRAGMA page_size=512; VACUUM;" >/dev/null; }
cp "$work/mk/kreach.db" "$work/mini.db"
small "$work/mini.db"
cp "$work/mini.db" fuzz/corpus/index/minikernel-512.db
cp "$work/mini.db" "$work/dangling.db"
sqlite3 "$work/dangling.db" "DELETE FROM sym; VACUUM;"
cp "$work/dangling.db" fuzz/corpus/index/known-bug-dangling-sym.db
mkdir -p "$work/empty"
echo '[]' > "$work/empty/compile_commands.json"
"$build/bin/kreach" index -p "$work/empty" --quiet --prune >/dev/null 2>&1 || true
[ -f "$work/empty/kreach.db" ] || { echo "no empty index written" >&2; exit 1; }
cp "$work/empty/kreach.db" "$work/empty.db"
small "$work/empty.db"
cp "$work/empty.db" fuzz/corpus/index/empty-512.db
for f in fuzz/corpus/index/*.db; do
  echo "$f: schema $(sqlite3 "$f" "SELECT value FROM meta WHERE key='schema'"), $(sqlite3 "$f" 'SELECT count(*) FROM tu') TUs, $(stat -c %s "$f") bytes"
done
