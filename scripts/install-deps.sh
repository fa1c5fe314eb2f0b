#!/usr/bin/env bash
# Installs what kreach needs to build and test, from Debian's packages.
# Usage: scripts/install-deps.sh [LLVM_VERSION...]   (default: 22; CI adds 19)
set -euo pipefail
versions=("${@:-22}")
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
pkgs=(cmake ninja-build ccache sccache python3 libsqlite3-dev sqlite3 libgtest-dev graphviz git
      libgrpc++-dev libprotobuf-dev protobuf-compiler-grpc)
for v in "${versions[@]}"; do
  pkgs+=("libclang-$v-dev" "clang-tidy-$v" "clang-tools-$v" "llvm-$v-dev" "llvm-$v-tools" "clang-$v")
done
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${pkgs[@]}"
