#!/usr/bin/env bash
# Makes report-docs/fonts/NotoSerifCJKsc-Regular-subset.otf, the one font every PDF and long
# image is set in, from Debian's Noto Serif CJK collection: the SC face only, with the
# characters documents print (Latin, punctuation and symbols, kana, bopomofo, the CJK Unified
# Ideographs with Extension A and the Extension B–G characters the face has, compatibility
# ideographs, full-width forms) and the layout features typst uses for them; no Hangul, no
# JP/KR/TC/HK glyph variants. Same inputs and fonttools version, same bytes (the SHA-256 is
# printed and recorded in report-docs/fonts/README.md). Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

SOURCE=/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc
SOURCE_SHA256=a04178ec485dffdff7cc0c0c20e1fce9202d7e2160d805e8e44a4c8841c58481
FONTTOOLS=4.69.1
OUT=report-docs/fonts/NotoSerifCJKsc-Regular-subset.otf
# The face in the collection: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK.
SC_FACE=2
UNICODES="U+0020-024F,U+02B0-036F,U+0370-04FF,U+2000-2BFF,U+3000-30FF,U+3100-312F,U+31A0-31FF,\
U+3200-33FF,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FE10-FE1F,U+FE30-FE4F,U+FF00-FFEF,U+20000-323AF"

if [ ! -f "$SOURCE" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
fi
echo "$SOURCE_SHA256  $SOURCE" | sha256sum --check --quiet

VENV=target/fonttools-venv
if ! "$VENV/bin/pyftsubset" --help >/dev/null 2>&1 || [ "$("$VENV/bin/python" -c 'import fontTools; print(fontTools.version)')" != "$FONTTOOLS" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "fonttools==$FONTTOOLS"
fi

"$VENV/bin/pyftsubset" "$SOURCE" --font-number="$SC_FACE" --unicodes="$UNICODES" \
  --layout-features='kern,liga,ccmp,palt,halt' \
  --name-IDs='*' --name-languages='*' --name-legacy --notdef-outline --glyph-names=false \
  --output-file="$OUT"
ls -l "$OUT"
sha256sum "$OUT"
