#!/usr/bin/env bash
# Installs what the cluster and tests need: Debian packages (when missing) and npm packages,
# then builds. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node.js >= 20 first: Debian 12's own nodejs package is 18, too old for this code and its
# dependencies. Checked before anything is installed, so a wrong node changes nothing.
need_node() {
  cat >&2 <<'EOF'
setup.sh: linstor-ts needs Node.js 20 or newer.
  Debian 12 ships Node.js 18: install 20 or newer from NodeSource
    (https://github.com/nodesource/distributions, repository node_20.x or node_22.x),
  or use Debian 13, whose nodejs package is 20; then run this script again.
EOF
  exit 1
}
command -v node >/dev/null 2>&1 || { echo "setup.sh: node is not on PATH." >&2; need_node; }
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
case "$node_major" in ''|*[!0-9]*) node_major=0 ;; esac
if [ "$node_major" -lt 20 ]; then echo "setup.sh: found Node.js $(node --version 2>/dev/null || echo '?')." >&2; need_node; fi
mapfile -t pkgs < <(grep -v '^\s*#' scripts/system-packages.txt | grep -v '^\s*$')
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci; fi
npm run build --silent
