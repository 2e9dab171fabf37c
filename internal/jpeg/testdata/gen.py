#!/usr/bin/python3
"""Generate the jpeg package's test files and Pillow's decodings of them.

Run from this directory with Debian's python3 (python3-pil, python3-skimage) and cjpeg
from libjpeg-turbo-progs on the PATH:

    /usr/bin/python3 gen.py

It writes *.jpg (made by Pillow or by cjpeg from photographs shipped with scikit-image)
and pillow.json: for each file, the mode, size and sha256 of the pixels Pillow decodes
(Image.open(f).tobytes()), or "unsupported" for files the package must refuse cleanly.
"""

import hashlib
import json
import os
import subprocess

import skimage.data
from PIL import Image

SKIMAGE = os.path.dirname(skimage.data.__file__)


def photo(name, size):
    im = Image.open(os.path.join(SKIMAGE, name)).convert("RGB")
    return im.resize(size, Image.LANCZOS)


def cjpeg(src, out, *args):
    src.save("src.ppm")
    subprocess.run(["cjpeg", "-quality", "85", *args, "-outfile", out, "src.ppm"], check=True)
    os.remove("src.ppm")


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    cat = photo("chelsea.png", (203, 151))  # odd size: partial MCUs on both edges
    coffee = photo("coffee.png", (190, 127))
    # Pillow's own encoder
    cat.save("pil-420.jpg", quality=80)
    cat.save("pil-422.jpg", quality=80, subsampling=1)
    cat.save("pil-444.jpg", quality=80, subsampling=0)
    cat.save("pil-optimized.jpg", quality=80, optimize=True)
    coffee.save("pil-progressive.jpg", quality=80, progressive=True)
    coffee.convert("L").save("pil-grey.jpg", quality=80)
    coffee.convert("CMYK").save("pil-cmyk.jpg", quality=80)
    # libjpeg-turbo's encoder, for what Pillow cannot write
    cjpeg(cat, "restart-rows.jpg", "-restart", "1")
    cjpeg(cat, "restart-blocks.jpg", "-restart", "7B")
    cjpeg(coffee, "progressive-restart.jpg", "-progressive", "-restart", "3B")
    cjpeg(coffee, "progressive-grey.jpg", "-progressive", "-grayscale")
    cjpeg(cat, "sample-440.jpg", "-sample", "1x2,1x1,1x1")
    cjpeg(cat, "sample-411.jpg", "-sample", "4x1,1x1,1x1")
    cjpeg(cat, "sample-mixed.jpg", "-sample", "2x2,1x2,2x1")
    cjpeg(cat, "rgb.jpg", "-rgb")
    with open("sequential.scans", "w") as f:
        f.write("0: 0 63 0 0;\n1: 0 63 0 0;\n2: 0 63 0 0;\n")
    cjpeg(coffee, "noninterleaved.jpg", "-scans", "sequential.scans")
    os.remove("sequential.scans")
    cjpeg(photo("astronaut.png", (5, 3)), "tiny-420.jpg", "-sample", "2x2,1x1,1x1")
    cjpeg(photo("astronaut.png", (1, 1)), "one-pixel.jpg")
    cjpeg(cat, "arithmetic.jpg", "-arithmetic")

    ref = {}
    for f in sorted(os.listdir(".")):
        if not f.endswith(".jpg"):
            continue
        if f == "arithmetic.jpg":
            ref[f] = {"unsupported": True}
            continue
        im = Image.open(f)
        im.load()
        ref[f] = {"mode": im.mode, "width": im.size[0], "height": im.size[1],
                  "sha256": hashlib.sha256(im.tobytes()).hexdigest()}
    with open("pillow.json", "w") as out:
        json.dump(ref, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
