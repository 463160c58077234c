#!/usr/bin/env python3
"""Build a SECOND held-out face-detection test set (images + truth.json).

    python make_scenes.py OUT_DIR

Only Pillow and NumPy are used.  Everything is deterministic (fixed seeds).
This set is independent of /work/heldout_faces (different seed, different
scene kinds, counts, layouts, backgrounds and a different way of pasting).

Face sources (and nothing else):
  * the 150x150 face chips in /work/shared/faces/dlib/examples/johns/*/
    (used for at most one third of all faces, never above 120 px);
  * 10 single-person photos from /work/shared/faces/face_recognition/examples
    whose face boxes were annotated BY HAND for the first held-out set (table
    PHOTO_FACES, copied from /work/heldout_faces/make_scenes.py).  These are
    pasted as generous cut-outs WITH head, hair, neck and shoulders
    (1.6 face widths either side, 0.6 face heights above, 2.2 face heights
    below the face box).  Where a photo ends before that, the cut-out is
    continued by edge replication, blurred (see README.md).
dlib faces/dogs.jpg is used only as a no-face image, with the small printed
human face on its magazine cover blurred out.
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
# about 40 px) at roughly x 55-115, y 450-500 (coordinates from the first
# set).  It is blurred out before dogs.jpg is used.
DOGS_PRINTED_FACE = (30, 425, 145, 525)  # left, top, right, bottom

# Hand-annotated face boxes (top, right, bottom, left) in source pixels,
# from the first held-out set.  Box = hairline/upper forehead to bottom of
# chin, cheek edge to cheek edge (ears excluded).
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
# Photos whose backdrop around the head is plain and clearly different from
# the hair, so that "figure" cut-outs may key it out (chosen by looking at
# the photos; the others keep an oval of their own backdrop round the head:
# curtains, dark or hair-coloured backdrops).
KEYABLE = {
    "knn_examples/test/alex_lacamoire1.jpg",   # plain grey
    "knn_examples/test/johnsnow_test1.jpg",    # pale snowy grey
    "knn_examples/test/obama1.jpg",            # blue
    "knn_examples/train/alex_lacamoire/img1.jpg",  # white
    "knn_examples/train/kit_harington/john2.jpeg",  # grey-blue
}
# Face box inside a 150x150 johns chip, as fractions of the chip (same rule
# as the first set: trim 10 % at top/left/right and 5 % at the bottom).
CHIP_BOX = (0.10, 0.90, 0.95, 0.10)  # top, right, bottom, left

# generous cut-out around a photo face, in face widths / face heights
CUT_SIDE, CUT_TOP, CUT_BELOW = 1.6, 0.6, 2.2
CHIP_MAX_W = 120          # chips are never pasted larger than this
CHIP_SHARE = 1.0 / 3.0    # chips are at most this share of all faces
JPEG_Q = 90
SEED = 7340_2991          # the first set used 20240611


# ----------------------------------------------------------------- sources --
class Source:
    def __init__(self, name, img, box, kind, person):
        self.name = name      # path relative to /work/shared/faces
        self.person = person
        self.img = img        # PIL RGB
        self.arr = np.asarray(img)
        self.box = box        # (t, r, b, l) floats in img coords
        self.kind = kind      # "chip" or "photo"
        self.keyable = False  # backdrop may be keyed out round the head

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
        photos[-1].keyable = rel in KEYABLE
    assert len(chips) == 55, len(chips)
    assert len(photos) == 10
    return chips, photos


class Stats:
    """Counters of faces and chips, for the whole set and per scene kind
    (the chip share is capped at both levels)."""

    def __init__(self):
        self.all = {}
        self.chip = {}

    def allows_chip(self, kind):
        return all(self.chip.get(k, 0) + 1 <= (self.all.get(k, 0) + 1) *
                   CHIP_SHARE for k in ("*", kind))

    def count(self, kind, chip):
        for k in ("*", kind):
            self.all[k] = self.all.get(k, 0) + 1
            self.chip[k] = self.chip.get(k, 0) + int(chip)


class Picker:
    """Chooses face sources: mostly photos, chips for <= 1/3 of all faces,
    and varies who appears within a scene."""

    def __init__(self, chips, photos, rng, stats, kind):
        self.chips, self.photos, self.rng, self.stats = chips, photos, rng, \
            stats
        self.kind = kind
        self.used = {}
        self.who = {}

    def pick(self, face_w, allow_chip=True):
        can_chip = (allow_chip and face_w <= CHIP_MAX_W and
                    self.stats.allows_chip(self.kind))
        use_chip = can_chip and self.rng.random() < 0.30
        if use_chip:
            pool = self.chips
        else:  # never upscale a photo face more than 2x
            pool = [s for s in self.photos if 2.0 * s.box_w >= face_w]
        counts = np.array([self.used.get(s.name, 0) for s in pool], float)
        who = np.array([self.who.get(s.person, 0) for s in pool], float)
        wts = np.exp(-1.2 * counts - 0.5 * who)
        s = pool[int(self.rng.choice(len(pool), p=wts / wts.sum()))]
        self.used[s.name] = self.used.get(s.name, 0) + 1
        self.who[s.person] = self.who.get(s.person, 0) + 1
        self.stats.count(self.kind, use_chip)
        return s


# ----------------------------------------------------------------- patches --
def rnd(v):
    """Round half up (used for every truth coordinate)."""
    return int(math.floor(v + 0.5))


def feather_mask(w, h, f):
    """Float mask 0..1, fully opaque inside, smooth ramp of f px at edges."""
    f = max(1.0, f)
    xs = np.arange(w, dtype=np.float32) + 0.5
    ys = np.arange(h, dtype=np.float32) + 0.5
    dx = np.minimum(xs, w - xs)[None, :]
    dy = np.minimum(ys, h - ys)[:, None]
    ex = np.clip(f - dx, 0, None)
    ey = np.clip(f - dy, 0, None)
    d = f - np.sqrt(ex * ex + ey * ey)
    a = np.clip(d / f, 0, 1)
    return a * a * (3 - 2 * a)


class Patch:
    def __init__(self, rgb, mask, box, src, mode):
        self.rgb = rgb    # float32 h x w x 3
        self.mask = mask  # float32 h x w
        self.box = box    # (t, r, b, l) floats in patch coords
        self.src = src
        self.mode = mode  # "rect", "figure" or "chip"

    @property
    def w(self):
        return self.rgb.shape[1]

    @property
    def h(self):
        return self.rgb.shape[0]


def figure_mask(w, h, box, fw, fh, head=True, fade=True):
    """Soft person silhouette (head + hair, neck, shoulders/torso) in a
    w x h patch whose face box is box=(t, r, b, l)."""
    t, r, b, l = box
    cx = (l + r) / 2
    ss = 4 if fw < 60 else 2  # supersample small figures
    m = Image.new("L", (w * ss, h * ss), 0)
    d = ImageDraw.Draw(m)

    def S(*v):
        return [x * ss for x in v]

    if head:
        d.ellipse(S(l - 0.26 * fw, t - 0.52 * fh, r + 0.26 * fw,
                    b + 0.10 * fh), fill=255)
    d.rectangle(S(cx - 0.30 * fw, b - 0.25 * fh, cx + 0.30 * fw,
                  b + 0.6 * fh), fill=255)
    half = 1.35 * fw
    d.rounded_rectangle(S(cx - half, b + 0.32 * fh, cx + half,
                          h + 2 * fh), radius=0.75 * fw * ss, fill=255)
    if ss > 1:
        m = m.resize((w, h), Image.BOX)
    m = m.filter(ImageFilter.GaussianBlur(max(0.6, 0.045 * fw)))
    a = np.asarray(m, np.float32) / 255.0
    if fade:  # fade out the lowest 0.4 face heights of the body
        y = np.arange(h, dtype=np.float32)[:, None]
        a = a * np.clip((h - y) / max(1.0, 0.4 * fh), 0, 1)
    return a


def head_key(rgb, box, fw, fh):
    """Soft key that removes the photo's own backdrop around the head (the
    halo a plain ellipse would leave).  The backdrop colour is the median of
    a ring just outside the head ellipse; pixels close to it become
    transparent.  Only used above the shoulders; gives up (returns 1) when
    the backdrop is too busy to key."""
    h, w = rgb.shape[:2]
    t, r, b, l = box
    cx, cy = (l + r) / 2, (t + b) / 2
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    # head ellipse of figure_mask, and a bigger one for the ring
    ey0, ey1 = t - 0.52 * fh, b + 0.10 * fh
    ex = (r - l) / 2 + 0.26 * fw
    e_head = ((xs - cx) / ex) ** 2 + ((ys - (ey0 + ey1) / 2) /
                                      ((ey1 - ey0) / 2)) ** 2
    ring = (e_head > 1.15) & (e_head < 2.2) & (ys < cy)
    if ring.sum() < 12:
        return 1.0
    px = rgb[ring]
    bg = np.median(px, 0)
    spread = float(np.median(np.linalg.norm(px - bg, axis=1)))
    dist = np.linalg.norm(rgb - bg, axis=2)
    k = np.clip((dist - (1.5 * spread + 14)) / 30.0, 0, 1)
    im = Image.fromarray((k * 255).astype(np.uint8), "L")
    k = np.asarray(im.filter(ImageFilter.GaussianBlur(
        max(0.5, 0.03 * fw))), np.float32) / 255.0
    zone = np.clip((b + 0.32 * fh - ys) / max(1.0, 0.15 * fh), 0, 1)
    return 1.0 - zone * (1.0 - k)


def face_core(w, h, box, fw, fh):
    """Soft opaque oval just around the face box (so that keying never
    leaves a hard edge at the box)."""
    t, r, b, l = box
    m = Image.new("L", (w, h), 0)
    ImageDraw.Draw(m).ellipse([l - 0.12 * fw, t - 0.2 * fh, r + 0.12 * fw,
                               b + 0.08 * fh], fill=255)
    m = m.filter(ImageFilter.GaussianBlur(max(0.6, 0.04 * fw)))
    return np.asarray(m, np.float32) / 255.0


def _pad_blurred(real, pads, face_w):
    """Continue a cut-out beyond the edges of its photo: edge replication,
    cross-faded into a blurred copy with distance from the real pixels."""
    pt, pb, pl, pr = pads
    if not any(pads):
        return real
    arr = np.pad(real, ((pt, pb), (pl, pr), (0, 0)), mode="edge")
    h, w = arr.shape[:2]
    blur = np.asarray(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
                      .filter(ImageFilter.GaussianBlur(
                          max(1.0, 0.12 * face_w))), np.float32)
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    dy = np.maximum(np.maximum(pt - ys, ys - (h - pb - 1)), 0)
    dx = np.maximum(np.maximum(pl - xs, xs - (w - pr - 1)), 0)
    dist = np.sqrt(dx * dx + dy * dy)
    a = np.clip(dist / max(1.0, 0.15 * face_w), 0, 1)[..., None]
    shade = 1.0 - 0.10 * np.clip(dist / max(1.0, face_w), 0, 1)[..., None]
    return (arr * (1 - a) + blur * a) * np.where(a > 0, shade, 1.0)


def _rounded_width(l, r):
    return rnd(r) - rnd(l)


def make_photo_patch(src, face_w, rng, mode, flip):
    t, r, b, l = src.box
    fw, fh = r - l, b - t
    Hs, Ws = src.arr.shape[:2]
    Li = int(math.floor(l - CUT_SIDE * fw))
    Ri = int(math.ceil(r + CUT_SIDE * fw))
    Ti = int(math.floor(t - CUT_TOP * fh))
    Bi = int(math.ceil(b + CUT_BELOW * fh))
    Lc, Rc, Tc, Bc = max(0, Li), min(Ws, Ri), max(0, Ti), min(Hs, Bi)
    s0 = face_w / fw
    # tweak the scale a little so that the rounded face width is face_w
    for k in range(60):
        s = s0 * (1 + ((k + 1) // 2) * (1 if k % 2 else -1) * 0.0015)
        nw = max(1, int(round((Rc - Lc) * s)))
        nh = max(1, int(round((Bc - Tc) * s)))
        sx, sy = nw / (Rc - Lc), nh / (Bc - Tc)
        pl = int(round((Lc - Li) * s))
        pr = int(round((Ri - Rc) * s))
        pt = int(round((Tc - Ti) * s))
        pb = int(round((Bi - Bc) * s))
        P = nw + pl + pr
        bl, br = (l - Lc) * sx + pl, (r - Lc) * sx + pl
        if flip:
            bl, br = P - br, P - bl
        if _rounded_width(bl, br) == face_w:
            break
    else:
        raise RuntimeError("cannot hit width %d" % face_w)
    real = src.img.crop((Lc, Tc, Rc, Bc)).resize((nw, nh), Image.LANCZOS)
    arr = _pad_blurred(np.asarray(real, np.float32), (pt, pb, pl, pr),
                       face_w)
    box = [(t - Tc) * sy + pt, (r - Lc) * sx + pl,
           (b - Tc) * sy + pt, (l - Lc) * sx + pl]
    if flip:
        arr = arr[:, ::-1]
        box = [box[0], P - box[3], box[2], P - box[1]]
    return arr, box


def make_chip_patch(src, face_w, rng, flip):
    """A tight chip on a synthetic neck and torso (clothing colour)."""
    t, r, b, l = src.box
    fw, fh = r - l, b - t
    s0 = face_w / fw
    for k in range(60):
        s = s0 * (1 + ((k + 1) // 2) * (1 if k % 2 else -1) * 0.0015)
        cw = max(1, int(round(src.img.width * s)))
        sc = cw / src.img.width
        fwp, fhp = fw * sc, fh * sc
        ml = int(math.ceil(CUT_SIDE * fwp - l * sc))  # chip x offset
        P = ml * 2 + cw
        bl, br = l * sc + ml, r * sc + ml
        if flip:
            bl, br = P - br, P - bl
        if _rounded_width(bl, br) == face_w:
            break
    else:
        raise RuntimeError("cannot hit width %d" % face_w)
    mt = int(math.ceil(CUT_TOP * fhp - t * sc))
    Ph = mt + int(math.ceil(b * sc + CUT_BELOW * fhp))
    chip = np.asarray(src.img.resize((cw, cw), Image.LANCZOS), np.float32)
    box = [t * sc + mt, r * sc + ml, b * sc + mt, l * sc + ml]
    # skin tone from the chin/cheek area, clothing from a school palette
    skin = np.median(chip[int(0.70 * cw):int(0.85 * cw),
                          int(0.40 * cw):int(0.60 * cw)].reshape(-1, 3), 0)
    palette = np.array([[30, 40, 90], [110, 25, 40], [120, 120, 125],
                        [235, 235, 230], [30, 90, 50], [200, 40, 40],
                        [230, 190, 40], [40, 100, 170], [60, 60, 60],
                        [150, 90, 160]], np.float32)
    cloth = palette[int(rng.integers(len(palette)))] * rng.uniform(0.85, 1.1)
    rgb = np.empty((Ph, P, 3), np.float32)
    rgb[:] = cloth
    yy = np.arange(Ph, dtype=np.float32)[:, None, None]
    rgb *= 1.0 - 0.25 * np.clip((yy - box[2]) / (3 * fhp), 0, 1)  # shading
    bt, bb = box[2], box[2] + 0.45 * fhp
    cx = (box[1] + box[3]) / 2
    xs = np.arange(P, dtype=np.float32)[None, :, None]
    neck = (yy >= bt - 0.2 * fhp) & (yy < bb) & (np.abs(xs - cx) < 0.22 * fwp)
    rgb = np.where(neck, skin * 0.75, rgb)
    rgb = np.asarray(_img(rgb).filter(ImageFilter.GaussianBlur(
        max(0.6, 0.05 * fwp))), np.float32)
    body = figure_mask(P, Ph, box, fwp, fhp, head=False)
    cm = np.zeros((Ph, P), np.float32)
    # rounded-square (superellipse) head so that the chip's corners, which
    # show its own backdrop, are dropped; the face box stays inside it
    u = (np.arange(cw, dtype=np.float32) + 0.5) / cw - 0.5
    se = (np.abs(u[None, :]) / 0.5) ** 5 + (np.abs(u[:, None]) / 0.5) ** 5
    head = Image.fromarray(((se <= 1) * 255).astype(np.uint8), "L").filter(
        ImageFilter.GaussianBlur(max(0.5, 0.03 * cw)))
    cm[mt:mt + cw, ml:ml + cw] = np.asarray(head, np.float32) / 255.0 * \
        feather_mask(cw, cw, 0.04 * cw)
    crgb = rgb.copy()
    crgb[mt:mt + cw, ml:ml + cw] = chip
    a = cm[..., None]
    rgb = crgb * a + rgb * (1 - a)
    mask = np.maximum(body, cm)
    if flip:
        rgb, mask = rgb[:, ::-1], mask[:, ::-1]
        box = [box[0], P - box[3], box[2], P - box[1]]
    return rgb, mask, box


def make_patch(src, face_w, rng, mode=None):
    """Cut the face with its surroundings, scaled so the face box is face_w
    px wide (after rounding).  mode: "rect" (soft-edged rectangle incl. the
    photo's own background) or "figure" (person silhouette); chips always
    get a synthetic body."""
    flip = bool(rng.random() < 0.5)
    if src.kind == "chip":
        rgb, mask, box = make_chip_patch(src, face_w, rng, flip)
        mode = "chip"
    else:
        if mode is None:
            mode = "figure" if rng.random() < 0.55 else "rect"
        rgb, box = make_photo_patch(src, face_w, rng, mode, flip)
        h, w = rgb.shape[:2]
        fw, fh = box[1] - box[3], box[2] - box[0]
        if mode == "rect":
            margin = min(box[0], box[3], w - box[1])
            f = min(0.45 * fw, 0.8 * margin)
            mask = feather_mask(w, h, f)
            # fade out the bottom of the body as well
            y = np.arange(h, dtype=np.float32)[:, None]
            mask = mask * np.clip((h - y) / max(1.0, 0.4 * fh), 0, 1)
        else:
            mask = figure_mask(w, h, box, fw, fh)
            if src.keyable:
                mask = mask * head_key(rgb, box, fw, fh)
                mask = np.maximum(mask, face_core(w, h, box, fw, fh))
    # the face box itself is always fully opaque
    t, r, b, l = box
    mask = np.array(mask, np.float32)
    mask[max(0, int(t)):int(math.ceil(b)), max(0, int(l)):int(math.ceil(r))] \
        = 1.0
    gain = rng.uniform(0.85, 1.15) * rng.uniform(0.96, 1.04, 3)
    rgb = np.asarray(rgb, np.float32) * gain.astype(np.float32)
    sigma = rng.uniform(0.0, 0.6)
    if sigma > 0.15:
        im = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
        rgb = np.asarray(im.filter(ImageFilter.GaussianBlur(sigma)),
                         np.float32)
    return Patch(np.ascontiguousarray(rgb, np.float32), mask, tuple(box),
                 src, mode)


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


def covers(patch, x0, y0, rect, thr=0.03):
    """Would the patch at (x0, y0) cover any part of rect (l, t, r, b)?"""
    l = max(int(math.floor(rect[0])) - x0, 0)
    t = max(int(math.floor(rect[1])) - y0, 0)
    r = min(int(math.ceil(rect[2])) - x0, patch.w)
    b = min(int(math.ceil(rect[3])) - y0, patch.h)
    if r <= l or b <= t:
        return False
    return float(patch.mask[t:b, l:r].max()) > thr


def opaque_rect(patch, x0, y0, thr=0.3):
    """Bounding rect (l, t, r, b) of the clearly opaque part of the patch."""
    m = patch.mask > thr
    ys = np.where(m.any(1))[0]
    xs = np.where(m.any(0))[0]
    return (x0 + xs[0], y0 + ys[0], x0 + xs[-1] + 1, y0 + ys[-1] + 1)


class Scene:
    """A canvas plus the faces and patches already placed on it."""

    def __init__(self, canvas, picker, rng):
        self.canvas, self.picker, self.rng = canvas, picker, rng
        self.faces = []    # (face_box floats, source, mode, extra)
        self.franges = []  # face rects grown 15 % (no face overlaps these)
        self.prects = []   # opaque rects of patches

    @property
    def H(self):
        return self.canvas.shape[0]

    @property
    def W(self):
        return self.canvas.shape[1]

    def ok(self, p, x0, y0, strict, inside=2):
        t, r, b, l = p.box
        fb = (t + y0, r + x0, b + y0, l + x0)
        if (rnd(fb[3]) < inside or rnd(fb[0]) < inside or
                rnd(fb[1]) > self.W - inside or rnd(fb[2]) > self.H - inside):
            return False
        fr = face_rect(fb, 0.15)
        if any(rects_overlap(fr, g) for g in self.franges):
            return False
        # never cover an earlier face (grown 10 %)
        for (ob, _, _, _) in self.faces:
            if covers(p, x0, y0, face_rect(ob, 0.10)):
                return False
        if strict:
            orect = opaque_rect(p, x0, y0)
            if any(rects_overlap(orect, q, gap=6) for q in self.prects):
                return False
        return True

    def commit(self, p, x0, y0, **extra):
        fb = paste(self.canvas, p, x0, y0)
        self.faces.append((fb, p.src, p.mode, extra))
        self.franges.append(face_rect(fb, 0.15))
        self.prects.append(opaque_rect(p, x0, y0))
        return fb

    def place_random(self, face_w, near_edge=False, tries=5000,
                     mode=None, inside=2):
        rng = self.rng
        src = self.picker.pick(face_w)
        p = make_patch(src, face_w, rng, mode)
        t, r, b, l = p.box
        xmin, xmax = int(math.ceil(inside - l)), int(math.floor(
            self.W - inside - r))
        ymin, ymax = int(math.ceil(inside - t)), int(math.floor(
            self.H - inside - b))
        if xmax < xmin or ymax < ymin:
            raise RuntimeError("face %d does not fit" % face_w)
        for attempt in range(tries):
            x0 = int(rng.integers(xmin, xmax + 1))
            y0 = int(rng.integers(ymin, ymax + 1))
            side = None
            if near_edge:  # face box edge 0-12 px inside the frame margin
                side = int(rng.integers(4))
                e = int(rng.integers(0, 13))
                if side == 0:
                    x0 = xmin + e
                elif side == 1:
                    x0 = xmax - e
                elif side == 2:
                    y0 = ymin + e
                else:
                    y0 = ymax - e
            if self.ok(p, x0, y0, strict=attempt < tries * 0.6,
                       inside=inside):
                extra = {"near_edge": True} if near_edge else {}
                return self.commit(p, x0, y0, **extra)
        raise RuntimeError("could not place face of width %d" % face_w)


# ------------------------------------------------------------- backgrounds --
def _img(arr):
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _up(small, W, H, resample=Image.BICUBIC):
    return np.asarray(_img(small).resize((W, H), resample), dtype=np.float32)


def _lowfreq(rng, w, h, cells, amp):
    """Smooth random field (h x w) from an upsampled tiny grid."""
    g = rng.standard_normal((max(2, cells[1]), max(2, cells[0]))) * amp + 128
    im = Image.fromarray(np.clip(g, 0, 255).astype(np.uint8), "L")
    return np.asarray(im.resize((w, h), Image.BICUBIC), np.float32) - 128


def _grain(rng, H, W, sigma, vertical=0.0):
    n = rng.standard_normal((H, W), dtype=np.float32) * sigma
    if vertical:  # streak the grain vertically (grass blades)
        n[1:] += vertical * n[:-1]
        n[2:] += 0.5 * vertical * n[:-2]
    return n[..., None]


def _sky_rows(h, top, pale):
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    return top + (pale - top) * yy ** 0.8


def bg_sky(W, H, rng, strip=True):
    """Blue sky with soft cumulus clouds; optionally tree tops at the foot."""
    s = 8
    w, h = max(16, W // s), max(16, H // s)
    top = np.array([55, 115, 200], np.float32) * rng.uniform(0.9, 1.1)
    pale = np.array([175, 205, 235], np.float32)
    img = _sky_rows(h, top, pale) * np.ones((1, w, 1), np.float32)
    cl = Image.new("L", (w, h), 0)
    sh = Image.new("L", (w, h), 0)
    d, ds = ImageDraw.Draw(cl), ImageDraw.Draw(sh)
    for _ in range(int(rng.integers(4, 12))):
        cx, cy = rng.uniform(0, w), rng.uniform(0.05, 0.75) * h
        size = rng.uniform(0.04, 0.14) * w
        for _ in range(int(rng.integers(5, 14))):
            ox = rng.normal(0, size * 0.8)
            oy = rng.normal(0, size * 0.18)
            rr = size * rng.uniform(0.25, 0.6)
            d.ellipse([cx + ox - rr, cy + oy - rr * 0.7, cx + ox + rr,
                       cy + oy + rr * 0.7], fill=255)
            ds.ellipse([cx + ox - rr, cy + oy, cx + ox + rr,
                        cy + oy + rr * 0.7], fill=255)
    a = np.asarray(cl.filter(ImageFilter.GaussianBlur(w / 200 + 2)),
                   np.float32)[..., None] / 255
    b = np.asarray(sh.filter(ImageFilter.GaussianBlur(w / 150 + 3)),
                   np.float32)[..., None] / 255
    cloud = np.array([245, 247, 250], np.float32)
    img = img * (1 - a) + cloud * a
    img = img * (1 - 0.18 * b * a)
    pil = _img(img)
    if strip and rng.random() < 0.6:  # tree tops or a roof line at the foot
        dd = ImageDraw.Draw(pil)
        base = h * rng.uniform(0.88, 0.97)
        for _ in range(int(w / 6)):
            cx = rng.uniform(0, w)
            rw = rng.uniform(0.01, 0.04) * w
            rh = rng.uniform(0.03, 0.09) * h
            c = tuple(int(v) for v in rng.uniform([25, 55, 25], [70, 110, 55]))
            dd.ellipse([cx - rw, base - rh, cx + rw, base + rh * 3], fill=c)
        pil = pil.filter(ImageFilter.GaussianBlur(0.8))
    out = _up(np.asarray(pil), W, H)
    return out + _grain(rng, H, W, 1.5)


def bg_grass(W, H, rng, horizon=None):
    """Playing field: mown stripes, optional tree line and sky at the top."""
    s = 4
    w, h = max(16, W // s), max(16, H // s)
    if horizon is None:
        horizon = rng.uniform(0.0, 0.3) if rng.random() < 0.7 else 0.0
    hz = int(h * horizon)
    g0 = np.array([85, 140, 55], np.float32) * rng.uniform(0.85, 1.1)
    img = np.empty((h, w, 3), np.float32)
    img[:] = g0
    lf = _lowfreq(rng, w, h, (max(2, w // 40), max(2, h // 40)), 22)
    img += lf[..., None] * np.array([0.6, 1.0, 0.4], np.float32)
    # mowing stripes (bands, slightly slanted), stronger near the camera
    period = rng.uniform(0.05, 0.12) * w
    ang = rng.uniform(-0.3, 0.3)
    xx = np.arange(w, dtype=np.float32)[None, :]
    yy = np.arange(h, dtype=np.float32)[:, None]
    band = (np.floor((xx + ang * yy) / period) % 2) * 2 - 1
    img *= (1 + 0.06 * band)[..., None]
    # worn patches (paler, browner)
    wear = np.clip(_lowfreq(rng, w, h, (8, 6), 40) - 25, 0, None)[..., None]
    img += wear * np.array([0.6, 0.1, 0.2], np.float32)
    if hz > 2:
        sky = _sky_rows(hz, np.array([70, 130, 205], np.float32),
                        np.array([190, 210, 230], np.float32))
        img[:hz] = sky * np.ones((1, w, 1), np.float32)
    pil = _img(img)
    d = ImageDraw.Draw(pil)
    if hz > 2:
        for _ in range(int(w / 5)):  # tree line
            cx = rng.uniform(0, w)
            rw, rh = rng.uniform(0.01, 0.05) * w, rng.uniform(0.2, 0.8) * hz
            c = tuple(int(v) for v in rng.uniform([20, 50, 20], [60, 100, 50]))
            d.ellipse([cx - rw, hz - rh, cx + rw, hz + 3], fill=c)
    if rng.random() < 0.5:  # a white pitch line
        y = rng.uniform(hz + 0.1 * (h - hz), h * 0.95)
        d.line([(0, y), (w, y + rng.uniform(-0.05, 0.05) * h)],
               fill=(225, 230, 220), width=max(1, int(w / 400)))
    pil = pil.filter(ImageFilter.GaussianBlur(0.7))
    out = _up(np.asarray(pil), W, H)
    grassy = (np.arange(H)[:, None, None] >= hz * H / h).astype(np.float32)
    out += _grain(rng, H, W, 13.0, vertical=0.8) * \
        np.array([0.7, 1.0, 0.5], np.float32) * (0.15 + 0.85 * grassy)
    return out


def bg_hall(W, H, rng):
    """School hall: block wall (maybe wall bars, windows), wooden floor with
    coloured court lines."""
    s = 2
    w, h = max(16, W // s), max(16, H // s)
    fl = int(h * rng.uniform(0.45, 0.7))
    wallc = np.array(rng.uniform([185, 180, 165], [240, 235, 220]), np.float32)
    if rng.random() < 0.35:
        wallc = np.array([170, 195, 215], np.float32) * rng.uniform(0.9, 1.05)
    pil = Image.new("RGB", (w, h), tuple(int(v) for v in wallc * 0.85))
    d = ImageDraw.Draw(pil)
    bw, bh = int(rng.uniform(0.05, 0.08) * w), 0
    bh = max(6, bw // 2)
    for j, y in enumerate(range(0, fl, bh)):  # painted blocks
        off = (bw // 2) * (j % 2)
        for x in range(-off, w, bw):
            c = np.clip(wallc + rng.normal(0, 3, 3), 0, 255)
            d.rectangle([x + 1, y + 1, x + bw - 1, y + bh - 1],
                        fill=tuple(int(v) for v in c))
    for _ in range(int(rng.integers(1, 4))):  # high windows
        x0 = rng.uniform(0, 0.85) * w
        ww = rng.uniform(0.08, 0.2) * w
        y0 = rng.uniform(0.03, 0.12) * fl
        hh = rng.uniform(0.15, 0.3) * fl
        d.rectangle([x0, y0, x0 + ww, y0 + hh], fill=(80, 80, 85))
        d.rectangle([x0 + 4, y0 + 4, x0 + ww - 4, y0 + hh - 4],
                    fill=(215, 228, 238))
        for k in range(1, 4):
            xx = x0 + ww * k / 4
            d.line([(xx, y0), (xx, y0 + hh)], fill=(90, 90, 95), width=3)
    if rng.random() < 0.7:  # wall bars
        x0 = rng.uniform(0, 0.7) * w
        nb = int(rng.integers(3, 7))
        sw = rng.uniform(0.04, 0.07) * w
        top = fl * rng.uniform(0.15, 0.3)
        for k in range(nb):
            xa = x0 + k * sw
            d.rectangle([xa, top, xa + sw * 0.12, fl], fill=(150, 105, 60))
            d.rectangle([xa + sw * 0.88, top, xa + sw, fl], fill=(150, 105, 60))
            for y in np.arange(top + 10, fl, (fl - top) / 14):
                d.rectangle([xa, y, xa + sw, y + max(2, sw * 0.05)],
                            fill=(175, 130, 80))
    if rng.random() < 0.7:  # noticeboard with pinned sheets
        x0, y0 = rng.uniform(0.05, 0.7) * w, rng.uniform(0.3, 0.5) * fl
        bwid, bhei = rng.uniform(0.12, 0.25) * w, rng.uniform(0.2, 0.35) * fl
        d.rectangle([x0, y0, x0 + bwid, y0 + bhei], fill=(60, 80, 140))
        for _ in range(int(rng.integers(3, 8))):
            px, py = rng.uniform(x0, x0 + bwid * 0.8), rng.uniform(
                y0, y0 + bhei * 0.75)
            c = tuple(int(v) for v in rng.uniform(150, 255, 3))
            d.rectangle([px, py, px + bwid * 0.18, py + bhei * 0.24], fill=c)
    d.rectangle([0, fl - max(3, h // 80), w, fl], fill=(70, 60, 55))  # skirting
    wood = np.array(rng.uniform([170, 120, 70], [210, 160, 105]), np.float32)
    pw = max(3, int(h * rng.uniform(0.012, 0.025)))
    for y in range(fl, h, pw):
        x = -rng.uniform(0, w * 0.3)
        while x < w:
            ln = rng.uniform(0.1, 0.35) * w
            c = np.clip(wood * rng.uniform(0.9, 1.08), 0, 255)
            d.rectangle([x, y, x + ln, y + pw - 1], fill=tuple(int(v) for v in c))
            x += ln + 1
    for _ in range(int(rng.integers(2, 5))):  # court lines
        c = [(200, 40, 40), (40, 90, 190), (230, 200, 40), (245, 245, 245),
             (40, 150, 70)][int(rng.integers(5))]
        lw = max(2, int(h * 0.006))
        if rng.random() < 0.5:
            y = rng.uniform(fl + 5, h)
            d.line([(0, y), (w, y + rng.uniform(-0.04, 0.04) * h)], fill=c,
                   width=lw)
        else:
            cx, cy = rng.uniform(0, w), rng.uniform(fl, h * 1.3)
            rr = rng.uniform(0.1, 0.4) * w
            d.arc([cx - rr, cy - rr * 0.35, cx + rr, cy + rr * 0.35], 180, 360,
                  fill=c, width=lw)
    pil = pil.filter(ImageFilter.GaussianBlur(0.9))
    out = _up(np.asarray(pil), W, H)
    yy = (np.arange(H, dtype=np.float32) / H - 0.35)[:, None, None]
    xx = (np.arange(W, dtype=np.float32) / W - rng.uniform(0.3, 0.7))[
        None, :, None]
    out *= 1.07 - 0.3 * (xx * xx + yy * yy)
    floor = (np.arange(H)[:, None, None] >= fl * H / h).astype(np.float32)
    out *= 1 - 0.06 * floor  # floor a bit darker, with shine
    return out + _grain(rng, H, W, 3.5)


def bg_stage(W, H, rng):
    """Stage: heavy curtains with folds and a pelmet, wooden stage floor,
    a spotlight pool."""
    s = 2
    w, h = max(16, W // s), max(16, H // s)
    fl = int(h * rng.uniform(0.65, 0.82))
    col = np.array([[120, 20, 30], [90, 15, 60], [25, 35, 90],
                    [60, 20, 80], [20, 70, 45]][int(rng.integers(5))],
                   np.float32) * rng.uniform(0.85, 1.2)
    xx = np.arange(w, dtype=np.float32)
    period = rng.uniform(0.025, 0.05) * w
    phase = np.cumsum(rng.uniform(0.8, 1.2, w).astype(np.float32)) / period
    folds = 0.45 + 0.55 * np.abs(np.sin(np.pi * phase)) ** 0.7
    opening = None
    if rng.random() < 0.6:  # curtains half open: dark backdrop in the middle
        c0 = rng.uniform(0.3, 0.6) * w
        opening = (c0, c0 + rng.uniform(0.1, 0.3) * w)
    img = np.empty((h, w, 3), np.float32)
    img[:] = col * folds[None, :, None]
    yy = np.arange(h, dtype=np.float32)[:, None, None]
    img *= 0.75 + 0.25 * np.clip(yy / fl, 0, 1)
    if opening:
        m = (xx >= opening[0]) & (xx < opening[1])
        img[:, m] = np.array([25, 22, 28], np.float32)
    pil = _img(img)
    d = ImageDraw.Draw(pil)
    ph = int(h * rng.uniform(0.07, 0.12))  # pelmet with scallops
    d.rectangle([0, 0, w, ph], fill=tuple(int(v) for v in col * 0.8))
    sc = max(8, int(w / rng.uniform(12, 25)))
    for x in range(0, w + sc, sc):
        d.pieslice([x - sc / 2, ph - sc / 2, x + sc / 2, ph + sc / 2], 0, 180,
                   fill=tuple(int(v) for v in col * 0.8))
    d.line([(0, ph), (w, ph)], fill=(200, 170, 60), width=max(1, h // 200))
    wood = np.array(rng.uniform([90, 60, 35], [140, 95, 60]), np.float32)
    pw = max(3, int(h * 0.02))
    for y in range(fl, h, pw):
        c = np.clip(wood * rng.uniform(0.9, 1.1), 0, 255)
        d.rectangle([0, y, w, y + pw - 1], fill=tuple(int(v) for v in c))
    d.rectangle([0, h - int(h * 0.04), w, h], fill=(20, 18, 18))  # stage lip
    if rng.random() < 0.5:  # benches / risers
        for k in range(int(rng.integers(1, 3))):
            y = fl + (h - fl) * rng.uniform(0.2, 0.7)
            d.rectangle([rng.uniform(0, 0.3) * w, y, rng.uniform(0.7, 1) * w,
                         y + h * 0.03], fill=(60, 50, 45))
    pil = pil.filter(ImageFilter.GaussianBlur(1.0))
    out = _up(np.asarray(pil), W, H)
    # spotlight pool(s)
    Y = (np.arange(H, dtype=np.float32) / H)[:, None]
    X = (np.arange(W, dtype=np.float32) / W)[None, :]
    light = np.zeros((H, W), np.float32)
    for _ in range(int(rng.integers(1, 3))):
        cx, cy = rng.uniform(0.2, 0.8), rng.uniform(0.4, 0.8)
        r2 = rng.uniform(0.04, 0.12)
        light += np.exp(-((X - cx) ** 2 + (Y - cy) ** 2 * 1.5) / r2)
    out *= (0.55 + 0.75 * np.clip(light, 0, 1.2))[..., None]
    return out + _grain(rng, H, W, 4.0)


def bg_tarmac(W, H, rng, markings=True):
    """Playground asphalt: aggregate grain, patches, cracks, painted games."""
    s = 2
    w, h = max(16, W // s), max(16, H // s)
    base = rng.uniform(75, 115)
    tint = np.array([1.0, 1.0, 1.03], np.float32) * rng.uniform(0.95, 1.05, 3)
    g = base + _lowfreq(rng, w, h, (max(2, w // 25), max(2, h // 25)), 5)
    g = g + np.clip(_lowfreq(rng, w, h, (10, 8), 40) - 30, 0, None) * -0.35
    img = g[..., None] * tint
    pil = _img(img)
    d = ImageDraw.Draw(pil)
    if markings:
        lw = max(2, int(w * 0.004))
        for _ in range(int(rng.integers(2, 5))):
            c = [(230, 200, 40), (235, 235, 230), (200, 60, 50),
                 (60, 120, 200)][int(rng.integers(4))]
            k = int(rng.integers(4))
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            if k == 0:  # hopscotch
                sq = rng.uniform(0.03, 0.06) * w
                for j in range(8):
                    xx = x + (sq if j in (3, 6) else 0)
                    d.rectangle([xx, y - j * sq, xx + sq, y - (j - 1) * sq],
                                outline=c, width=lw)
                    if j in (2, 5):
                        d.rectangle([xx + sq, y - j * sq, xx + 2 * sq,
                                     y - (j - 1) * sq], outline=c, width=lw)
            elif k == 1:  # big ring (far larger than a head)
                rr = rng.uniform(0.12, 0.25) * min(w, h)
                d.ellipse([x - rr, y - rr, x + rr, y + rr], outline=c, width=lw)
            elif k == 2:  # straight court line
                d.line([(x, 0), (x + rng.uniform(-0.2, 0.2) * w, h)], fill=c,
                       width=lw)
            else:  # snake / number track
                pts = [(x + i * 0.04 * w, y + math.sin(i) * 0.05 * h)
                       for i in range(12)]
                d.line(pts, fill=c, width=lw * 3)
    for _ in range(int(rng.integers(3, 10))):  # cracks
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        pts = [(x, y)]
        for _ in range(int(rng.integers(5, 20))):
            x += rng.normal(0, w * 0.01)
            y += rng.normal(0, h * 0.01)
            pts.append((x, y))
        d.line(pts, fill=(40, 40, 42), width=1)
    pil = pil.filter(ImageFilter.GaussianBlur(0.6))
    out = _up(np.asarray(pil), W, H)
    # aggregate: fine grain plus sparse light stones
    out += _grain(rng, H, W, 9.0)
    stones = (rng.random((H, W), dtype=np.float32) > 0.995).astype(np.float32)
    out += stones[..., None] * rng.uniform(25, 50)
    return out


def bg_sky_grass(W, H, rng):
    return bg_grass(W, H, rng, horizon=rng.uniform(0.3, 0.5))


BG = {"grass": bg_grass, "hall": bg_hall, "stage": bg_stage,
      "tarmac": bg_tarmac, "sky": bg_sky, "skygrass": bg_sky_grass}


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


# ------------------------------------------------------ no-face drawings --
def draw_bookshelf(W, H, rng):
    s = 2
    w, h = W // s, H // s
    wood = np.array(rng.uniform([110, 70, 40], [160, 110, 70]), np.float32)
    pil = Image.new("RGB", (w, h), tuple(int(v) for v in wood * 0.6))
    d = ImageDraw.Draw(pil)
    nsh = int(rng.integers(4, 7))
    sh_h = h / nsh
    for k in range(nsh):
        y0, y1 = k * sh_h, (k + 1) * sh_h - sh_h * 0.08
        d.rectangle([0, y1, w, (k + 1) * sh_h], fill=tuple(int(v) for v in wood))
        x = rng.uniform(5, 40)
        while x < w - 20:
            bw = rng.uniform(0.006, 0.025) * w
            bh = (y1 - y0) * rng.uniform(0.55, 0.95)
            c = rng.uniform(20, 235, 3)
            d.rectangle([x, y1 - bh, x + bw, y1], fill=tuple(int(v) for v in c))
            if rng.random() < 0.6:  # spine bands
                for yb in rng.uniform(y1 - bh, y1, int(rng.integers(1, 3))):
                    d.rectangle([x, yb, x + bw, yb + bh * 0.03],
                                fill=tuple(int(v) for v in c * 0.5 + 100))
            x += bw + (rng.uniform(0.02, 0.08) * w if rng.random() < 0.04
                       else rng.uniform(0, 3))
    pil = pil.filter(ImageFilter.GaussianBlur(1.0))
    return _up(np.asarray(pil), W, H) + _grain(rng, H, W, 3)


def draw_classroom(W, H, rng):
    """Wall with whiteboard, floor, tables (rectangles) and chairs."""
    s = 2
    w, h = W // s, H // s
    fl = int(h * 0.42)
    pil = Image.new("RGB", (w, h), (220, 215, 200))
    d = ImageDraw.Draw(pil)
    d.rectangle([0, fl, w, h], fill=(150, 150, 160))  # lino floor
    for y in range(fl, h, 40):
        d.line([(0, y), (w, y)], fill=(140, 140, 150), width=2)
    d.rectangle([w * 0.3, fl * 0.15, w * 0.7, fl * 0.75], fill=(80, 80, 80))
    d.rectangle([w * 0.31, fl * 0.17, w * 0.69, fl * 0.73],
                fill=(245, 245, 242))
    d.rectangle([w * 0.05, fl * 0.2, w * 0.2, fl * 0.6], fill=(200, 60, 50))
    for _ in range(25):  # faint marker scribbles on the board
        x, y = rng.uniform(w * 0.33, w * 0.65), rng.uniform(fl * 0.2, fl * 0.7)
        d.line([(x, y), (x + rng.uniform(20, 120), y + rng.uniform(-5, 5))],
               fill=(60, 80, 160), width=3)
    rows, cols = 3, 4
    for rr in range(rows):
        y = fl + (h - fl) * (0.12 + rr * 0.3)
        for cc in range(cols):
            x = w * (0.06 + cc * 0.235) + rng.uniform(-20, 20)
            tw, th = w * 0.17, (h - fl) * 0.09
            top = tuple(int(v) for v in rng.uniform([180, 150, 100],
                                                    [220, 190, 140]))
            legs = (90, 90, 95)
            # chairs behind the table
            for k in range(2):
                cx = x + tw * (0.2 + 0.45 * k)
                cc_ = tuple(int(v) for v in rng.uniform(30, 220, 3))
                d.rectangle([cx, y - th * 1.6, cx + tw * 0.22, y - th * 0.4],
                            fill=cc_)
                d.rectangle([cx + 4, y - th * 0.4, cx + 8, y + th * 1.4],
                            fill=legs)
                d.rectangle([cx + tw * 0.22 - 8, y - th * 0.4,
                             cx + tw * 0.22 - 4, y + th * 1.4], fill=legs)
            d.rectangle([x, y, x + tw, y + th], fill=top)
            d.rectangle([x, y + th, x + tw, y + th * 1.15], fill=(120, 100, 70))
            for lx in (x + 8, x + tw - 14):
                d.rectangle([lx, y + th * 1.15, lx + 6, y + th * 2.6],
                            fill=legs)
            if rng.random() < 0.6:  # books / trays on the table
                bx = x + rng.uniform(0.1, 0.7) * tw
                d.rectangle([bx, y + th * 0.2, bx + tw * 0.2, y + th * 0.7],
                            fill=tuple(int(v) for v in rng.uniform(30, 230, 3)))
    pil = pil.filter(ImageFilter.GaussianBlur(1.0))
    return _up(np.asarray(pil), W, H) + _grain(rng, H, W, 3)


def draw_pitch(W, H, rng):
    """Football pitch line drawing on a playground (tarmac)."""
    canvas = bg_tarmac(W, H, rng, markings=False)
    pil = _img(canvas)
    d = ImageDraw.Draw(pil)
    c = (235, 235, 225)
    lw = 14
    m = 0.07
    L, T, R, B = W * m, H * m, W * (1 - m), H * (1 - m)
    d.rectangle([L, T, R, B], outline=c, width=lw)
    d.line([(W / 2, T), (W / 2, B)], fill=c, width=lw)
    rr = H * 0.15
    d.ellipse([W / 2 - rr, H / 2 - rr, W / 2 + rr, H / 2 + rr], outline=c,
              width=lw)
    d.ellipse([W / 2 - 12, H / 2 - 12, W / 2 + 12, H / 2 + 12], fill=c)
    for side in (0, 1):
        pw, ph = W * 0.13, H * 0.5
        gw, gh = W * 0.05, H * 0.24
        if side == 0:
            d.rectangle([L, H / 2 - ph / 2, L + pw, H / 2 + ph / 2], outline=c,
                        width=lw)
            d.rectangle([L, H / 2 - gh / 2, L + gw, H / 2 + gh / 2], outline=c,
                        width=lw)
            d.arc([L + pw - rr * 0.8, H / 2 - rr, L + pw + rr * 0.8, H / 2 + rr],
                  -70, 70, fill=c, width=lw)
        else:
            d.rectangle([R - pw, H / 2 - ph / 2, R, H / 2 + ph / 2], outline=c,
                        width=lw)
            d.rectangle([R - gw, H / 2 - gh / 2, R, H / 2 + gh / 2], outline=c,
                        width=lw)
            d.arc([R - pw - rr * 0.8, H / 2 - rr, R - pw + rr * 0.8, H / 2 + rr],
                  110, 250, fill=c, width=lw)
    for (x, y) in ((L, T), (R, T), (L, B), (R, B)):
        d.arc([x - 60, y - 60, x + 60, y + 60], 0, 360, fill=c, width=lw // 2)
    pil = pil.filter(ImageFilter.GaussianBlur(1.2))
    return np.asarray(pil, np.float32) + _grain(rng, H, W, 5)


def draw_paintings(W, H, rng):
    """Children's paintings pinned on a wall: random blobs and strokes
    (no circles-with-features, no head-like shapes)."""
    wall = bg_hall(W, H, rng)
    pil = _img(wall)
    d = ImageDraw.Draw(pil)
    for k in range(6):
        col, row = k % 3, k // 3
        x0 = W * (0.05 + col * 0.32) + rng.uniform(-40, 40)
        y0 = H * (0.06 + row * 0.45) + rng.uniform(-40, 40)
        pw, ph = W * 0.27, H * 0.36
        d.rectangle([x0, y0, x0 + pw, y0 + ph], fill=(246, 244, 236))
        for _ in range(int(rng.integers(6, 16))):
            c = tuple(int(v) for v in rng.choice(
                [[220, 40, 40], [40, 80, 200], [250, 210, 40], [40, 160, 60],
                 [150, 60, 170], [250, 140, 30], [30, 30, 30]]) *
                rng.uniform(0.8, 1.05))
            if rng.random() < 0.5:  # irregular blob
                cx, cy = rng.uniform(x0 + 60, x0 + pw - 60), rng.uniform(
                    y0 + 60, y0 + ph - 60)
                n = int(rng.integers(6, 11))
                rad = rng.uniform(40, 220)
                pts = [(cx + math.cos(2 * math.pi * i / n) * rad *
                        rng.uniform(0.4, 1.3),
                        cy + math.sin(2 * math.pi * i / n) * rad *
                        rng.uniform(0.4, 1.3)) for i in range(n)]
                d.polygon(pts, fill=c)
            else:  # brush stroke
                x, y = rng.uniform(x0 + 40, x0 + pw - 40), rng.uniform(
                    y0 + 40, y0 + ph - 40)
                pts = []
                for _ in range(int(rng.integers(4, 10))):
                    x = float(np.clip(x + rng.normal(0, 120), x0 + 20,
                                      x0 + pw - 20))
                    y = float(np.clip(y + rng.normal(0, 90), y0 + 20,
                                      y0 + ph - 20))
                    pts.append((x, y))
                d.line(pts, fill=c, width=int(rng.uniform(12, 40)),
                       joint="curve")
    pil = pil.filter(ImageFilter.GaussianBlur(1.3))
    return np.asarray(pil, np.float32)


# ----------------------------------------------------------------- output --
def to_pil(arr):
    return Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))


def finish(canvas, rng, noise=2.5):
    canvas += rng.standard_normal(canvas.shape[:2] + (1,),
                                  dtype=np.float32) * noise
    return to_pil(canvas)


def box_json(box, frame, src, mode, W, H, extra=None):
    t, r, b, l = (rnd(v) for v in box)
    assert 0 <= l < r <= W and 0 <= t < b <= H, (box, W, H)
    e = {"box": [t, r, b, l], "frame": frame, "width_px": r - l,
         "height_px": b - t, "source": src.name, "person": src.person,
         "paste": mode}
    if extra:
        e.update(extra)
    return e


def scene_faces(scene, frame=0):
    return [box_json(b, frame, s, m, scene.W, scene.H, x)
            for (b, s, m, x) in scene.faces]


def crowd_layout(scene, rows, per_row, w_lo, w_hi, rng):
    """Assembly: rows of people, back row first (higher, smaller).
    Front rows' bodies cover back rows' bodies, never their faces."""
    W, H = scene.W, scene.H
    fws = [w_lo + (w_hi - w_lo) * r / max(1, rows - 1) for r in range(rows)]
    gaps = [1.2 * fws[r + 1] * rng.uniform(1.55, 1.85) for r in range(rows - 1)]
    y = H * rng.uniform(0.5, 0.66) - sum(gaps)  # back row; front row lower
    for r, k in enumerate(per_row):
        fw_row = fws[r]
        span = min(W * 0.92, k * fw_row * rng.uniform(4.5, 6.5))
        x_left = W / 2 - span / 2 + rng.uniform(-0.04, 0.04) * W
        dx = span / k
        stagger = 0.5 * dx if r % 2 else 0.0
        for j in range(k):
            fw = int(np.clip(round(fw_row + rng.uniform(-3.5, 3.5)), 30, 70))
            src = scene.picker.pick(fw)
            p = make_patch(src, fw, rng, mode="figure")
            t, rr, b, l = p.box
            for attempt in range(400):
                jx = rng.uniform(-0.18, 0.18) * dx * (1 + attempt / 100)
                jy = rng.uniform(-0.12, 0.12) * fw * (1 + attempt / 100)
                cx = x_left + stagger + j * dx + jx
                cy = y + jy
                x0 = int(round(cx - (l + rr) / 2))
                y0 = int(round(cy - (t + b) / 2))
                if scene.ok(p, x0, y0, strict=False):
                    scene.commit(p, x0, y0, row=r)
                    break
            else:
                raise RuntimeError("crowd slot %d/%d failed" % (r, j))
        if r < rows - 1:
            y += gaps[r]


def main(out_dir):
    real = os.path.realpath(out_dir)
    if real == "/work/main" or real.startswith("/work/main/"):
        sys.exit("refusing to write inside /work/main")
    os.makedirs(out_dir, exist_ok=True)
    chips, photos = load_sources()
    stats = Stats()
    images = []
    self_check = []

    def record(fname, W, H, kind, faces, **extra):
        e = {"file": fname, "width": W, "height": H, "kind": kind,
             "faces": faces}
        e.update(extra)
        images.append(e)
        print("%-16s %5dx%-5d %-6s faces=%d" % (fname, W, H, kind, len(faces)),
              flush=True)

    def new_scene(W, H, bg, seed, kind):
        rng = np.random.default_rng(seed)
        canvas = BG[bg](W, H, rng)
        return Scene(canvas, Picker(chips, photos, rng, stats, kind), rng)

    def save_jpg(scene, fname):
        finish(scene.canvas, scene.rng).save(os.path.join(out_dir, fname),
                                             quality=JPEG_Q)

    # ---- 1. tiny: 24-40 px faces, 3-10 per frame -------------------------
    tiny_counts = [5, 9, 3, 10, 7, 4, 8, 6, 10, 3]
    tiny_bgs = ["grass", "hall", "stage", "tarmac", "sky",
                "tarmac", "skygrass", "hall", "stage", "grass"]
    for i, n in enumerate(tiny_counts):
        sc = new_scene(4032, 3024, tiny_bgs[i], SEED + 1000 + i, "tiny")
        n_edge = 1 + int(sc.rng.integers(0, 2))
        for k in range(n):
            sc.place_random(int(sc.rng.integers(24, 41)), near_edge=k < n_edge)
        fname = "tiny_%02d.jpg" % (i + 1)
        save_jpg(sc, fname)
        record(fname, sc.W, sc.H, "tiny", scene_faces(sc), background=tiny_bgs[i])

    # ---- 2. mid: 40-90 px, 6-20 per frame ---------------------------------
    mid_specs = [((4032, 3024), 6, "hall"), ((3024, 4032), 14, "skygrass"),
                 ((4032, 3024), 20, "grass"), ((4032, 3024), 9, "stage"),
                 ((3024, 4032), 17, "tarmac"), ((4032, 3024), 11, "sky")]
    for i, ((W, H), n, bg) in enumerate(mid_specs):
        sc = new_scene(W, H, bg, SEED + 2000 + i, "mid")
        for k in range(n):
            sc.place_random(int(sc.rng.integers(40, 91)), near_edge=(k == 0))
        fname = "mid_%02d.jpg" % (i + 1)
        save_jpg(sc, fname)
        record(fname, W, H, "mid", scene_faces(sc), background=bg)

    # ---- 3. crowd: assembly rows, 30-70 px --------------------------------
    crowd_specs = [(28, [8, 7, 7, 6], "hall"), (35, [8, 8, 7, 6, 6], "stage"),
                   (40, [9, 9, 8, 7, 7], "grass")]
    for i, (n, per_row, bg) in enumerate(crowd_specs):
        assert sum(per_row) == n
        sc = new_scene(4032, 3024, bg, SEED + 3000 + i, "crowd")
        crowd_layout(sc, len(per_row), per_row, 31, 67, sc.rng)
        fname = "crowd_%02d.jpg" % (i + 1)
        save_jpg(sc, fname)
        record(fname, sc.W, sc.H, "crowd", scene_faces(sc), background=bg)

    # ---- 4. wide panoramas ------------------------------------------------
    wide_specs = [((12000, 800), [100, 72, 30], "skygrass"),
                  ((6000, 1000), [46], "hall"),
                  ((800, 9000), [95, 38], "skygrass")]
    for i, ((W, H), sizes, bg) in enumerate(wide_specs):
        sc = new_scene(W, H, bg, SEED + 4000 + i, "wide")
        for fw in sizes:
            sc.place_random(fw)
        fname = "wide_%02d.jpg" % (i + 1)
        save_jpg(sc, fname)
        record(fname, W, H, "wide", scene_faces(sc), background=bg)

    # ---- 5. mini photos ---------------------------------------------------
    mini_specs = [((800, 600), [120], "hall"), ((800, 600), [66, 28], "grass"),
                  ((480, 360), [95], "stage"), ((480, 360), [52, 40], "tarmac")]
    for i, ((W, H), sizes, bg) in enumerate(mini_specs):
        sc = new_scene(W, H, bg, SEED + 5000 + i, "mini")
        for fw in sizes:
            sc.place_random(fw)
        fname = "mini_%02d.jpg" % (i + 1)
        save_jpg(sc, fname)
        record(fname, W, H, "mini", scene_faces(sc), background=bg)

    # ---- 6. none: no human face -------------------------------------------
    none_specs = ["skygrass", "hall", "stage", "dogs", "bookshelf",
                  "classroom", "pitch", "paintings"]
    for i, what in enumerate(none_specs):
        rng = np.random.default_rng(SEED + 6000 + i)
        W, H = 4032, 3024
        if what in BG:
            canvas = BG[what](W, H, rng)
        elif what == "dogs":  # 12 MP, printed face blurred out
            im = dogs_image()
            s = max(W / im.width, H / im.height)
            big = im.resize((int(math.ceil(im.width * s)),
                             int(math.ceil(im.height * s))), Image.LANCZOS)
            y0 = (big.height - H) // 2
            x0 = (big.width - W) // 2
            canvas = np.asarray(big.crop((x0, y0, x0 + W, y0 + H)),
                                np.float32).copy()
        elif what == "bookshelf":
            canvas = draw_bookshelf(W, H, rng)
        elif what == "classroom":
            canvas = draw_classroom(W, H, rng)
        elif what == "pitch":
            canvas = draw_pitch(W, H, rng)
        else:
            canvas = draw_paintings(W, H, rng)
        fname = "none_%02d.jpg" % (i + 1)
        finish(canvas, rng).save(os.path.join(out_dir, fname), quality=JPEG_Q)
        record(fname, W, H, "none", [], content=what)

    # ---- 7. multi-frame files: faces only in ONE later frame --------------
    frame_specs = [
        ("frames_01.gif", "GIF", (640, 480), 4, 2, [150], "grass"),
        ("frames_02.gif", "GIF", (800, 600), 3, 1, [70, 120], "hall"),
        ("frames_03.png", "PNG", (640, 480), 5, 4, [60, 95], "stage"),
        ("frames_04.png", "PNG", (800, 600), 6, 3, [180], "tarmac"),
        ("frames_05.webp", "WEBP", (800, 600), 4, 1, [110], "sky"),
        ("frames_06.webp", "WEBP", (640, 480), 3, 2, [140, 65], "skygrass"),
        ("frames_07.tif", "TIFF", (640, 480), 6, 5, [85], "hall"),
        ("frames_08.tif", "TIFF", (800, 600), 4, 2, [160, 100], "grass"),
    ]
    for i, (fname, fmt, (W, H), nf, fk, sizes, bg) in enumerate(frame_specs):
        assert 0 < fk < nf
        rng = np.random.default_rng(SEED + 7000 + i)
        big = BG[bg](W + 240, H + 120, rng)
        frames, faces = [], []
        for k in range(nf):
            dx = int(k * 240 / (nf - 1))
            dy = int(rng.integers(0, 121))
            canvas = big[dy:dy + H, dx:dx + W].copy() * (1 + 0.025 * k)
            if k == fk:
                sc = Scene(canvas, Picker(chips, photos, rng, stats,
                                          "frames"), rng)
                for fw in sizes:
                    sc.place_random(fw)
                faces = scene_faces(sc, frame=k)
            frames.append(finish(canvas, rng))
        path = os.path.join(out_dir, fname)
        if fmt in ("GIF", "PNG"):
            frames[0].save(path, save_all=True, append_images=frames[1:],
                           duration=400, loop=0)
        elif fmt == "WEBP":
            frames[0].save(path, save_all=True, append_images=frames[1:],
                           duration=400, loop=0, quality=90)
        else:
            frames[0].save(path, save_all=True, append_images=frames[1:],
                           compression="tiff_deflate")
        self_check.append((path, frames, False))
        record(fname, W, H, "frames", faces, n_frames=nf, face_frame=fk,
               background=bg)

    # ---- 8. EXIF-rotated JPEGs -------------------------------------------
    turned_specs = [("turned_01.jpg", (3024, 4032), 6, [300, 140, 75],
                     "skygrass"),
                    ("turned_02.jpg", (4032, 3024), 8, [220, 50], "hall"),
                    ("turned_03.jpg", (4032, 3024), 3, [260, 180, 110, 60],
                     "stage")]
    rot = {6: Image.ROTATE_90, 8: Image.ROTATE_270, 3: Image.ROTATE_180}
    for i, (fname, (W, H), orient, sizes, bg) in enumerate(turned_specs):
        sc = new_scene(W, H, bg, SEED + 8000 + i, "turned")
        for fw in sizes:
            sc.place_random(fw)
        shown = finish(sc.canvas, sc.rng)
        # stored pixels such that applying the EXIF orientation gives `shown`
        # (6: viewer rotates 90 CW, 8: 90 CCW, 3: 180)
        stored = shown.transpose(rot[orient])
        exif = Image.Exif()
        exif[0x0112] = orient
        path = os.path.join(out_dir, fname)
        stored.save(path, quality=JPEG_Q, exif=exif.tobytes())
        self_check.append((path, [shown], True))
        record(fname, W, H, "turned", scene_faces(sc),
               exif_orientation=orient, stored_size=list(stored.size),
               background=bg)

    # ---- self-checks ------------------------------------------------------
    for path, frames, exif_t in self_check:
        im = Image.open(path)
        n = getattr(im, "n_frames", 1)
        assert n == len(frames), (path, n, len(frames))
        for k, want in enumerate(frames):
            im.seek(k)
            got = im.convert("RGB")
            if exif_t:
                got = ImageOps.exif_transpose(im).convert("RGB")
            assert got.size == want.size, (path, k, got.size, want.size)
            err = np.abs(np.asarray(got, np.float32) -
                         np.asarray(want, np.float32)).mean()
            assert err < 12, (path, k, err)
    ranges = {"tiny": (24, 40), "mid": (40, 90), "crowd": (30, 70),
              "wide": (30, 100), "mini": (28, 120), "frames": (60, 180),
              "turned": (50, 300)}
    nchip = 0
    for e in images:
        im = Image.open(os.path.join(out_dir, e["file"]))
        size = ImageOps.exif_transpose(im).size
        assert size == (e["width"], e["height"]), e["file"]
        if e["kind"] == "none":
            assert not e["faces"]
            continue
        assert e["faces"], e["file"]
        lo, hi = ranges[e["kind"]]
        for f in e["faces"]:
            assert lo <= f["width_px"] <= hi, (e["file"], f)
            t, r, b, l = f["box"]
            assert 0 <= l and r <= e["width"] and 0 <= t and b <= e["height"]
            nchip += f["paste"] == "chip"
        fs = e["faces"]
        for a in range(len(fs)):
            for c in range(a + 1, len(fs)):
                A, B = fs[a]["box"], fs[c]["box"]
                assert fs[a]["frame"] != fs[c]["frame"] or not rects_overlap(
                    (A[3], A[0], A[1], A[2]), (B[3], B[0], B[1], B[2])), \
                    e["file"]
        if e["kind"] == "frames":
            assert {f["frame"] for f in fs} == {e["face_frame"]}
            assert e["face_frame"] > 0
    nfaces = sum(len(e["faces"]) for e in images)
    assert nchip * 3 <= nfaces, (nchip, nfaces)
    for kind in ranges:
        fs = [f for e in images if e["kind"] == kind for f in e["faces"]]
        assert 3 * sum(f["paste"] == "chip" for f in fs) <= len(fs), kind

    truth = {
        "box_format": "[top, right, bottom, left] in displayed (EXIF-upright) "
                      "pixels of frame `frame` (0-based); bottom/right "
                      "exclusive",
        "generator": "heldout_faces2/make_scenes.py (seed %d)" % SEED,
        "images": images,
    }
    with open(os.path.join(out_dir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    print("wrote %d images, %d faces (%d chips), truth.json -> %s"
          % (len(images), nfaces, nchip, out_dir))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python make_scenes.py OUT_DIR")
    main(sys.argv[1])
