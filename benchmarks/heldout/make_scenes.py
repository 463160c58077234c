#!/usr/bin/env python3
"""Build a held-out face-detection test set (images + truth.json).

    python make_scenes.py OUT_DIR

Only Pillow and NumPy are used.  Everything is deterministic (fixed seeds).
Face sources (see README.md next to this script):
  * the 150x150 face chips in /work/shared/faces/dlib/examples/johns/*/
  * 10 single-person photos from /work/shared/faces/face_recognition/examples
    whose face boxes were annotated BY HAND (table PHOTO_FACES below; each box
    was checked by drawing it on the photo and looking at it).
No face-detection library is used anywhere.

Box convention in truth.json: [top, right, bottom, left] in pixels of the
DISPLAYED (upright, EXIF-orientation applied) frame; top/left are the first
face row/column, bottom/right are one past the last (like Python slices).
"""
import glob
import json
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

FACES = "/work/shared/faces"
FR = FACES + "/face_recognition/examples"
JOHNS_GLOB = FACES + "/dlib/examples/johns/*/*.jpg"
DOGS = FACES + "/dlib/examples/faces/dogs.jpg"
# dogs.jpg shows a magazine cover with a small printed human face (sideways,
# about 40 px) at roughly x 55-115, y 450-500.  It is blurred out before
# dogs.jpg is used, so the no-face images really hold no face.
DOGS_PRINTED_FACE = (30, 425, 145, 525)  # left, top, right, bottom

# Hand-annotated face boxes (top, right, bottom, left) in source pixels.
# Box = hairline/upper forehead to bottom of chin, cheek edge to cheek edge
# (ears excluded).  Obtained by looking at each photo with a pixel grid and
# then checking the drawn box on a zoomed crop.
PHOTO_FACES = [
    ("biden.jpg", (205, 722, 562, 422), "biden"),
    ("knn_examples/test/alex_lacamoire1.jpg", (165, 957, 560, 642),
     "alex_lacamoire"),
    ("knn_examples/test/johnsnow_test1.jpg", (157, 442, 390, 262),
     "kit_harington"),
    ("knn_examples/test/obama1.jpg", (161, 900, 635, 524), "obama"),
    ("knn_examples/train/alex_lacamoire/img1.jpg", (165, 600, 567, 300),
     "alex_lacamoire"),
    ("knn_examples/train/biden/biden2.jpg", (195, 900, 787, 398), "biden"),
    ("knn_examples/train/rose_leslie/img1.jpg", (104, 880, 392, 632),
     "rose_leslie"),
    ("knn_examples/train/rose_leslie/img2.jpg", (125, 402, 458, 193),
     "rose_leslie"),
    ("knn_examples/train/obama/obama.jpg", (107, 625, 426, 362), "obama"),
    ("knn_examples/train/kit_harington/john2.jpeg", (95, 478, 290, 315),
     "kit_harington"),
]
# Face box inside a 150x150 johns chip, as fractions of the chip
# (the chip is the face; the box trims ~10% of hair/background at the sides
# and top and ~5% at the bottom, where the chin reaches the chip edge).
CHIP_BOX = (0.10, 0.90, 0.95, 0.10)  # top, right, bottom, left

JPEG_Q = 90
SEED = 20240611


# ----------------------------------------------------------------- sources --
class Source:
    def __init__(self, name, img, box, kind, person):
        self.name = name      # path relative to /work/shared/faces
        self.person = person  # identity (to vary who appears)
        self.img = img        # PIL RGB
        self.box = box        # (t, r, b, l) floats in img coords
        self.kind = kind      # "chip" or "photo"

    @property
    def box_w(self):
        return self.box[1] - self.box[3]

    @property
    def box_h(self):
        return self.box[2] - self.box[0]


def load_sources():
    chips, photos = [], []
    for p in sorted(glob.glob(JOHNS_GLOB)):
        im = Image.open(p).convert("RGB")
        w, h = im.size
        t, r, b, l = CHIP_BOX
        chips.append(Source(os.path.relpath(p, FACES), im,
                            (t * h, r * w, b * h, l * w), "chip",
                            os.path.basename(os.path.dirname(p))))
    for rel, box, person in PHOTO_FACES:
        p = os.path.join(FR, rel)
        im = Image.open(p).convert("RGB")
        photos.append(Source(os.path.relpath(p, FACES), im,
                             tuple(float(v) for v in box), "photo", person))
    assert len(chips) == 55, len(chips)
    return chips, photos


def cut_region(src):
    """Region (l, t, r, b) of the source pasted around the face."""
    t, r, b, l = src.box
    if src.kind == "chip":
        return (0, 0, src.img.width, src.img.height)
    w, h = r - l, b - t
    L = max(0, int(l - 0.38 * w))
    R = min(src.img.width, int(math.ceil(r + 0.38 * w)))
    T = max(0, int(t - 0.45 * h))
    B = min(src.img.height, int(math.ceil(b + 0.35 * h)))
    return (L, T, R, B)


def feather_mask(w, h, f):
    """Float mask 0..1, fully opaque inside, smooth ramp of f px at edges."""
    f = max(1.0, f)
    xs = np.arange(w, dtype=np.float32) + 0.5
    ys = np.arange(h, dtype=np.float32) + 0.5
    dx = np.minimum(xs, w - xs)[None, :]
    dy = np.minimum(ys, h - ys)[:, None]
    # rounded corners: distance to the inner rectangle of the ramp
    ex = np.clip(f - dx, 0, None)
    ey = np.clip(f - dy, 0, None)
    d = f - np.sqrt(ex * ex + ey * ey)
    a = np.clip(d / f, 0, 1)
    return a * a * (3 - 2 * a)  # smoothstep


class Patch:
    def __init__(self, rgb, mask, box, src):
        self.rgb = rgb    # float32 h x w x 3
        self.mask = mask  # float32 h x w
        self.box = box    # (t, r, b, l) floats in patch coords
        self.src = src

    @property
    def w(self):
        return self.rgb.shape[1]

    @property
    def h(self):
        return self.rgb.shape[0]


def make_patch(src, face_w, rng, flip=None, bright=None):
    """Cut the face region, scale so the face box is face_w px wide."""
    L, T, R, B = cut_region(src)
    region = src.img.crop((L, T, R, B))
    t, r, b, l = src.box
    t, b, l, r = t - T, b - T, l - L, r - L
    s = face_w / (r - l)
    nw = max(1, int(round(region.width * s)))
    nh = max(1, int(round(region.height * s)))
    sx, sy = nw / region.width, nh / region.height
    region = region.resize((nw, nh), Image.LANCZOS)
    box = [t * sy, r * sx, b * sy, l * sx]
    if flip is None:
        flip = rng.random() < 0.5
    if flip:
        region = region.transpose(Image.FLIP_LEFT_RIGHT)
        box = [box[0], nw - box[3], box[2], nw - box[1]]
    if bright is None:
        bright = rng.uniform(0.85, 1.15)
    rgb = np.asarray(region, dtype=np.float32) * bright
    # feather ~10% of the patch size, but never eat into the face box
    f = 0.10 * min(nw, nh)
    margin = min(box[0], box[3], nw - box[1], nh - box[2])
    f = min(f, max(1.0, margin))
    mask = feather_mask(nw, nh, f)
    return Patch(rgb, mask, tuple(box), src)


def paste(canvas, patch, x0, y0):
    """Alpha-paste patch with its top-left at (x0, y0); clipped to canvas.
    Returns the face box (t, r, b, l) in canvas coords (floats)."""
    H, W = canvas.shape[:2]
    cx0, cy0 = max(0, x0), max(0, y0)
    cx1, cy1 = min(W, x0 + patch.w), min(H, y0 + patch.h)
    if cx1 > cx0 and cy1 > cy0:
        px0, py0 = cx0 - x0, cy0 - y0
        px1, py1 = px0 + (cx1 - cx0), py0 + (cy1 - cy0)
        a = patch.mask[py0:py1, px0:px1, None]
        dst = canvas[cy0:cy1, cx0:cx1]
        dst *= (1 - a)
        dst += a * patch.rgb[py0:py1, px0:px1]
    t, r, b, l = patch.box
    return (t + y0, r + x0, b + y0, l + x0)


def rects_overlap(a, b, gap=0):
    """a, b = (l, t, r, b)."""
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or
                a[3] + gap <= b[1] or b[3] + gap <= a[1])


def face_rect(box, grow=0.0):
    t, r, b, l = box
    gw, gh = (r - l) * grow, (b - t) * grow
    return (l - gw, t - gh, r + gw, b + gh)


class Picker:
    """Chooses face sources, varying identities and avoiding repeats."""

    def __init__(self, chips, photos, rng):
        self.chips, self.photos, self.rng = chips, photos, rng
        self.used = {}
        self.who = {}

    def pick(self, face_w, photo_only=False):
        use_photo = photo_only or face_w > 160 or self.rng.random() < 0.4
        pool = self.photos if use_photo else self.chips
        if face_w > 600:  # big faces: only sources upscaled at most ~5x
            pool = [s for s in pool if s.box_w >= 280]
        counts = np.array([self.used.get(s.name, 0) for s in pool], float)
        who = np.array([self.who.get(s.person, 0) for s in pool], float)
        wts = np.exp(-1.5 * counts - 0.8 * who)
        i = self.rng.choice(len(pool), p=wts / wts.sum())
        s = pool[i]
        self.used[s.name] = self.used.get(s.name, 0) + 1
        self.who[s.person] = self.who.get(s.person, 0) + 1
        return s


# ------------------------------------------------------------- backgrounds --
def _up(small, W, H, resample=Image.BICUBIC):
    im = Image.fromarray(np.clip(small, 0, 255).astype(np.uint8))
    return np.asarray(im.resize((W, H), resample), dtype=np.float32)


def _lowfreq(rng, w, h, cells, amp):
    """Smooth random field (h x w) from an upsampled tiny grid."""
    g = rng.standard_normal((max(2, cells[1]), max(2, cells[0]))) * amp + 128
    im = Image.fromarray(np.clip(g, 0, 255).astype(np.uint8), "L")
    return np.asarray(im.resize((w, h), Image.BICUBIC), np.float32) - 128


def bg_sky_grass(W, H, rng):
    s = 8
    w, h = max(8, W // s), max(8, H // s)
    hz = int(h * rng.uniform(0.25, 0.6))
    yy = np.arange(h, dtype=np.float32)[:, None, None]
    top = np.array([60, 120, 200], np.float32) * rng.uniform(0.9, 1.1)
    pale = np.array([185, 212, 235], np.float32)
    sky = top + (pale - top) * np.clip(yy / max(1, hz), 0, 1)
    g0 = np.array([95, 150, 60], np.float32) * rng.uniform(0.85, 1.1)
    g1 = np.array([45, 105, 35], np.float32)
    grass = g0 + (g1 - g0) * np.clip((yy - hz) / max(1, h - hz), 0, 1)
    img = np.where(yy < hz, sky, grass) * np.ones((1, w, 1), np.float32)
    img = img + _lowfreq(rng, w, h, (w // 20, h // 20), 18)[..., None] * \
        np.where(yy < hz, 0.3, 1.0)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    for _ in range(rng.integers(5, 25)):  # tree line / bushes
        cx = rng.uniform(0, w)
        rw = rng.uniform(0.02, 0.08) * w
        rh = rng.uniform(0.03, 0.15) * h
        c = tuple(int(v) for v in rng.uniform([20, 60, 20], [60, 110, 50]))
        d.ellipse([cx - rw, hz - rh, cx + rw, hz + rh * 0.3], fill=c)
    for _ in range(rng.integers(0, 6)):  # clouds
        cx, cy = rng.uniform(0, w), rng.uniform(0, hz * 0.8)
        rw, rh = rng.uniform(0.03, 0.12) * w, rng.uniform(0.01, 0.05) * h
        d.ellipse([cx - rw, cy - rh, cx + rw, cy + rh], fill=(235, 240, 245))
    pil = pil.filter(ImageFilter.GaussianBlur(1.5))
    out = _up(np.asarray(pil), W, H)
    # grass blades / fine texture below the horizon
    n = rng.standard_normal((H, W), dtype=np.float32)
    rows = np.arange(H)[:, None] >= hz * H / h
    out += (n * np.where(rows, 14.0, 2.0))[..., None]
    return out


def bg_blobs(W, H, rng):
    s = 8
    w, h = max(8, W // s), max(8, H // s)
    base = rng.uniform(60, 200, 3)
    pil = Image.new("RGB", (w, h), tuple(int(v) for v in base))
    d = ImageDraw.Draw(pil)
    for _ in range(rng.integers(40, 140)):
        c = tuple(int(v) for v in np.clip(base + rng.normal(0, 55, 3), 0, 255))
        x, y = rng.uniform(-0.1, 1.1) * w, rng.uniform(-0.1, 1.1) * h
        rw, rh = rng.uniform(0.01, 0.2) * w, rng.uniform(0.01, 0.2) * h
        k = rng.integers(3)
        if k == 0:
            d.ellipse([x - rw, y - rh, x + rw, y + rh], fill=c)
        elif k == 1:
            d.rectangle([x - rw, y - rh, x + rw, y + rh], fill=c)
        else:
            pts = [(x + rng.uniform(-rw, rw), y + rng.uniform(-rh, rh))
                   for _ in range(3 + int(rng.integers(4)))]
            d.polygon(pts, fill=c)
    pil = pil.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 5)))
    out = _up(np.asarray(pil), W, H)
    out += rng.standard_normal((H, W, 1), dtype=np.float32) * 5
    return out


def bg_tiles(W, H, rng):
    """Brick wall or floor tiles, drawn at half resolution."""
    s = 2
    w, h = max(8, W // s), max(8, H // s)
    brick = rng.random() < 0.5
    if brick:
        bw, bh = int(rng.uniform(60, 110)), int(rng.uniform(25, 45))
        base = np.array([150, 75, 55], np.float32) * rng.uniform(0.8, 1.15)
        mortar = (200, 195, 185)
    else:
        bw = bh = int(rng.uniform(60, 160))
        base = rng.uniform(120, 220, 3).astype(np.float32)
        mortar = tuple(int(v) for v in base * 0.6)
    pil = Image.new("RGB", (w, h), mortar)
    d = ImageDraw.Draw(pil)
    g = max(2, bh // 10)
    for j, y in enumerate(range(0, h + bh, bh)):
        off = (bw // 2) * (j % 2) if brick else 0
        for x in range(-off, w + bw, bw):
            c = tuple(int(v) for v in np.clip(base + rng.normal(0, 12, 3), 0, 255))
            d.rectangle([x + g, y + g, x + bw - g, y + bh - g], fill=c)
    pil = pil.filter(ImageFilter.GaussianBlur(0.8))
    out = _up(np.asarray(pil), W, H)
    shade = _lowfreq(rng, max(8, W // 16), max(8, H // 16), (6, 6), 20)
    out += _up(np.repeat(shade[..., None] + 128, 3, 2), W, H)[..., :1] - 128
    out += rng.standard_normal((H, W, 1), dtype=np.float32) * 7
    return out


def bg_indoor(W, H, rng):
    """Classroom-ish: wall, floor with planks, blurred windows/posters."""
    s = 4
    w, h = max(8, W // s), max(8, H // s)
    fl = int(h * rng.uniform(0.55, 0.8))
    wall = rng.uniform([170, 160, 140], [235, 230, 215])
    pil = Image.new("RGB", (w, h), tuple(int(v) for v in wall))
    d = ImageDraw.Draw(pil)
    wood = rng.uniform([120, 80, 40], [180, 130, 80])
    pw = max(4, int(h * rng.uniform(0.02, 0.05)))
    for y in range(fl, h, pw):
        c = tuple(int(v) for v in np.clip(wood + rng.normal(0, 10, 3), 0, 255))
        d.rectangle([0, y, w, y + pw - 1], fill=c)
    for _ in range(rng.integers(2, 7)):  # windows, boards, posters
        x0, y0 = rng.uniform(0, w * 0.9), rng.uniform(0.05, 0.5) * fl
        x1 = x0 + rng.uniform(0.05, 0.25) * w
        y1 = min(fl - 2, y0 + rng.uniform(0.1, 0.4) * fl)
        c = tuple(int(v) for v in rng.uniform(30, 250, 3))
        d.rectangle([x0, y0, x1, y1], fill=c, outline=(90, 90, 90))
    pil = pil.filter(ImageFilter.GaussianBlur(rng.uniform(1, 3)))
    out = _up(np.asarray(pil), W, H)
    yy = (np.arange(H, dtype=np.float32) / H - 0.3)[:, None, None]
    xx = (np.arange(W, dtype=np.float32) / W - 0.5)[None, :, None]
    out *= 1.08 - 0.35 * (xx * xx + yy * yy)  # lighting fall-off
    out += rng.standard_normal((H, W, 1), dtype=np.float32) * 4
    return out


_DOGS = None


def dogs_image():
    global _DOGS
    if _DOGS is None:
        im = Image.open(DOGS).convert("RGB")
        l, t, r, b = DOGS_PRINTED_FACE
        blurred = im.filter(ImageFilter.GaussianBlur(16))
        m = np.zeros((im.height, im.width), np.float32)
        m[t:b, l:r] = feather_mask(r - l, b - t, 20)
        a = m[..., None]
        arr = np.asarray(im, np.float32) * (1 - a) + \
            np.asarray(blurred, np.float32) * a
        _DOGS = to_pil(arr)
    return _DOGS


def bg_dogs(W, H, rng):
    im = dogs_image()
    s = max(W / im.width, H / im.height)
    nw, nh = int(math.ceil(im.width * s)), int(math.ceil(im.height * s))
    big = im.resize((nw, nh), Image.BICUBIC)
    x0 = int(rng.integers(0, nw - W + 1))
    y0 = int(rng.integers(0, nh - H + 1))
    out = np.asarray(big.crop((x0, y0, x0 + W, y0 + H)), np.float32).copy()
    out += rng.standard_normal((H, W, 1), dtype=np.float32) * 3
    return out


BACKGROUNDS = [bg_sky_grass, bg_blobs, bg_tiles, bg_indoor, bg_dogs]


# ----------------------------------------------------------------- output --
def to_pil(arr):
    return Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))


def finish(canvas, rng, noise=2.5):
    canvas += rng.standard_normal(canvas.shape[:2] + (1,),
                                  dtype=np.float32) * noise
    return to_pil(canvas)


def box_json(box, frame, src, W, H):
    t, r, b, l = box
    t, r, b, l = (int(round(t)), int(round(r)), int(round(b)), int(round(l)))
    t, l = max(0, t), max(0, l)
    b, r = min(H, b), min(W, r)
    return {"box": [t, r, b, l], "frame": frame, "width_px": r - l,
            "height_px": b - t, "source": src.name,
            "person": src.person}


def place(canvas, specs, rng, picker, placed=None, inside=2, tries=4000,
          region=None, photo_only=False):
    """Paste faces of the given widths at random non-overlapping spots.
    placed: list of (patch_rect, face_rect) already in the canvas.
    Returns list of (face_box, source)."""
    H, W = canvas.shape[:2]
    placed = [] if placed is None else placed
    rl, rt, rr, rb = region if region else (0, 0, W, H)
    out = []
    for fw in specs:
        src = picker.pick(fw, photo_only=photo_only)
        p = make_patch(src, fw, rng)
        t, r, b, l = p.box
        ok = False
        for attempt in range(tries):
            # face box must lie inside the frame (and the region)
            xmin = int(math.ceil(rl + inside - l))
            xmax = int(math.floor(rr - inside - r))
            ymin = int(math.ceil(rt + inside - t))
            ymax = int(math.floor(rb - inside - b))
            if xmax < xmin or ymax < ymin:
                raise RuntimeError("face %d does not fit" % fw)
            x0 = int(rng.integers(xmin, xmax + 1))
            y0 = int(rng.integers(ymin, ymax + 1))
            prect = (x0, y0, x0 + p.w, y0 + p.h)
            frect = face_rect((t + y0, r + x0, b + y0, l + x0), 0.15)
            strict = attempt < tries * 0.7
            bad = False
            for (pr, fr) in placed:
                if strict and rects_overlap(prect, pr, gap=4):
                    bad = True
                    break
                # never cover an earlier face, never overlap faces
                if rects_overlap(prect, fr) or rects_overlap(frect, fr):
                    bad = True
                    break
            if not bad:
                ok = True
                break
        if not ok:
            raise RuntimeError("could not place face of width %d" % fw)
        fb = paste(canvas, p, x0, y0)
        placed.append((prect, face_rect(fb, 0.15)))
        out.append((fb, src))
    return out


def far_sizes(n, counter, rng):
    """Face widths cycling through the bins 24-29, 30-44 and 45-64 px."""
    out = []
    for _ in range(n):
        lo, hi = [(24, 29), (30, 44), (45, 64)][counter[0] % 3]
        counter[0] += 1
        out.append(int(rng.integers(lo, hi + 1)))
    return out


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    if os.path.abspath(out_dir).startswith("/work/main"):
        sys.exit("refusing to write inside /work/main")
    chips, photos = load_sources()
    images = []

    def record(fname, W, H, kind, faces, **extra):
        e = {"file": fname, "width": W, "height": H, "kind": kind,
             "faces": faces}
        e.update(extra)
        images.append(e)
        print("%-16s %5dx%-5d %-6s faces=%d" % (fname, W, H, kind, len(faces)),
              flush=True)

    # ---- 1. far ----------------------------------------------------------
    counts = [1, 2, 3, 4, 5, 6, 7, 8, 3, 5, 8, 2]
    counter = [0]
    for i, n in enumerate(counts):
        rng = np.random.default_rng(SEED + 100 + i)
        picker = Picker(chips, photos, rng)
        W, H = 4032, 3024
        canvas = BACKGROUNDS[i % len(BACKGROUNDS)](W, H, rng)
        sizes = far_sizes(n, counter, rng)
        res = place(canvas, sizes, rng, picker)
        fname = "far_%02d.jpg" % (i + 1)
        finish(canvas, rng).save(os.path.join(out_dir, fname), quality=JPEG_Q)
        record(fname, W, H, "far",
               [box_json(b, 0, s, W, H) for b, s in res])

    # ---- 2. class --------------------------------------------------------
    for i, n in enumerate([10, 16, 21, 25]):
        rng = np.random.default_rng(SEED + 200 + i)
        picker = Picker(chips, photos, rng)
        W, H = 4032, 3024
        canvas = [bg_indoor, bg_sky_grass, bg_tiles, bg_indoor][i](W, H, rng)
        rows = 2 if n <= 12 else (3 if n <= 18 else 4)
        per = [n // rows + (1 if r < n % rows else 0) for r in range(rows)]
        res, placed = [], []
        pil = to_pil(canvas)
        d = ImageDraw.Draw(pil)
        layout = []
        for r in range(rows):  # back row first (higher, smaller)
            frac = r / max(1, rows - 1)
            yc = H * (0.22 + 0.55 * frac)
            k = per[r]
            xs = np.linspace(0.08 * W, 0.92 * W, k + 2)[1:-1] if k > 1 \
                else np.array([0.5 * W])
            step = (xs[1] - xs[0]) if k > 1 else W * 0.3
            for x in xs:
                fw = int(rng.integers(70 + int(30 * frac), 111 + int(30 * frac)))
                layout.append((x + rng.uniform(-0.12, 0.12) * step,
                               yc + rng.uniform(-0.06, 0.06) * H / rows, fw))
        # bodies under every head, drawn before the faces
        for (x, y, fw) in layout:
            c = tuple(int(v) for v in rng.uniform(20, 230, 3))
            d.ellipse([x - 1.25 * fw, y + 0.55 * fw, x + 1.25 * fw,
                       y + 3.2 * fw], fill=c)
        canvas = np.asarray(pil.filter(ImageFilter.GaussianBlur(1.2)),
                            np.float32).copy()
        for (x, y, fw) in layout:
            src = picker.pick(fw)
            p = make_patch(src, fw, rng)
            t, r_, b, l = p.box
            x0 = int(round(x - (l + r_) / 2))
            y0 = int(round(y - (t + b) / 2))
            prect = (x0, y0, x0 + p.w, y0 + p.h)
            fb = (t + y0, r_ + x0, b + y0, l + x0)
            for (pr, fr) in placed:
                assert not rects_overlap(prect, fr), "class layout overlap"
            assert fb[3] >= 0 and fb[1] <= W and fb[0] >= 0 and fb[2] <= H
            paste(canvas, p, x0, y0)
            placed.append((prect, face_rect(fb, 0.15)))
            res.append((fb, src))
        fname = "class_%02d.jpg" % (i + 1)
        finish(canvas, rng).save(os.path.join(out_dir, fname), quality=JPEG_Q)
        record(fname, W, H, "class",
               [box_json(b, 0, s, W, H) for b, s in res])

    # ---- 3. close --------------------------------------------------------
    close_specs = [
        ((4032, 3024), [(430, 520), (760, 860)]),
        ((3024, 4032), [(1150, 1250)]),
        ((3024, 4032), "selfie"),
        ((4032, 3024), [(300, 340), (360, 420), (480, 560)]),
        ((3024, 4032), [(320, 380), (850, 950)]),
        ((4032, 3024), [(1450, 1500)]),
    ]
    for i, ((W, H), spec) in enumerate(close_specs):
        rng = np.random.default_rng(SEED + 300 + i)
        picker = Picker(chips, photos, rng)
        fname = "close_%02d.jpg" % (i + 1)
        if spec == "selfie":
            # whole photo scaled so the face is ~2500 px tall, frame-filling
            src = next(s for s in photos if s.name.endswith("biden2.jpg"))
            t, r, b, l = src.box
            s = 2500.0 / (b - t)
            nw, nh = int(round(src.img.width * s)), int(round(src.img.height * s))
            sx, sy = nw / src.img.width, nh / src.img.height
            big = np.asarray(src.img.resize((nw, nh), Image.LANCZOS),
                             np.float32) * rng.uniform(0.9, 1.1)
            fcx = (l + r) / 2 * sx
            fcy = (t + b) / 2 * sy
            x0 = int(np.clip(round(fcx - W / 2), 0, nw - W))
            y0 = int(np.clip(round(fcy - H * 0.42), 0, nh - H))
            canvas = big[y0:y0 + H, x0:x0 + W].copy()
            assert canvas.shape[:2] == (H, W)
            fb = (t * sy - y0, r * sx - x0, b * sy - y0, l * sx - x0)
            finish(canvas, rng, noise=3.0).save(
                os.path.join(out_dir, fname), quality=JPEG_Q)
            record(fname, W, H, "close", [box_json(fb, 0, src, W, H)])
            continue
        canvas = [bg_indoor, bg_blobs, None, bg_sky_grass, bg_tiles,
                  bg_indoor][i](W, H, rng)
        sizes = [int(rng.integers(lo, hi + 1)) for lo, hi in spec]
        # largest first so the small ones find room around it
        order = sorted(range(len(sizes)), key=lambda k: -sizes[k])
        res = place(canvas, [sizes[k] for k in order], rng, picker,
                    photo_only=True)
        finish(canvas, rng).save(os.path.join(out_dir, fname), quality=JPEG_Q)
        record(fname, W, H, "close",
               [box_json(b, 0, s, W, H) for b, s in res])

    # ---- 4. pano ---------------------------------------------------------
    pano_specs = [((10000, 400), 2), ((8000, 1200), 2), ((400, 6000), 1)]
    for i, ((W, H), n) in enumerate(pano_specs):
        rng = np.random.default_rng(SEED + 400 + i)
        picker = Picker(chips, photos, rng)
        canvas = [bg_sky_grass, bg_indoor, bg_tiles][i](W, H, rng)
        sizes = [int(rng.integers(40, 121)) for _ in range(n)]
        if i == 0:
            sizes = [44, 118]  # cover both ends of the range
        res = place(canvas, sizes, rng, picker)
        fname = "pano_%02d.jpg" % (i + 1)
        finish(canvas, rng).save(os.path.join(out_dir, fname), quality=JPEG_Q)
        record(fname, W, H, "pano",
               [box_json(b, 0, s, W, H) for b, s in res])

    # ---- 5. small --------------------------------------------------------
    small_specs = [((640, 480), [150]), ((640, 480), [45, 90]),
                   ((320, 240), [30, 60]), ((320, 240), [110])]
    for i, ((W, H), sizes) in enumerate(small_specs):
        rng = np.random.default_rng(SEED + 500 + i)
        picker = Picker(chips, photos, rng)
        canvas = [bg_blobs, bg_indoor, bg_sky_grass, bg_tiles][i](W, H, rng)
        res = place(canvas, sizes, rng, picker)
        fname = "small_%02d.jpg" % (i + 1)
        finish(canvas, rng).save(os.path.join(out_dir, fname), quality=JPEG_Q)
        record(fname, W, H, "small",
               [box_json(b, 0, s, W, H) for b, s in res])

    # ---- 6. noface -------------------------------------------------------
    for i in range(6):
        rng = np.random.default_rng(SEED + 600 + i)
        W, H = 4032, 3024
        if i == 0:  # dogs.jpg upscaled to 12 MP (printed face blurred out)
            W, H = 4000, 3000
            im = dogs_image()
            s = max(W / im.width, H / im.height)
            big = im.resize((int(math.ceil(im.width * s)),
                             int(math.ceil(im.height * s))), Image.LANCZOS)
            y0 = (big.height - H) // 2
            canvas = np.asarray(big.crop((0, y0, W, y0 + H)), np.float32).copy()
        elif i == 1:
            canvas = bg_blobs(W, H, rng)
        elif i == 2:
            canvas = bg_tiles(W, H, rng)
        elif i == 3:  # crowd-like pattern of skin-toned circles
            canvas = bg_sky_grass(W, H, rng)
            pil = to_pil(canvas)
            d = ImageDraw.Draw(pil)
            for _ in range(400):
                x, y = rng.uniform(0, W), rng.uniform(0.2 * H, H)
                rad = rng.uniform(20, 90) * (0.5 + y / H)
                tone = rng.uniform([120, 80, 50], [240, 200, 170])
                d.ellipse([x - rad, y - rad * 1.2, x + rad, y + rad * 1.2],
                          fill=tuple(int(v) for v in tone))
                hair = tuple(int(v) for v in rng.uniform(10, 120, 3))
                d.chord([x - rad, y - rad * 1.3, x + rad, y + rad * 0.4],
                        180, 360, fill=hair)
                d.rectangle([x - rad * 1.4, y + rad * 1.2, x + rad * 1.4,
                             y + rad * 3.5],
                            fill=tuple(int(v) for v in rng.uniform(0, 255, 3)))
            canvas = np.asarray(pil.filter(ImageFilter.GaussianBlur(2)),
                                np.float32).copy()
        elif i == 4:  # text-like stripes: a page of "words"
            paper = rng.uniform(225, 250)
            pil = Image.new("RGB", (W, H), (int(paper),) * 3)
            d = ImageDraw.Draw(pil)
            lh = int(rng.uniform(40, 70))
            for y in range(150, H - 150, lh):
                x = 200
                while x < W - 300:
                    ww = int(rng.uniform(40, 320))
                    ink = int(rng.uniform(10, 60))
                    d.rectangle([x, y + lh * 0.25, x + ww, y + lh * 0.65],
                                fill=(ink, ink, ink + 10))
                    # ascender/descender ticks
                    for _ in range(ww // 40):
                        tx = x + rng.uniform(0, ww)
                        d.rectangle([tx, y + lh * 0.1, tx + 5, y + lh * 0.8],
                                    fill=(ink, ink, ink))
                    x += ww + int(rng.uniform(20, 40))
            canvas = np.asarray(pil.filter(ImageFilter.GaussianBlur(1.5)),
                                np.float32).copy()
        else:  # empty playground: sky over grass
            canvas = bg_sky_grass(W, H, rng)
        fname = "noface_%02d.jpg" % (i + 1)
        finish(canvas, rng).save(os.path.join(out_dir, fname), quality=JPEG_Q)
        record(fname, W, H, "noface", [])

    # ---- 7. multi-frame --------------------------------------------------
    # (file, format, n_frames, {frame: [face widths]})
    anim_specs = [
        ("anim_01.gif", "GIF", 4, {2: [140]}),
        ("anim_02.gif", "GIF", 3, {1: [90], 2: [180]}),
        ("anim_03.png", "PNG", 4, {3: [120]}),
        ("anim_04.png", "PNG", 5, {1: [200], 4: [85, 150]}),
        ("anim_05.webp", "WEBP", 3, {2: [100]}),
        ("anim_06.webp", "WEBP", 4, {1: [160], 3: [80]}),
        ("pages_01.tif", "TIFF", 3, {2: [130]}),
        ("pages_02.tif", "TIFF", 4, {1: [95, 170], 3: [110]}),
    ]
    self_check = []
    for i, (fname, fmt, nf, fmap) in enumerate(anim_specs):
        rng = np.random.default_rng(SEED + 700 + i)
        picker = Picker(chips, photos, rng)
        W, H = 800, 600
        big = BACKGROUNDS[i % len(BACKGROUNDS)](W + 200, H + 100, rng)
        frames, faces = [], []
        for k in range(nf):
            dx, dy = int(k * 200 / max(1, nf - 1)), int(rng.integers(0, 100))
            canvas = big[dy:dy + H, dx:dx + W].copy() * (1 + 0.03 * k)
            if k in fmap:
                for b, s in place(canvas, fmap[k], rng, picker):
                    faces.append(box_json(b, k, s, W, H))
            frames.append(finish(canvas, rng))
        path = os.path.join(out_dir, fname)
        if fmt == "GIF":
            frames[0].save(path, save_all=True, append_images=frames[1:],
                           duration=500, loop=0)
        elif fmt == "PNG":
            frames[0].save(path, save_all=True, append_images=frames[1:],
                           duration=500, loop=0)
        elif fmt == "WEBP":
            frames[0].save(path, save_all=True, append_images=frames[1:],
                           duration=500, loop=0, quality=90)
        else:
            frames[0].save(path, save_all=True, append_images=frames[1:],
                           compression="tiff_deflate")
        self_check.append((path, frames))
        record(fname, W, H, "anim", faces, n_frames=nf)

    # ---- 8. rotated via EXIF --------------------------------------------
    rot_specs = [("rot_01.jpg", (3024, 4032), 6, [260, 480]),
                 ("rot_02.jpg", (4032, 3024), 8, [120, 210, 340])]
    for i, (fname, (W, H), orient, sizes) in enumerate(rot_specs):
        rng = np.random.default_rng(SEED + 800 + i)
        picker = Picker(chips, photos, rng)
        canvas = [bg_sky_grass, bg_indoor][i](W, H, rng)
        res = place(canvas, sorted(sizes, reverse=True), rng, picker)
        shown = finish(canvas, rng)
        # stored pixels are such that applying the EXIF orientation gives
        # `shown`: 6 = rotate 90 CW to display, 8 = rotate 90 CCW to display.
        stored = shown.transpose(Image.ROTATE_90 if orient == 6
                                 else Image.ROTATE_270)
        exif = Image.Exif()
        exif[0x0112] = orient
        path = os.path.join(out_dir, fname)
        stored.save(path, quality=JPEG_Q, exif=exif.tobytes())
        self_check.append((path, [shown]))
        record(fname, W, H, "rot", [box_json(b, 0, s, W, H) for b, s in res],
               exif_orientation=orient, stored_size=list(stored.size))

    # ---- self-check: decoded frames match what was intended -------------
    for path, frames in self_check:
        im = Image.open(path)
        n = getattr(im, "n_frames", 1)
        assert n == len(frames), (path, n, len(frames))
        for k, want in enumerate(frames):
            im.seek(k)
            got = ImageOps.exif_transpose(im.convert("RGB")) if \
                path.endswith(".jpg") else im.convert("RGB")
            assert got.size == want.size, (path, k, got.size, want.size)
            err = np.abs(np.asarray(got, np.float32) -
                         np.asarray(want, np.float32)).mean()
            assert err < 12, (path, k, err)
    for e in images:
        im = Image.open(os.path.join(out_dir, e["file"]))
        im = ImageOps.exif_transpose(im) if e["kind"] == "rot" else im
        assert im.size == (e["width"], e["height"]), e["file"]

    truth = {
        "box_format": "[top, right, bottom, left] in displayed pixels; "
                      "bottom/right exclusive",
        "generator": "make_scenes.py (seed %d)" % SEED,
        "images": images,
    }
    with open(os.path.join(out_dir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    nfaces = sum(len(e["faces"]) for e in images)
    print("wrote %d images, %d faces, truth.json -> %s"
          % (len(images), nfaces, out_dir))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python make_scenes.py OUT_DIR")
    main(sys.argv[1])
