#!/usr/bin/env bash
# Builds one test guest from its GNU as source into a multiboot ELF32, with binutils only.
# Usage: guests/build.sh SOURCE.s OUTPUT.elf [LINKER_SCRIPT]
# Guests are always built from source; no binary is ever committed.
set -euo pipefail
src=$1
out=$2
script=${3:-$(dirname "$0")/multiboot.ld}
for tool in as ld; do
  command -v "$tool" >/dev/null || { echo "guests/build.sh: '$tool' (binutils) is required to build $src" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
obj=$(mktemp "${TMPDIR:-/tmp}/hve-guest.XXXXXX.o")
trap 'rm -f "$obj"' EXIT
as --32 -o "$obj" "$src"
ld -m elf_i386 --no-warn-rwx-segments -T "$script" -o "$out" "$obj"
