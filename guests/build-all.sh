#!/usr/bin/env bash
# Builds every test guest under guests/*/ (except the demo, which the runner embeds) into OUTDIR,
# named after its source: guests/stringio/stringio32.s -> OUTDIR/stringio32.elf.
# Usage: guests/build-all.sh OUTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out=$1
mkdir -p "$out"
for src in "$here"/*/*.s; do
  case "$src" in */demo/*) continue ;; esac
  name=$(basename "$src" .s)
  "$here/build.sh" "$src" "$out/$name.elf"
done
# A guest that needs more than one source file or the C preprocessor brings its own build.sh,
# which takes the output file: guests/modes/build.sh OUTDIR/modes.elf.
for script in "$here"/*/build.sh; do
  dir=$(basename "$(dirname "$script")")
  bash "$script" "$out/$dir.elf"
done
