"""Video: a 30-second 1080p clip checked and exported with blur, and the memory it took.

The clip is built here from the shared face photos (two people who pan across the frame, one
of them enrolled, a cut half way, a zoom), never committed. Each step runs in a process of its
own so that its peak memory (ru_maxrss) is its own.

    uv run python -m benchmarks.bench_video [--seconds 30] [--size 1920x1080]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FACES = Path(os.environ.get("CROFTPOST_FACE_SAMPLES", REPO.parent / "shared" / "faces"))
KNN = FACES / "face_recognition" / "examples" / "knn_examples"

_STEP = r"""
import json, resource, sys, time
from pathlib import Path
from croftpost.core.faces import scan_photo
from croftpost.core.matching import EncodingGallery
from croftpost.core.video import scan_video, export_video

clip, train, out = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
encodings = [f.encoding for p in sorted(train.glob("*.jpg"))[:2] for f in scan_photo(p).faces
             if f.encoding]
gallery = EncodingGallery({"P001": encodings})
start = time.perf_counter()
scan = scan_video(clip, gallery)
checked = time.perf_counter() - start
exported = None
if out != "-":
    start = time.perf_counter()
    export_video(scan, Path(out))
    exported = time.perf_counter() - start
print(json.dumps({"check_s": checked, "export_s": exported, "tracks": len(scan.tracks),
                  "samples": scan.samples,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_clip(path: Path, seconds: float, size: tuple[int, int]) -> None:
    from tests.core.video_clips import Person, make_clip

    w, h = size
    olly, stranger = KNN / "test" / "obama1.jpg", KNN / "train" / "biden" / "biden.jpg"
    half = seconds / 2
    make_clip(path, [
        Person(olly, 0, half, w // 20, w // 2, h // 8, w // 6),  # pans
        Person(stranger, seconds / 4, half, w // 2, w * 3 // 4, h // 6, w // 7),
        Person(stranger, half, seconds, w // 3, w // 3, h // 10, w // 4),  # after the cut
        Person(olly, half, seconds, w * 2 // 3, w * 2 // 3, h // 5, w // 8),
    ], seconds=seconds, fps=30, size=size)


def run_step(clip: Path, out: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", _STEP, str(clip), str(KNN / "train" / "obama"),
                           out], env=env, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        clip = Path(folder) / "clip.mp4"
        start = time.perf_counter()
        build_clip(clip, args.seconds, (size[0], size[1]))
        print(f"built a {args.seconds:g} s {args.size} clip in "
              f"{time.perf_counter() - start:.1f} s ({clip.stat().st_size // 1024} KB)")
        checked = run_step(clip, "-")
        both = run_step(clip, str(Path(folder) / "safe.mp4"))
    print(f"check: {checked['check_s']:.1f} s ({checked['samples']:.0f} frames sampled, "
          f"{checked['tracks']:.0f} tracks), peak memory {checked['max_rss_mb']:.0f} MB")
    print(f"export with blur: {both['export_s']:.1f} s, peak memory of check + export "
          f"{both['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
