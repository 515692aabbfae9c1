#!/bin/bash
# Installs the LINSTOR transfer (TM) and datastore (DS) drivers for OpenNebula on the frontend:
#   <remotes>/tm/linstor/<action>         (launchers running dist/plugins/opennebula/tm/*.js)
#   <remotes>/datastore/linstor/<action>  (launchers running dist/plugins/opennebula/datastore/*.js)
#   <remotes>/etc/linstor.conf            (SSH settings; kept if present)
# and prints the oned.conf snippets to add. Run `npm run build` in the repository first.
# Options: --remotes DIR (default /var/lib/one/remotes), --destdir DIR (install under DIR, for
# packaging and tests), --dist DIR (compiled tree, default <repo>/dist).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
REMOTES=/var/lib/one/remotes
DESTDIR=""
DIST="$REPO/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --remotes) REMOTES="$2"; shift 2 ;;
    --destdir) DESTDIR="$2"; shift 2 ;;
    --dist) DIST="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

if [ ! -f "$DIST/plugins/opennebula/tm/ln.js" ]; then
  echo "install.sh: $DIST/plugins/opennebula is missing; run 'npm run build' in $REPO first" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "install.sh: node (>= 20) is not installed" >&2
  exit 1
fi

for kind in tm datastore; do
  target="$DESTDIR$REMOTES/$kind/linstor"
  mkdir -p "$target"
  for f in "$HERE/remotes/$kind/linstor/"*; do
    # The installed launcher points at this build, wherever the remotes folder lives.
    sed "s#^ONE_LINSTOR_DIST_DEFAULT=\"\"#ONE_LINSTOR_DIST_DEFAULT=\"$DIST\"#" "$f" > "$target/$(basename "$f")"
    chmod 0755 "$target/$(basename "$f")"
  done
done
CONF="$DESTDIR$REMOTES/etc/linstor.conf"
mkdir -p "$(dirname "$CONF")"
if [ ! -f "$CONF" ]; then
  cat > "$CONF" <<'CONF'
# Settings for the LINSTOR OpenNebula drivers (sourced by every action).
# ONE_LINSTOR_SSH_USER=oneadmin
# ONE_LINSTOR_SSH_PORT=22
# ONE_LINSTOR_SSH_KEY=/var/lib/one/.ssh/id_rsa
# ONE_LINSTOR_KNOWN_HOSTS=/var/lib/one/.ssh/known_hosts
# LINSTOR_CONTROLLERS=ctrl1:3370,ctrl2:3370   (default when a datastore has no LINSTOR_CONTROLLERS)
# ONE_LINSTOR_LAYER_LIST=drbd,storage         (layer list for the deprecated LINSTOR_AUTO_PLACE/DEPLOYMENT_NODES placement)
CONF
fi
if [ -z "$DESTDIR" ] && id oneadmin >/dev/null 2>&1; then
  chown -R oneadmin:oneadmin "$REMOTES/tm/linstor" "$REMOTES/datastore/linstor" "$CONF"
fi

cat <<MSG
Installed the LINSTOR drivers under $DESTDIR$REMOTES/{tm,datastore}/linstor.

Add to /etc/one/oned.conf (then restart opennebula and run 'onehost sync --force'):

  1. 'linstor' in the driver lists (twice for DATASTORE_MAD: -d image, -s system datastores):
     TM_MAD = [ EXECUTABLE = "one_tm", ARGUMENTS = "-t 15 -d dummy,lvm,shared,fs_lvm,qcow2,ssh,ceph,dev,vcenter,iscsi_libvirt,linstor" ]
     DATASTORE_MAD = [ EXECUTABLE = "one_datastore", ARGUMENTS = "-t 15 -d dummy,fs,lvm,ceph,dev,iscsi_libvirt,vcenter,linstor -s shared,ssh,ceph,fs_lvm,qcow2,vcenter,linstor" ]

  2. The driver configurations:
TM_MAD_CONF = [ NAME = "linstor", LN_TARGET = "NONE", CLONE_TARGET = "SELF", SHARED = "yes", ALLOW_ORPHANS = "yes",
    TM_MAD_SYSTEM = "ssh,shared", LN_TARGET_SSH = "NONE", CLONE_TARGET_SSH = "SELF", DISK_TYPE_SSH = "BLOCK",
    LN_TARGET_SHARED = "NONE", CLONE_TARGET_SHARED = "SELF", DISK_TYPE_SHARED = "BLOCK" ]
DS_MAD_CONF = [ NAME = "linstor", REQUIRED_ATTRS = "BRIDGE_LIST", PERSISTENT_ONLY = "NO", MARKETPLACE_ACTIONS = "export" ]
MSG
