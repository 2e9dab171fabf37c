#!/usr/bin/python3
# Draws the pHash reference pictures (phash_*.png) and writes phash_reference.csv:
# each picture's 64-bit pHash as imagehash.phash defines it (ImageHash 4.3):
#   image.convert("L").resize((32, 32), LANCZOS); dct = scipy.fftpack.dct(
#   scipy.fftpack.dct(pixels, axis=0), axis=1); low = dct[:8, :8];
#   bits = low > median(low), row-major, first bit most significant.
# Needs Debian's python3-pil, python3-numpy and python3-scipy.
import csv, os
import numpy as np
import scipy.fftpack
from PIL import Image, ImageDraw, ImageFilter

os.chdir(os.path.dirname(os.path.abspath(__file__)))
rng = np.random.default_rng(42)

def phash(im):
    px = np.asarray(im.convert("L").resize((32, 32), Image.LANCZOS), dtype=float)
    d = scipy.fftpack.dct(scipy.fftpack.dct(px, axis=0), axis=1)[:8, :8]
    bits = (d > np.median(d)).flatten()
    return "%016x" % int("".join("1" if b else "0" for b in bits), 2)

pics = {}
im = Image.new("RGB", (320, 240))
d = ImageDraw.Draw(im)
for y in range(240):
    d.line([(0, y), (319, y)], fill=(40 + y // 2, 90, 200 - y // 2))
d.ellipse([60, 50, 200, 190], fill=(230, 60, 40))
d.rectangle([220, 120, 300, 220], fill=(20, 160, 60))
pics["scene"] = im
pics["scene_small"] = im.resize((160, 120), Image.LANCZOS)
pics["scene_blur"] = im.filter(ImageFilter.GaussianBlur(2))
im2 = Image.new("RGB", (320, 240), (245, 245, 235))
d2 = ImageDraw.Draw(im2)
for i in range(12):
    x, y = rng.integers(0, 300, 2)
    d2.rectangle([int(x), int(y) % 220, int(x) + 30, int(y) % 220 + 20], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
pics["blocks"] = im2
im3 = Image.new("RGB", (240, 320))
d3 = ImageDraw.Draw(im3)
for x in range(240):
    d3.line([(x, 0), (x, 319)], fill=(x, 255 - x, 128))
d3.polygon([(120, 20), (220, 300), (20, 300)], fill=(10, 10, 10))
pics["portrait"] = im3

with open("phash_reference.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["file", "phash"])
    for name, p in pics.items():
        p.save("phash_%s.png" % name, optimize=True)
        w.writerow(["phash_%s.png" % name, phash(p)])
