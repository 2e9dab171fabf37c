#!/bin/sh
# Regenerates the WebP fixtures from a synthetic 64×48 RGBA gradient.
# Needs python3-pil and the webp tools (cwebp, dwebp) from Debian.
set -eu
cd "$(dirname "$0")"
python3 - <<'PY'
from PIL import Image
im = Image.new("RGBA", (64, 48))
for y in range(48):
    for x in range(64):
        im.putpixel((x, y), (x * 4, y * 5, 255 - x * 2, 255 if x < 48 else 96))
im.save("gradient.png")
PY
cwebp -quiet -q 80 -noalpha gradient.png -o lossy.webp
cwebp -quiet -lossless gradient.png -o lossless.webp
cwebp -quiet -q 80 gradient.png -o alpha.webp
rm gradient.png
