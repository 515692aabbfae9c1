#!/usr/bin/env bash
# Installs linstor-ts from a built checkout (npm ci && npm run build first):
#   PREFIX/lib/linstor-ts/            the application (dist/, node_modules/, package.json)
#   PREFIX/bin/linstor-*, linstor     wrappers running it with this machine's node
#   PREFIX/share/linstor-server/bin/linstor-database   (the path LINSTOR's guide uses)
#   UNITDIR/linstor-{controller,satellite,cinder-api}.service
#   SYSCONFDIR/linstor/*.example      example configuration (existing files are never touched)
#   PREFIX/share/linstor-ts/nomad/    linstor-csi Nomad examples (plugins/nomad-csi/examples)
# Options: --prefix DIR (/usr/local)  --sysconfdir DIR (/etc)  --unitdir DIR (/etc/systemd/system)
#          --localstatedir DIR (/var)  --destdir DIR (staging root, as DESTDIR=)
# Nothing is started or enabled; the script prints the next steps.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX=/usr/local
SYSCONFDIR=/etc
UNITDIR=/etc/systemd/system
LOCALSTATEDIR=/var
DESTDIR="${DESTDIR:-}"

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --sysconfdir) SYSCONFDIR="$2"; shift 2 ;;
    --unitdir) UNITDIR="$2"; shift 2 ;;
    --localstatedir) LOCALSTATEDIR="$2"; shift 2 ;;
    --destdir) DESTDIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for d in "$PREFIX" "$SYSCONFDIR" "$UNITDIR" "$LOCALSTATEDIR"; do
  case "$d" in /*) ;; *) echo "install.sh: '$d' is not an absolute path" >&2; exit 2 ;; esac
done

NODE="$(command -v node || true)"
[ -n "$NODE" ] || { echo "install.sh: node (>= 20) is not on PATH" >&2; exit 1; }
[ -f "$SRC/dist/core/controller/main.js" ] || { echo "install.sh: $SRC is not built; run npm ci && npm run build" >&2; exit 1; }

APP="$PREFIX/lib/linstor-ts"
BINDIR="$PREFIX/bin"
root() { printf '%s%s' "$DESTDIR" "$1"; }

install -d "$(root "$APP")" "$(root "$BINDIR")" "$(root "$UNITDIR")" "$(root "$SYSCONFDIR/linstor")" \
  "$(root "$PREFIX/share/linstor-server/bin")" "$(root "$PREFIX/share/linstor-ts/nomad")"
install -d -m 0700 "$(root "$LOCALSTATEDIR/lib/linstor")"

# The application: a fresh copy each time (an upgrade replaces the old one whole), with the
# runtime dependencies only (npm's own list; packages nested in them come along).
rm -rf "$(root "$APP")/dist" "$(root "$APP")/node_modules"
cp -a "$SRC/dist" "$SRC/package.json" "$(root "$APP")/"
rm -rf "$(root "$APP")/dist/test"
(cd "$SRC" && npm ls --omit=dev --all --parseable 2>/dev/null || true) | sed "s#^$SRC/##" \
  | grep -E '^node_modules/(@[^/]+/)?[^/@]+$' | sort -u \
  | tar -C "$SRC" -cf - -T - | tar -C "$(root "$APP")" -xf -

wrapper() { # name, path of the entry point under dist/
  local target
  target="$(root "$BINDIR/$1")"
  printf '#!/bin/sh\n# linstor-ts %s (scripts/install.sh)\nexec "%s" "%s/%s" "$@"\n' "$1" "$NODE" "$APP" "$2" > "$target"
  chmod 0755 "$target"
}
wrapper linstor-controller dist/core/controller/main.js
wrapper linstor-satellite dist/core/satellite/main.js
wrapper linstor dist/core/cli/main.js
wrapper linstor-database dist/core/database/main.js
wrapper linstor-cinder-api dist/plugins/openstack-cinder/main.js
wrapper linstor-csi dist/plugins/nomad-csi/main.js
ln -sf "$BINDIR/linstor-database" "$(root "$PREFIX/share/linstor-server/bin/linstor-database")"

for unit in "$SRC"/packaging/systemd/*.service; do
  sed -e "s#@BINDIR@#$BINDIR#g" -e "s#@SYSCONFDIR@#$SYSCONFDIR#g" "$unit" > "$(root "$UNITDIR")/$(basename "$unit")"
  chmod 0644 "$(root "$UNITDIR")/$(basename "$unit")"
done

# Installed as NAME.example beside the real file, so an upgrade never overwrites an edited one.
for example in "$SRC"/packaging/etc/*; do
  install -m 0644 "$example" "$(root "$SYSCONFDIR/linstor")/$(basename "$example").example"
done
# The Nomad examples of plugins/nomad-csi/examples (the one set, docker driver: see its README).
for job in "$SRC"/plugins/nomad-csi/examples/*.hcl; do
  install -m 0644 "$job" "$(root "$PREFIX/share/linstor-ts/nomad")/$(basename "$job")"
done

cat <<EOF
linstor-ts installed under ${DESTDIR}${PREFIX}.
Next steps:
  cp $SYSCONFDIR/linstor/linstor.toml.example $SYSCONFDIR/linstor/linstor.toml   # then edit [db]
  systemctl daemon-reload
  systemctl enable --now linstor-controller     # on the controller machine(s)
  systemctl enable --now linstor-satellite      # on every storage node
EOF
