#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write compile_commands.json for the minikernel tree (in-tree build).
# Usage: gen-compile-commands.sh [CC]
set -euo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

cc=${1:-}
if [ -z "$cc" ]; then
	for c in clang-22 clang-19 clang; do
		if command -v "$c" >/dev/null 2>&1; then
			cc=$c
			break
		fi
	done
fi
if [ -z "$cc" ]; then
	echo "gen-compile-commands.sh: no clang found on PATH; pass CC" >&2
	exit 1
fi

cd "$dir"
out=compile_commands.json
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

{
	echo "["
	sep=""
	while IFS= read -r src; do
		rel=${src#./}
		printf '%s  {\n' "$sep"
		printf '    "directory": "%s",\n' "$dir"
		printf '    "file": "%s",\n' "$dir/$rel"
		printf '    "command": "%s -nostdinc -I./include -D__KERNEL__ -std=gnu11 -Wall -O2 -c -o %s %s"\n' \
			"$cc" "${rel%.c}.o" "$rel"
		printf '  }'
		sep=$',\n'
	done < <(find ./drivers ./mm ./kernel -type f -name '*.c' | LC_ALL=C sort)
	printf '\n]\n'
} > "$tmp"

mv "$tmp" "$out"
trap - EXIT
echo "wrote $dir/$out"
