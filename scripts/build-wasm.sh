#!/usr/bin/env bash
# Rebuilds every wasm test program from source. The built modules are committed, so tests never need the
# compilers; run this after editing anything under tests/wasm/src or bench/wasm/src.
#
#   tests/wasm/src/X.c   -> tests/wasm/bin/X.wasm   (clang + wasi-libc)
#   tests/wasm/src/X.wat -> tests/wasm/bin/X.wasm   (wat2wasm)
#   bench/wasm/src/X.c   -> bench/wasm/bin/X.wasm   (if bench/wasm/src exists)
#   examples/NAME/X.c    -> examples/NAME/X.wasm
#   examples/playground/programs/X.c -> examples/playground/programs/X.wasm
#   tests/cli/fixtures/X.{c,wat} -> tests/cli/fixtures/X.wasm
#   tests/adversarial/src/X.{c,wat} -> tests/adversarial/bin/X.wasm   (the adversarial suite's guests)
#
# Output is deterministic: no timestamps, debug info stripped (it embeds build paths), names kept for traps.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

CC="${CC:-clang}"
CFLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Werror -Wno-unused-function -Wno-unused-result -Wl,--strip-debug)
WAT2WASM="${WAT2WASM:-wat2wasm}"

build_dir() {
  local src="$1" out="$2" watflags="${3:-}"
  [[ -d "$src" ]] || return 0
  mkdir -p "$out"
  shopt -s nullglob
  local f name
  for f in "$src"/*.c; do
    name="$(basename "$f" .c)"
    "$CC" "${CFLAGS[@]}" -I "$src" -o "$out/$name.wasm" "$f"
    echo "built $out/$name.wasm"
  done
  for f in "$src"/*.wat; do
    name="$(basename "$f" .wat)"
    "$WAT2WASM" --enable-all $watflags -o "$out/$name.wasm" "$f"
    echo "built $out/$name.wasm"
  done
  shopt -u nullglob
}

build_dir tests/wasm/src tests/wasm/bin
build_dir tests/adversarial/src tests/adversarial/bin
build_dir bench/wasm/src bench/wasm/bin
for d in examples/*/; do build_dir "${d%/}" "${d%/}"; done
# The playground's sample programs (also used by the browser tests).
build_dir examples/playground/programs examples/playground/programs
# CLI test fixtures: wasm function names kept so trap stacks can be checked; plus one file that is not wasm.
build_dir tests/cli/fixtures tests/cli/fixtures --debug-names
printf 'not wasm\n' > tests/cli/fixtures/not-wasm.wasm
