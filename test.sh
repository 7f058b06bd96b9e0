#!/usr/bin/env bash
# Set up (with the development tools) and run the whole test suite. Extra arguments go to pytest.
# NAMHOC_DATABASE_URL=postgres://… runs it on PostgreSQL; browser tests need /usr/bin/chromium
# (they are skipped with a reason without it, and fail instead when NAMHOC_REQUIRE_BROWSER=1).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh dev
exec .venv/bin/pytest "$@"
