#!/bin/bash
# Installs the Proxmox VE storage plugin on one PVE node:
#   - the Perl shim PVE loads:  /usr/share/perl5/PVE/Storage/Custom/LINSTORPlugin.pm (type linstor)
#     and LINSTORDRBDPlugin.pm (type drbd, as linstor-proxmox registers it)
#   - the hook it runs:         /usr/bin/linstor-pve-hook (runs dist/plugins/proxmox/hook/main.js)
#   - the status cache folder:  /var/cache/linstor-pve
#   - a systemd unit (optional daemon): /etc/systemd/system/linstor-pve-hook.service
# and prints a storage.cfg example. Run `npm run build` in the repository first.
# Options: --destdir DIR (install under DIR, for packaging and tests), --force (replace a
# LINSTORPlugin.pm that is not ours, e.g. the one of the linstor-proxmox package).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DESTDIR=""
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --destdir) DESTDIR="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

HOOK_JS="$REPO/dist/plugins/proxmox/hook/main.js"
if [ ! -f "$HOOK_JS" ]; then
  echo "install.sh: $HOOK_JS is missing; run 'npm run build' in $REPO first" >&2
  exit 1
fi
NODE_BIN="$(command -v node || true)"
if [ -z "$NODE_BIN" ]; then
  echo "install.sh: node (>= 20) is not installed" >&2
  exit 1
fi

PLUGIN_DIR="$DESTDIR/usr/share/perl5/PVE/Storage/Custom"
TARGET="$PLUGIN_DIR/LINSTORPlugin.pm"
if [ -f "$TARGET" ] && ! grep -q 'linstor-pve-hook' "$TARGET" && [ "$FORCE" -ne 1 ]; then
  cat >&2 <<MSG
install.sh: $TARGET belongs to another plugin (probably the linstor-proxmox package).
  Remove it first (apt remove linstor-proxmox) or rerun with --force. Its 'drbd:' sections
  in /etc/pve/storage.cfg keep working unchanged with this plugin.
MSG
  exit 1
fi

install -d "$PLUGIN_DIR" "$DESTDIR/usr/bin" "$DESTDIR/var/cache/linstor-pve"
install -m 0644 "$HERE/perl/PVE/Storage/Custom/LINSTORPlugin.pm" "$TARGET"
install -m 0644 "$HERE/perl/PVE/Storage/Custom/LINSTORDRBDPlugin.pm" "$PLUGIN_DIR/LINSTORDRBDPlugin.pm"
cat > "$DESTDIR/usr/bin/linstor-pve-hook" <<WRAPPER
#!/bin/sh
# Installed by $HERE/install.sh: the executable the PVE storage plugin runs for every call.
exec "$NODE_BIN" "$HOOK_JS" "\$@"
WRAPPER
chmod 0755 "$DESTDIR/usr/bin/linstor-pve-hook"

# Optional daemon: the shim uses its socket when it exists, else it starts the hook per call.
install -d "$DESTDIR/etc/systemd/system"
cat > "$DESTDIR/etc/systemd/system/linstor-pve-hook.service" <<'UNIT'
[Unit]
Description=LINSTOR storage hooks for Proxmox VE (answers the PVE storage plugin over a local socket)
Before=pvedaemon.service pvestatd.service pveproxy.service pvescheduler.service

[Service]
ExecStart=/usr/bin/linstor-pve-hook --serve /run/linstor-pve/hook.sock
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT

echo "Installed $TARGET and $DESTDIR/usr/bin/linstor-pve-hook."
echo "Restart the PVE services so they load the plugin; the hook daemon is optional but"
echo "saves starting Node.js for every call:"
echo "  systemctl daemon-reload && systemctl enable --now linstor-pve-hook"
echo "  systemctl restart pvedaemon pveproxy pvestatd pvescheduler"
echo
echo "Existing 'drbd:' sections of linstor-proxmox keep working as they are. For a new storage,"
echo "add a section like this to /etc/pve/storage.cfg (sections are separated by a blank line):"
echo
cat <<'CFG'
linstor: linstor_storage
	resourcegroup pve-rg
	content images,rootdir
	controller 10.11.12.13,10.11.12.14,10.11.12.15
	shared 1
CFG
