#!/usr/bin/env bash
# Re-resolve the dependencies in pyproject.toml from scratch and pin them in constraints.txt.
# Run after changing dependencies; commit both files together.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --upgrade pip
"$tmp/venv/bin/python" -m pip install --quiet -e ".[dev,bench]"
{
  echo "# Pinned versions for reproducible installs: pip install -c constraints.txt -e '.[dev]'"
  echo "# Regenerate with scripts/lock.sh after changing dependencies in pyproject.toml."
  "$tmp/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^namhoc' | grep -v '^-e '
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) pins"
