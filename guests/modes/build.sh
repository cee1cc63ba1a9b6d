#!/usr/bin/env bash
# Builds the mode-transition guest into a Multiboot ELF32 (the payload has 64-bit code, so it is
# assembled and linked as x86-64 and converted with objcopy, a common trick for multiboot kernels).
# Usage: guests/modes/build.sh OUTPUT.elf
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
for tool in as ld objcopy; do
  command -v "$tool" >/dev/null || { echo "guests/modes/build.sh: '$tool' (binutils) is required" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hve-modes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
as --64 -o "$tmp/modes.o" "$here/modes.S"
ld -m elf_x86_64 --no-warn-rwx-segments -n -T "$here/modes.ld" -o "$tmp/modes64.elf" "$tmp/modes.o"
objcopy -O elf32-i386 "$tmp/modes64.elf" "$out"
