#!/usr/bin/env bash
# Set up (with the development tools) and run the whole test suite. Extra arguments go to pytest.
# NAMHOC_DATABASE_URL=postgres://… runs it on PostgreSQL; browser tests need /usr/bin/chromium
# (they are skipped with a reason without it, and fail instead when NAMHOC_REQUIRE_BROWSER=1).
# The suite runs on every core (pytest-xdist, at most 4 workers, each with a test database of its
# own; a file's tests stay on one worker so its module fixtures are built once).
# NAMHOC_TEST_WORKERS=0 runs it in one process (e.g. with pdb); any pytest option may follow.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh dev
workers="${NAMHOC_TEST_WORKERS:-auto}"
if [ "$workers" = 0 ]; then
  exec .venv/bin/pytest "$@"
fi
exec .venv/bin/pytest -n "$workers" --maxprocesses=4 --dist loadfile "$@"
