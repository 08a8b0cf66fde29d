#!/usr/bin/env bash
# Debian packages the runtime's network-namespace test needs: iproute2 (`ip`, `tc`).
#
# Installs only what is missing, and never fails CI: without root, without apt, or with apt
# unreachable, it prints a warning and exits 0; the test then says by name that it was skipped
# and why (`ip`/`tc` missing, or not root).
set -uo pipefail

missing=()
for tool in ip tc; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/sbin/$tool" ] && [ ! -x "/usr/sbin/$tool" ]; then
    missing+=("$tool")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-packages: ip and tc are present"
  exit 0
fi

warn() {
  echo "install-packages: WARNING: $* (${missing[*]} missing: the network-namespace runtime test will be skipped)" >&2
  exit 0
}

[ "$(id -u)" -eq 0 ] || warn "not root, cannot install iproute2"
command -v apt-get >/dev/null 2>&1 || warn "no apt-get on this system, cannot install iproute2"
export DEBIAN_FRONTEND=noninteractive
timeout 300 apt-get update -qq >/dev/null 2>&1 || warn "apt-get update failed (no network?)"
timeout 300 apt-get install -y -qq --no-install-recommends iproute2 >/dev/null 2>&1 || warn "apt-get install iproute2 failed"
echo "install-packages: installed iproute2"
