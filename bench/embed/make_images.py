#!/usr/bin/python3
"""Make N social-media-sized JPEGs (long side 1080, quality 85, 4:2:0) for the embedding
benchmark from scikit-image's sample photographs: random crops, scales and flips, so that
no two files are equal.

    /usr/bin/python3 make_images.py OUTDIR N
"""
import os
import sys

import numpy as np
import skimage.data
from PIL import Image

out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
src = os.path.dirname(skimage.data.__file__)
photos = [Image.open(os.path.join(src, f)).convert("RGB") for f in
          ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg", "motorcycle_left.png")]
rng = np.random.default_rng(1)
for i in range(n):
    im = photos[i % len(photos)]
    w, h = im.size
    cw, ch = int(w * rng.uniform(0.7, 1)), int(h * rng.uniform(0.7, 1))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    im2 = im.crop((x, y, x + cw, y + ch))
    s = 1080 / max(cw, ch)
    im2 = im2.resize((round(cw * s), round(ch * s)), Image.BICUBIC)
    if rng.random() < 0.5:
        im2 = im2.transpose(Image.FLIP_LEFT_RIGHT)
    im2.save(os.path.join(out, f"img{i:05d}.jpg"), quality=85)
