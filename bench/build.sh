#!/usr/bin/env bash
# Builds the whole-guest benchmark workloads from source (GNU as/ld and gcc -m32; no libc) into
# multiboot ELF32 kernels that both HVE and QEMU can boot, plus the line each must print.
#
# Usage: bench/build.sh [--smoke] [--out DIR] [WORKLOAD...]
#   --smoke   tiny iteration counts (the "smoke parameters" of workloads/workloads.conf)
#   --out DIR where to build (default bench/build/full or bench/build/smoke; never committed)
#   WORKLOAD  names from workloads/workloads.conf (default: all)
#
# For each workload NAME it writes DIR/NAME.elf and DIR/NAME.expected (the RESULT line).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/workloads"
profile=full
out=""
wanted=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) profile=smoke ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "build.sh: unknown option $1" >&2; exit 2 ;;
    *) wanted+=("$1") ;;
  esac
  shift
done
out=${out:-$here/build/$profile}
mkdir -p "$out"

for tool in as ld gcc; do
  command -v "$tool" >/dev/null || { echo "build.sh: '$tool' is required" >&2; exit 1; }
done

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# Expands ${NAME} in a template from NAME=VALUE words.
expand() {
  local text=$1; shift
  local kv
  for kv in "$@"; do
    text=${text//\$\{${kv%%=*}\}/${kv#*=}}
  done
  printf '%s\n' "$text"
}

CFLAGS_GUEST=(-m32 -march=i686 -ffreestanding -fno-pic -fno-pie -nostdlib -O2 -fno-stack-protector
  -fno-asynchronous-unwind-tables -mno-mmx -mno-sse -mno-sse2 -mno-80387 -Wall -Wextra -I"$src/common")
LDFLAGS_GUEST=(-m elf_i386 --no-warn-rwx-segments -z noexecstack -T "$here/../guests/multiboot.ld")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hve-bench-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
found=0
while IFS='|' read -r name source full smoke expect memory needs; do
  name=$(trim "$name")
  case "$name" in ''|'#'*) continue ;; esac
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then
    continue
  fi
  found=$((found + 1))
  source=$(trim "$source")
  expect=$(trim "$expect")
  if [ "$profile" = smoke ]; then params=$(trim "$smoke"); else params=$(trim "$full"); fi
  read -r -a kvs <<<"$params"
  elf="$out/$name.elf"
  case "$source" in
    *.c)
      defs=()
      for kv in "${kvs[@]}"; do defs+=("-D$kv"); done
      gcc "${CFLAGS_GUEST[@]}" "${defs[@]}" -c -o "$tmp/$name.o" "$src/$source"
      gcc "${CFLAGS_GUEST[@]}" -c -o "$tmp/$name-guest.o" "$src/common/guest.c"
      as --32 -o "$tmp/$name-entry.o" "$src/common/multiboot_entry.s"
      ld "${LDFLAGS_GUEST[@]}" -o "$elf" "$tmp/$name-entry.o" "$tmp/$name-guest.o" "$tmp/$name.o"
      oracle_sources=("$src/$source" "$src/common/host.c")
      ;;
    *.s)
      defs=()
      for kv in "${kvs[@]}"; do defs+=(--defsym "$kv"); done
      as --32 -I "$src/common" "${defs[@]}" -o "$tmp/$name.o" "$src/$source"
      ld "${LDFLAGS_GUEST[@]}" -o "$elf" "$tmp/$name.o"
      oracle_sources=("$src/${source%.s}_oracle.c")
      ;;
    *) echo "build.sh: $name: unknown source type $source" >&2; exit 1 ;;
  esac
  if [ "$expect" = oracle ]; then
    defs=()
    for kv in "${kvs[@]}"; do defs+=("-D$kv"); done
    gcc -O2 -I"$src/common" "${defs[@]}" -o "$tmp/$name-oracle" "${oracle_sources[@]}"
    "$tmp/$name-oracle" >"$out/$name.expected"
  else
    expand "$expect" "${kvs[@]}" >"$out/$name.expected"
  fi
  printf '%s\n' "$(trim "$memory")" >"$out/$name.memory"
  printf '%s\n' "$(trim "$needs")" >"$out/$name.needs"
done <"$src/workloads.conf"

if [ "$found" -eq 0 ]; then
  echo "build.sh: no workload matched: ${wanted[*]}" >&2
  exit 2
fi
echo "built $found workload(s) ($profile) in $out" >&2
