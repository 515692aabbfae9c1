#!/usr/bin/env bash
# The README's test command: sets everything up, then runs the whole suite.
# Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/run-tests.mjs "$@"
