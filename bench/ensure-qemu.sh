#!/usr/bin/env bash
# Sourced by the benchmark scripts: ensure_qemu BINARY SCRIPT_NAME installs Debian's
# qemu-system-x86 with apt-get (through sudo when not root) if BINARY is not on the PATH.
ensure_qemu() {
  local binary=$1 script=$2
  command -v "$binary" >/dev/null && return 0
  echo "$script: $binary not found; installing Debian's qemu-system-x86" >&2
  local sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends qemu-system-x86 >&2 ||
    { echo "$script: could not install qemu-system-x86" >&2; return 1; }
}
