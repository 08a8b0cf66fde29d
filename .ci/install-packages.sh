#!/usr/bin/env bash
# Debian packages that tests of the long suite need:
# - iproute2 (`ip`, `tc`): the runtime's network-namespace test;
# - chromium (/usr/bin/chromium): the explorer's browser tests (playwright-core drives it; no
#   browser is downloaded from anywhere else).
#
# Installs only what is missing, and never fails CI: without root, without apt, or with apt
# unreachable, it prints a warning and exits 0; each test then says by name that it was skipped
# and why (`ip`/`tc` missing or not root; Chromium missing).
set -uo pipefail

have_tool() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/sbin/$1" ] || [ -x "/usr/sbin/$1" ]
}

packages=()
have_tool ip && have_tool tc || packages+=(iproute2)
[ -x /usr/bin/chromium ] || packages+=(chromium)
if [ "${#packages[@]}" -eq 0 ]; then
  echo "install-packages: ip, tc and chromium are present"
  exit 0
fi

warn() {
  echo "install-packages: WARNING: $* (${packages[*]} missing: the tests that need them will be skipped)" >&2
  exit 0
}

[ "$(id -u)" -eq 0 ] || warn "not root, cannot install ${packages[*]}"
command -v apt-get >/dev/null 2>&1 || warn "no apt-get on this system, cannot install ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
timeout 300 apt-get update -qq >/dev/null 2>&1 || warn "apt-get update failed (no network?)"
# One package at a time: a failure to install one must not keep the other out.
installed=()
for package in "${packages[@]}"; do
  if timeout 900 apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; then
    installed+=("$package")
  else
    echo "install-packages: WARNING: apt-get install $package failed (the tests that need it will be skipped)" >&2
  fi
done
echo "install-packages: installed ${installed[*]:-nothing}"
exit 0
