#!/usr/bin/env bash
# Set up, migrate the embedded SQLite database, load the demo data and serve on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh runtime
.venv/bin/namhoc demo
exec .venv/bin/namhoc serve "$@"
