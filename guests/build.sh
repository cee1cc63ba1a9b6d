#!/usr/bin/env bash
# Builds one test guest from its GNU as source with binutils only.
# Usage: guests/build.sh SOURCE.s OUTPUT.elf [LINKER_SCRIPT]
# A source whose name ends in 64.s is a 64-bit ELF64 kernel (entered directly in 64-bit mode);
# any other is a Multiboot 1 ELF32 kernel. Guests are always built from source; no binary is
# ever committed.
set -euo pipefail
src=$1
out=$2
here="$(cd "$(dirname "$0")" && pwd)"
for tool in as ld; do
  command -v "$tool" >/dev/null || { echo "guests/build.sh: '$tool' (binutils) is required to build $src" >&2; exit 1; }
done
case "$src" in
  *64.s) as_flags=--64; ld_emulation=elf_x86_64; default_script="$here/elf64.ld" ;;
  *)     as_flags=--32; ld_emulation=elf_i386;   default_script="$here/multiboot.ld" ;;
esac
script=${3:-$default_script}
mkdir -p "$(dirname "$out")"
obj=$(mktemp "${TMPDIR:-/tmp}/hve-guest.XXXXXX.o")
trap 'rm -f "$obj"' EXIT
as $as_flags -I "$here/include" -o "$obj" "$src"
ld -m "$ld_emulation" --no-warn-rwx-segments -T "$script" -o "$out" "$obj"
