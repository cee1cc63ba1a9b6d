#!/usr/bin/env bash
# Prepares the Linux test guest from Debian's own packages, for `./hve run`:
#   - linux-image-amd64 (Debian 12: Linux 6.1, xz-compressed bzImage with CONFIG_PVH=y):
#     vmlinuz (for the Linux boot protocol) and vmlinux unpacked from its xz payload (for PVH);
#   - busybox-static: a newc cpio initramfs whose /init prints a marker, runs the commands given
#     with hve.cmd="..." on the kernel command line, then reboots (hve.end=reboot), powers off
#     (hve.end=poweroff) or gives a shell.
# Everything lands in OUTPUT (default guest-images/linux, ignored by git); nothing downloaded is
# ever committed.
#
# Usage: guests/linux/prepare.sh [OUTPUT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/guest-images/linux}"
marker="HVE-INITRAMFS-READY"

if [ -f "$out/vmlinux" ] && [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio" ]; then
  echo "prepare.sh: $out is already prepared" >&2
  exit 0
fi

install_missing() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "prepare.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
  fi
}
install_missing cpio xz dpkg-deb

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# The metapackage names the versioned kernel package it depends on.
apt-get download linux-image-amd64 busybox-static >/dev/null
kernel_pkg="$(dpkg-deb -f linux-image-amd64_*.deb Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n 1)"
[ -n "$kernel_pkg" ] || { echo "prepare.sh: cannot find the kernel package behind linux-image-amd64" >&2; exit 1; }
apt-get download "$kernel_pkg" >/dev/null
dpkg-deb -x "$kernel_pkg"_*.deb kernel
dpkg-deb -x busybox-static_*.deb busybox
vmlinuz="$(ls kernel/boot/vmlinuz-*)"

# The bzImage's payload is one xz stream; find its magic (FD 37 7A 58 5A 00) and unpack it.
offset="$(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)"
[ -n "$offset" ] || { echo "prepare.sh: no xz payload in $vmlinuz" >&2; exit 1; }
tail -c "+$((offset + 1))" "$vmlinuz" > payload.xz
xz -dc --single-stream < payload.xz > vmlinux
head -c 4 vmlinux | grep -q ELF || { echo "prepare.sh: the unpacked payload is not an ELF vmlinux" >&2; exit 1; }

# The initramfs.
mkdir -p initramfs/bin initramfs/dev initramfs/proc initramfs/sys initramfs/tmp initramfs/etc
cp busybox/bin/busybox initramfs/bin/busybox
for applet in sh mount umount uname cat echo ls sed reboot poweroff sleep dmesg; do
  ln -s busybox "initramfs/bin/$applet"
done
# DEVTMPFS is not mounted automatically, so the console node must exist in the archive.
mknod -m 600 initramfs/dev/console c 5 1
mknod -m 666 initramfs/dev/null c 1 3
cat > initramfs/init <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "$marker"
cmd="\$(sed -n 's/.*hve\.cmd="\([^"]*\)".*/\1/p' /proc/cmdline)"
[ -n "\$cmd" ] && eval "\$cmd"
case "\$(cat /proc/cmdline)" in
  *hve.end=reboot*) reboot -f ;;
  *hve.end=poweroff*) poweroff -f ;;
esac
exec /bin/sh
INIT
chmod 755 initramfs/init
(cd initramfs && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > initramfs.cpio

mkdir -p "$out"
cp "$vmlinuz" "$out/vmlinuz"
cp vmlinux "$out/vmlinux"
cp initramfs.cpio "$out/initramfs.cpio"
echo "$kernel_pkg" > "$out/KERNEL_PACKAGE"
echo "prepare.sh: prepared $kernel_pkg in $out (marker: $marker)" >&2
