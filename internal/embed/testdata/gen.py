#!/usr/bin/python3
"""Generate the embed package's test fixtures.

Run from this directory with Debian's python3 (python3-pil, python3-numpy, python3-onnx,
python3-skimage):

    /usr/bin/python3 gen.py

It writes
  photos/*.jpg      six public-domain / CC0 photographs from scikit-image, downscaled;
  images/*          the same pictures in every format and mode the decoder must handle;
  pil/*.png         for each file in images/ and photos/, the 224x224 RGB crop that PIL
                    produces with the Hugging Face DINOv2 preprocessing (EXIF transpose,
                    alpha on white, RGB, shortest edge 256 bicubic, centre crop 224);
  pil/tensors.json  the normalised tensor of one crop at a few positions (HF's float32 maths);
  vit/tiny_vit.onnx a tiny ViT (patch 14, 2 blocks, CLS token) with outputs
                    last_hidden_state [N, 257, 32] and pooler_output [N, 32];
  vit/golden.json   that model's pooled, L2-normalised outputs on four crops, computed by the
                    numpy forward pass below (float64), independent of ONNX Runtime.
"""

import io
import json
import os
import struct
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import skimage.data
from PIL import Image, ImageOps

SKIMAGE = os.path.dirname(skimage.data.__file__)
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]

# name -> (file in scikit-image's data directory, licence note)
PHOTOS = {
    "astronaut": ("astronaut.png", "NASA, public domain"),
    "chelsea": ("chelsea.png", "Stefan van der Walt, CC0"),
    "coffee": ("coffee.png", "Rachel Michetti, CC0"),
    "rocket": ("rocket.jpg", "SpaceX, public domain"),
    "camera": ("camera.png", "Lav Varshney, CC0"),
    "hubble": ("hubble_deep_field.jpg", "NASA, public domain"),
}


def load_photo(name, longest=384):
    im = Image.open(os.path.join(SKIMAGE, PHOTOS[name][0])).convert("RGB")
    w, h = im.size
    s = longest / max(w, h)
    return im.resize((round(w * s), round(h * s)), Image.LANCZOS)


def write_png16(path, arr):
    """Write an (h, w, 3) uint16 array as a 16-bit RGB PNG (PIL cannot)."""
    h, w, _ = arr.shape
    raw = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def with_orientation(im, orientation):
    """Store im so that applying EXIF orientation gives im back."""
    inverse = {
        2: [Image.FLIP_LEFT_RIGHT],
        3: [Image.ROTATE_180],
        4: [Image.FLIP_TOP_BOTTOM],
        5: [Image.TRANSPOSE],
        6: [Image.ROTATE_90],
        7: [Image.TRANSVERSE],
        8: [Image.ROTATE_270],
    }[orientation]
    for op in inverse:
        im = im.transpose(op)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return im, exif.tobytes()


def make_images():
    os.makedirs("photos", exist_ok=True)
    os.makedirs("images", exist_ok=True)
    for name in PHOTOS:
        load_photo(name).save(f"photos/{name}.jpg", quality=90)

    chelsea = load_photo("chelsea", 320)
    coffee = load_photo("coffee", 320)
    astronaut = load_photo("astronaut", 300)
    rocket = load_photo("rocket", 300)

    chelsea.save("images/rgb420.jpg", quality=88)
    chelsea.save("images/rgb444.jpg", quality=88, subsampling=0)
    coffee.save("images/rgb422.jpg", quality=88, subsampling=1)
    coffee.save("images/progressive.jpg", quality=85, progressive=True)
    load_photo("camera", 320).convert("L").save("images/grey.jpg", quality=90)
    coffee.convert("CMYK").save("images/cmyk.jpg", quality=92)
    for o in range(2, 9):
        im, exif = with_orientation(rocket, o)
        im.save(f"images/exif{o}.jpg", quality=88, exif=exif)

    astronaut.save("images/rgb.png")
    astronaut.convert("L").save("images/grey.png")
    pal = astronaut.quantize(colors=64)
    pal.save("images/palette.png")
    pal.save("images/palette.gif")
    # palette with a transparent entry
    pt = chelsea.quantize(colors=32)
    pt.info["transparency"] = 0
    pt.save("images/palette-alpha.png", transparency=0)
    # RGBA with a radial alpha ramp
    w, h = coffee.size
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.hypot(xx - w / 2, yy - h / 2) / (0.5 * np.hypot(w, h))
    alpha = Image.fromarray(np.clip(255 * (1.2 - r), 0, 255).astype(np.uint8))
    rgba = coffee.convert("RGBA")
    rgba.putalpha(alpha)
    rgba.save("images/rgba.png")
    la = coffee.convert("L").convert("LA")
    la.putalpha(alpha)
    la.save("images/grey-alpha.png")
    # 16-bit RGB: the 8-bit picture in the high byte, a pattern in the low byte
    a = np.asarray(chelsea).astype(np.uint16)
    a = a * 256 + (a ^ 0x5A)
    write_png16("images/rgb16.png", a)
    chelsea.save("images/lossy.webp", quality=85)
    astronaut.save("images/lossless.webp", lossless=True)
    rgba.resize((160, 107)).save("images/alpha.webp", quality=80)
    # smaller than the crop on one side: upscaling path
    chelsea.resize((200, 150), Image.LANCZOS).save("images/small.png")


def to_rgb(im):
    """RGB conversion as motif documents it: alpha composited on white."""
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im)
    return im.convert("RGB")


def hf_crop(path):
    """Hugging Face BitImageProcessor (DINOv2) steps on a PIL image, up to the uint8 crop."""
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    im = to_rgb(im)
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = 256, int(256 * long / short)
    nh, nw = (new_long, new_short) if w <= h else (new_short, new_long)
    im = im.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None)
    a = np.asarray(im)
    top, left = (nh - 224) // 2, (nw - 224) // 2
    return a[top : top + 224, left : left + 224]


def normalise(crop):
    """HF rescale (float64 then float32) and normalise (float32)."""
    x = (crop.astype(np.float64) * 0.00392156862745098).astype(np.float32)
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return x.transpose(2, 0, 1)  # CHW


def make_pil_refs():
    os.makedirs("pil", exist_ok=True)
    names = []
    for d in ("images", "photos"):
        for f in sorted(os.listdir(d)):
            crop = hf_crop(os.path.join(d, f))
            Image.fromarray(crop).save(f"pil/{d}-{f}.png")
            names.append(f"{d}/{f}")
    # every filter, shrinking and enlarging, on a lossless picture
    src = Image.open("images/rgb.png").convert("RGB").crop((60, 40, 180, 130))
    for name, f in (("lanczos", 1), ("bilinear", 2), ("bicubic", 3), ("box", 4), ("hamming", 5)):
        for size in ((57, 37), (171, 133)):
            src.resize(size, resample=f, reducing_gap=None).save(f"pil/resize-{name}-{size[0]}x{size[1]}.png")
    x = normalise(hf_crop("photos/chelsea.jpg"))
    pos = [[0, 0, 0], [1, 100, 37], [2, 223, 223], [0, 112, 5]]
    samples = [{"c": c, "y": y, "x": xx, "v": float(x[c, y, xx])} for c, y, xx in pos]
    with open("pil/tensors.json", "w") as f:
        json.dump({"image": "photos/chelsea.jpg", "samples": samples}, f, indent=1)
    return names


# ---- tiny ViT -------------------------------------------------------------------------

D, HEADS, MLP, PATCH, SIZE, DEPTH = 32, 2, 64, 14, 224, 2
T = (SIZE // PATCH) ** 2 + 1


def vit_weights(rng):
    def n(*shape, scale):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    w = {
        "patch_w": n(D, 3, PATCH, PATCH, scale=1 / np.sqrt(3 * PATCH * PATCH)),
        "patch_b": n(D, scale=0.1),
        "cls": n(1, 1, D, scale=1.0),
        "pos": n(1, T, D, scale=0.5),
        "lnf_g": (1 + n(D, scale=0.1)),
        "lnf_b": n(D, scale=0.1),
    }
    for i in range(DEPTH):
        p = f"b{i}_"
        for k in ("ln1", "ln2"):
            w[p + k + "_g"] = 1 + n(D, scale=0.1)
            w[p + k + "_b"] = n(D, scale=0.1)
        for k in ("q", "k", "v", "o"):
            w[p + k + "_w"] = n(D, D, scale=1 / np.sqrt(D))
            w[p + k + "_b"] = n(D, scale=0.1)
        w[p + "fc1_w"] = n(D, MLP, scale=1 / np.sqrt(D))
        w[p + "fc1_b"] = n(MLP, scale=0.1)
        w[p + "fc2_w"] = n(MLP, D, scale=1 / np.sqrt(MLP))
        w[p + "fc2_b"] = n(D, scale=0.1)
    return w


def vit_onnx(w, path, batch="batch"):
    nodes, inits = [], []

    def init(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    for k, v in w.items():
        init(k, v)
    init("shape_ndp", np.array([0, D, -1], dtype=np.int64))
    init("shape_heads", np.array([0, 0, HEADS, D // HEADS], dtype=np.int64))
    init("shape_merge", np.array([0, 0, D], dtype=np.int64))
    init("one_d", np.array([1, D], dtype=np.int64))
    init("idx0", np.array(0, dtype=np.int64))
    init("idx0v", np.array([0], dtype=np.int64))
    init("scale", np.array(1 / np.sqrt(D // HEADS), dtype=np.float32))
    init("half", np.array(0.5, dtype=np.float32))
    init("onef", np.array(1.0, dtype=np.float32))
    init("gelu_c", np.array(np.sqrt(2 / np.pi), dtype=np.float32))
    init("gelu_k", np.array(0.044715, dtype=np.float32))

    def node(op, ins, out, **attrs):
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    x = node("Conv", ["pixel_values", "patch_w", "patch_b"], "patches",
             kernel_shape=[PATCH, PATCH], strides=[PATCH, PATCH])
    x = node("Reshape", [x, "shape_ndp"], "patches_flat")
    x = node("Transpose", [x], "tokens", perm=[0, 2, 1])
    node("Shape", ["pixel_values"], "in_shape")
    node("Gather", ["in_shape", "idx0v"], "batch", axis=0)
    node("Concat", ["batch", "one_d"], "cls_shape", axis=0)
    node("Expand", ["cls", "cls_shape"], "cls_b")
    x = node("Concat", ["cls_b", x], "seq", axis=1)
    x = node("Add", [x, "pos"], "h0")

    def layernorm(x, g, b, out):
        return node("LayerNormalization", [x, g, b], out, axis=-1, epsilon=1e-6)

    for i in range(DEPTH):
        p = f"b{i}_"
        h = layernorm(x, p + "ln1_g", p + "ln1_b", p + "ln1")
        heads = {}
        for k in ("q", "k", "v"):
            t = node("MatMul", [h, p + k + "_w"], p + k + "_mm")
            t = node("Add", [t, p + k + "_b"], p + k)
            t = node("Reshape", [t, "shape_heads"], p + k + "_r")
            heads[k] = node("Transpose", [t], p + k + "_t", perm=[0, 2, 1, 3])
        kt = node("Transpose", [heads["k"]], p + "kT", perm=[0, 1, 3, 2])
        s = node("MatMul", [heads["q"], kt], p + "scores")
        s = node("Mul", [s, "scale"], p + "scaled")
        s = node("Softmax", [s], p + "attn", axis=-1)
        o = node("MatMul", [s, heads["v"]], p + "ctx")
        o = node("Transpose", [o], p + "ctx_t", perm=[0, 2, 1, 3])
        o = node("Reshape", [o, "shape_merge"], p + "ctx_m")
        o = node("MatMul", [o, p + "o_w"], p + "o_mm")
        o = node("Add", [o, p + "o_b"], p + "o")
        x = node("Add", [x, o], p + "res1")
        h = layernorm(x, p + "ln2_g", p + "ln2_b", p + "ln2")
        h = node("MatMul", [h, p + "fc1_w"], p + "fc1_mm")
        h = node("Add", [h, p + "fc1_b"], p + "fc1")
        # GELU, tanh form: 0.5 h (1 + tanh(c (h + k h^3)))
        h3 = node("Mul", [h, h], p + "h2")
        h3 = node("Mul", [h3, h], p + "h3")
        h3 = node("Mul", [h3, "gelu_k"], p + "kh3")
        u = node("Add", [h, h3], p + "u")
        u = node("Mul", [u, "gelu_c"], p + "cu")
        u = node("Tanh", [u], p + "tanh")
        u = node("Add", [u, "onef"], p + "1tanh")
        u = node("Mul", [u, h], p + "h1tanh")
        h = node("Mul", [u, "half"], p + "gelu")
        h = node("MatMul", [h, p + "fc2_w"], p + "fc2_mm")
        h = node("Add", [h, p + "fc2_b"], p + "fc2")
        x = node("Add", [x, h], p + "res2")
    layernorm(x, "lnf_g", "lnf_b", "last_hidden_state")
    node("Gather", ["last_hidden_state", "idx0"], "pooler_output", axis=1)

    graph = helper.make_graph(
        nodes, "tiny_vit",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, [batch, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [batch, T, D]),
         helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, [batch, D])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="motif-testdata")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def vit_numpy(w, x):
    """Forward pass in float64; x is [N, 3, 224, 224]."""
    w = {k: v.astype(np.float64) for k, v in w.items()}
    x = x.astype(np.float64)
    n = x.shape[0]
    g = SIZE // PATCH
    # patch conv with stride = kernel: a matmul over flattened patches
    p = x.reshape(n, 3, g, PATCH, g, PATCH).transpose(0, 2, 4, 1, 3, 5).reshape(n, g * g, -1)
    tok = p @ w["patch_w"].reshape(D, -1).T + w["patch_b"]
    h = np.concatenate([np.broadcast_to(w["cls"], (n, 1, D)), tok], axis=1) + w["pos"]

    def ln(v, gm, bt):
        mu = v.mean(-1, keepdims=True)
        var = ((v - mu) ** 2).mean(-1, keepdims=True)
        return (v - mu) / np.sqrt(var + 1e-6) * gm + bt

    dh = D // HEADS
    for i in range(DEPTH):
        b = f"b{i}_"
        y = ln(h, w[b + "ln1_g"], w[b + "ln1_b"])
        q, k, v = (
            (y @ w[b + s + "_w"] + w[b + s + "_b"]).reshape(n, T, HEADS, dh).transpose(0, 2, 1, 3)
            for s in ("q", "k", "v")
        )
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        o = (s @ v).transpose(0, 2, 1, 3).reshape(n, T, D)
        h = h + o @ w[b + "o_w"] + w[b + "o_b"]
        y = ln(h, w[b + "ln2_g"], w[b + "ln2_b"])
        y = y @ w[b + "fc1_w"] + w[b + "fc1_b"]
        y = 0.5 * y * (1 + np.tanh(np.sqrt(2 / np.pi) * (y + 0.044715 * y ** 3)))
        h = h + y @ w[b + "fc2_w"] + w[b + "fc2_b"]
    return ln(h, w["lnf_g"], w["lnf_b"])


def l2(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def make_vit():
    os.makedirs("vit", exist_ok=True)
    w = vit_weights(np.random.default_rng(6))
    vit_onnx(w, "vit/tiny_vit.onnx")
    vit_onnx(w, "vit/tiny_vit_batch3.onnx", batch=3)  # same weights, batch fixed at 3
    inputs = ["images-rgb420.jpg.png", "images-palette.gif.png",
              "photos-astronaut.jpg.png", "photos-hubble.jpg.png"]
    x = np.stack([normalise(np.asarray(Image.open("pil/" + f))) for f in inputs])
    hs = vit_numpy(w, x)
    cls, mean = hs[:, 0], hs[:, 1:].mean(1)
    golden = {
        "inputs": ["pil/" + f for f in inputs],
        "pooler": l2(cls).tolist(),
        "cls": l2(cls).tolist(),
        "mean": l2(mean).tolist(),
        "cls+mean": l2(np.concatenate([cls, mean], -1)).tolist(),
        "raw_cls": cls.tolist(),
    }
    with open("vit/golden.json", "w") as f:
        json.dump(golden, f)


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    make_images()
    make_pil_refs()
    make_vit()
