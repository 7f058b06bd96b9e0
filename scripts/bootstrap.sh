#!/usr/bin/env bash
# Create .venv and install namhoc with the pinned versions in constraints.txt.
# Usage: scripts/bootstrap.sh [runtime|dev]. Safe to run again: it reinstalls only when
# pyproject.toml, constraints.txt or the requested extras changed.
set -euo pipefail
cd "$(dirname "$0")/.."

kind="${1:-runtime}"
case "$kind" in
  runtime) target="." ;;
  dev) target=".[dev]" ;;
  *) echo "usage: scripts/bootstrap.sh [runtime|dev]" >&2; exit 2 ;;
esac

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "Lỗi: không tìm thấy $python. / Error: $python not found (Python 3.11+ is required)." >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Lỗi: cần Python 3.11 trở lên. / Error: Python 3.11+ is required, found $("$python" -V 2>&1)." >&2
  exit 2
fi

# LibreOffice, Tesseract (Vietnamese) and poppler: installed when this machine allows it, else a
# note; namhoc works without them (scripts/system-packages.sh).
scripts/system-packages.sh

if [ ! -x .venv/bin/python ]; then
  echo "· creating .venv"
  if ! "$python" -m venv .venv; then
    echo "Lỗi: không tạo được môi trường ảo (Debian/Ubuntu: apt-get install python3-venv)." >&2
    echo "Error: could not create the virtual environment (Debian/Ubuntu: apt-get install python3-venv)." >&2
    exit 2
  fi
fi

stamp_file=.venv/.namhoc-install
want="$kind $(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
have="$(cat "$stamp_file" 2>/dev/null || true)"
# A dev install also satisfies a runtime request.
if [ "$have" = "$want" ] || { [ "$kind" = runtime ] && [ "$have" = "dev ${want#runtime }" ]; }; then
  exit 0
fi
echo "· installing namhoc ($kind) into .venv"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt -e "$target"
echo "$want" > "$stamp_file"
