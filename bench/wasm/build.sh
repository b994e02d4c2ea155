#!/usr/bin/env bash
# Builds bench/wasm/src/*.c into bench/wasm/bin/*.wasm with the system clang and wasi-libc.
# Fallback for when scripts/build-wasm.sh (the repo-wide build) is not available; same flags as it should use.
# Usage: bash bench/wasm/build.sh [name ...]   (no names: build every program)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/bin"
if [ "$#" -eq 0 ]; then
  set -- $(cd "$here/src" && ls *.c | sed 's/\.c$//')
fi
for name in "$@"; do
  # -s strips DWARF: the benchmarks never need it and it makes the committed binaries ~7x larger.
  clang --target=wasm32-wasi --sysroot=/usr -O2 -s -o "$here/bin/$name.wasm" "$here/src/$name.c"
  echo "built bench/wasm/bin/$name.wasm"
done
