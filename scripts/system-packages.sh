#!/usr/bin/env bash
# Optional system parts namhoc uses when they are there (README, "Optional parts"):
#   LibreOffice (reads legacy .doc, converts reports to PDF), Tesseract with the Vietnamese model
#   and poppler (reads scanned PDFs). Installed from Debian/Ubuntu packages when this machine
#   allows it (root, or sudo without a password); otherwise says what is missing and how to add
#   it — namhoc runs without them and says so where they are needed.
# Skip with NAMHOC_SKIP_SYSTEM_PACKAGES=1. Usage: scripts/system-packages.sh [extra packages...]
set -uo pipefail

[ "${NAMHOC_SKIP_SYSTEM_PACKAGES:-0}" = 1 ] && exit 0

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx vie; then
  missing+=(tesseract-ocr-vie)
elif ! command -v tesseract >/dev/null 2>&1; then
  missing+=(tesseract-ocr-vie)
fi
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# Liberation Serif has Times New Roman's metrics: reports converted to PDF keep their pages.
fc-list 2>/dev/null | grep -qi "Liberation Serif" || missing+=(fonts-liberation)
for extra in "$@"; do missing+=("$extra"); done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1; fi
}

if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
  echo "· installing optional system parts: ${missing[*]} (skip with NAMHOC_SKIP_SYSTEM_PACKAGES=1)"
  if as_root apt-get update -qq >/dev/null 2>&1 \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null 2>&1; then
    exit 0
  fi
  echo "Lưu ý: không cài được ${missing[*]}; namhoc vẫn chạy, nhưng không đọc được tệp .doc/bản scan." >&2
  echo "Note: could not install ${missing[*]}; namhoc runs without them (no .doc or scanned PDFs)." >&2
  exit 0
fi
echo "Lưu ý: thiếu ${missing[*]} (đọc tệp .doc và bản scan). Cài: apt-get install ${missing[*]}" >&2
echo "Note: missing ${missing[*]} (reading .doc files and scans). Install: apt-get install ${missing[*]}" >&2
exit 0
