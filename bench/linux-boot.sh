#!/usr/bin/env bash
# Times Debian's Linux 6.1 (guests/linux/prepare.sh) booting to the initramfs marker in QEMU TCG
# and in HVE on each backend, in one run: through PVH (the unpacked vmlinux) and through the
# bzImage (vmlinuz), with the same initramfs and command line everywhere. Each boot runs
# `uname -a` and reboots; the script stamps the serial line with the marker as it streams out
# and reports the wall time from the start of the process to the marker and to its end.
#
# Usage: bench/linux-boot.sh [options]
#   --paths LIST       boot paths, comma-separated: pvh, bzimage (default pvh,bzimage)
#   --backends LIST    HVE backends, comma-separated (default vmx,svm)
#   --no-qemu          HVE only
#   --images DIR       the prepared guest files (default guest-images/linux)
#   --timeout SECONDS  per boot (default 900)
#   --keep DIR         keep every boot's serial output and stderr in DIR
#
# Environment:
#   HVE    the HVE runner command (default: the repository's ./hve), for example
#          HVE="java -jar hve-cli/target-linux/hve-cli.jar"
#   QEMU   the QEMU binary (default: qemu-system-x86_64; installed with apt-get if missing)
#
# Every run gets /dev/null as stdin, so HVE's serial line has no input and its run is the
# reproducible one (with a live stdin, HVE paces idle guest time to the host's clock).
# Exit status: 0 when every boot reached the marker and ended cleanly, 1 otherwise, 2 on bad usage.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

paths=pvh,bzimage
backends=vmx,svm
use_qemu=1
images="$root/guest-images/linux"
timeout_s=900
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --paths) paths=$2; shift ;;
    --backends) backends=$2; shift ;;
    --no-qemu) use_qemu=0 ;;
    --images) images=$2; shift ;;
    --timeout) timeout_s=$2; shift ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "linux-boot.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

marker="HVE-INITRAMFS-READY"
append='console=ttyS0 hve.cmd="uname -a" hve.end=reboot'
for file in vmlinux vmlinuz initramfs.cpio; do
  [ -f "$images/$file" ] || { echo "linux-boot.sh: $images/$file is missing; run guests/linux/prepare.sh" >&2; exit 2; }
done

read -r -a hve_cmd <<<"${HVE:-$root/hve}"
qemu=${QEMU:-qemu-system-x86_64}
# shellcheck source=ensure-qemu.sh
source "$here/ensure-qemu.sh"
if [ "$use_qemu" = 1 ]; then
  ensure_qemu "$qemu" linux-boot.sh || exit 1
fi

tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT
[ -n "$keep" ] && mkdir -p "$keep"

# Microseconds since the epoch, without a subprocess (bash 5's EPOCHREALTIME).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# The boot command for a path on a runner; the kernel file is vmlinux (PVH) or vmlinuz.
boot_command() {
  local path=$1 runner=$2 kernel
  [ "$path" = pvh ] && kernel="$images/vmlinux" || kernel="$images/vmlinuz"
  if [ "$runner" = tcg ]; then
    cmd=("$qemu" -accel tcg -nographic -monitor none -no-reboot -m 256M -serial stdio
      -kernel "$kernel" -initrd "$images/initramfs.cpio" -append "$append")
  else
    cmd=("${hve_cmd[@]}" run -q --stats --backend "$runner" --cpu amd --memory 256M
      --kernel "$kernel" --initrd "$images/initramfs.cpio" --append "$append")
  fi
}

# Runs one boot, reading its serial output line by line as it streams, and sets r_marker,
# r_end (seconds from the start), r_status, r_instr and r_verdict.
run_one() {
  local path=$1 runner=$2 out="$tmpdir/out" err="$tmpdir/err" stamp="$tmpdir/marker" start end
  boot_command "$path" "$runner"
  rm -f "$stamp"
  : >"$out"
  start=$(now_us)
  timeout "$timeout_s" "${cmd[@]}" </dev/null 2>"$err" | {
    while IFS= read -r line || [ -n "$line" ]; do
      if [ ! -f "$stamp" ] && [[ "$line" == *"$marker"* ]]; then
        now_us >"$stamp"
      fi
      printf '%s\n' "$line" >>"$out"
    done
  }
  r_status=${PIPESTATUS[0]}
  end=$(now_us)
  r_end=$(seconds "$start" "$end")
  r_marker="-"
  [ -f "$stamp" ] && r_marker=$(seconds "$start" "$(cat "$stamp")")
  r_instr=$(awk '/^retired instructions/ { printf "%.2f G", $NF / 1e9 }' "$err")
  [ -n "$r_instr" ] || r_instr="-"
  # QEMU with -no-reboot exits 0 when the guest reboots; HVE's clean reboot is status 0 too.
  if [ -f "$stamp" ] && [ "$r_status" -eq 0 ] && grep -q "Linux (none) 6\.1\." "$out"; then
    r_verdict=ok
  else
    r_verdict=FAIL
    echo "linux-boot.sh: $path on $runner failed (status $r_status); last lines:" >&2
    tail -n 5 "$out" "$err" >&2
  fi
  if [ -n "$keep" ]; then
    cp "$out" "$keep/$path-$runner.serial"
    cp "$err" "$keep/$path-$runner.stderr"
  fi
}

runners=()
[ "$use_qemu" = 1 ] && runners+=(tcg)
IFS=, read -r -a backend_list <<<"$backends"
runners+=("${backend_list[@]}")
IFS=, read -r -a path_list <<<"$paths"

failed=0
rows=()
for path in "${path_list[@]}"; do
  case "$path" in pvh|bzimage) ;; *) echo "linux-boot.sh: unknown path $path" >&2; exit 2 ;; esac
  for runner in "${runners[@]}"; do
    echo "linux-boot.sh: $path on $runner..." >&2
    run_one "$path" "$runner"
    [ "$r_verdict" = ok ] || failed=1
    label=$runner
    [ "$runner" = tcg ] && label="QEMU TCG"
    rows+=("| $path | $label | $r_marker s | $r_end s | $r_instr | $r_verdict |")
  done
done

echo "Debian $(cat "$images/KERNEL_PACKAGE" 2>/dev/null || echo Linux) to '$marker' and to the end of the run"
echo "(wall time from process start; HVE: JVM start-up included; command line: $append)"
echo
echo "| path | runner | to the marker | to the end | guest instructions | result |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$failed"
