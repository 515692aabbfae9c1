#!/usr/bin/env bash
# The first command on a fresh machine: installs and builds (scripts/setup.sh), then starts a
# local cluster (controller + one combined node + a FILE_THIN pool under ./.local-cluster).
#   bash scripts/quickstart.sh                 set up and start (re-running reports the running cluster)
#   bash scripts/quickstart.sh status
#   bash scripts/quickstart.sh stop [--purge]  stop the processes (--purge: free loop devices, delete data)
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="${1:-start}"
case "$cmd" in
  start)
    bash scripts/setup.sh
    exec node dist/scripts/start-cluster.js start
    ;;
  stop|status)
    [ -f dist/scripts/start-cluster.js ] || { echo "Not built yet: run 'bash scripts/quickstart.sh' first." >&2; exit 1; }
    exec node dist/scripts/start-cluster.js "$@"
    ;;
  *)
    echo "usage: bash scripts/quickstart.sh [start|status|stop [--purge]]" >&2
    exit 2
    ;;
esac
