#!/usr/bin/env bash
# Builds the JMH micro-guests (multiboot ELF32 kernels) and the decode corpora (flat binaries)
# into OUTDIR, from source, with binutils. The hve-bench module runs it at build time and puts
# the results on its class path under dev/hve/bench/guests/.
# Usage: bench/jmh-guests/build.sh OUTDIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
for tool in as ld objcopy; do
  command -v "$tool" >/dev/null || { echo "jmh-guests/build.sh: '$tool' (binutils) is required" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hve-jmh-guests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

guest() { # NAME SOURCE [--defsym K=V ...]
  local name=$1 source=$2
  shift 2
  as --32 -I "$here" "$@" -o "$tmp/$name.o" "$here/$source"
  ld -m elf_i386 --no-warn-rwx-segments -z noexecstack -T "$here/../../guests/multiboot.ld" \
    -o "$out/$name.elf" "$tmp/$name.o"
}

guest mix_alu mix_alu.s
guest mix_mem mix_mem.s
guest mix_branch mix_branch.s
guest out_loop out_loop.s
guest cpuid_loop cpuid_loop.s
guest mmio_loop mmio_loop.s
guest finish finish.s
guest tlb_hit tlb.s --defsym TLB_PAGES=4
guest tlb_miss tlb.s --defsym TLB_PAGES=8192

for bits in 32 64; do
  as --32 -o "$tmp/decode$bits.o" "$here/decode$bits.s"
  objcopy -O binary -j .text "$tmp/decode$bits.o" "$out/decode$bits.bin"
done
