"""Clips made in the tests (never committed) from the shared face photos, with PyAV: people who
move, enter half way, a cut, a phone's rotation, GPS in the metadata, a sound track."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image

KNN = "face_recognition/examples/knn_examples"


@dataclass(frozen=True)
class Person:
    photo: Path
    start_s: float
    end_s: float
    x_from: int  # left edge at start_s, moving to x_to at end_s
    x_to: int
    y: int
    width: int


def make_clip(path: Path, people: Sequence[Person], seconds: float = 3.0, fps: int = 15,
              size: tuple[int, int] = (960, 540), rotation: int = 0, gps: bool = False,
              sound: bool = False, codec: str = "libx264") -> Path:
    """An H.264 MP4. With `rotation`, frames are stored turned back by it and the display
    matrix says to turn them, as a phone does, so the clip shows upright."""
    stored = size if rotation % 180 == 0 else (size[1], size[0])
    with av.open(str(path), "w") as out:
        if gps:
            out.metadata["location"] = "+54.1960-003.0920/"
        video = out.add_stream(codec, rate=fps)
        video.width, video.height = stored
        video.pix_fmt = "yuv420p"
        if codec == "libx265":  # an iPhone's HEVC; quietly
            video.options = {"x265-params": "log-level=error"}
        if rotation:
            video.set_display_rotation(rotation)
        audio = out.add_stream("aac", rate=44100) if sound else None
        photos = {p.photo: Image.open(p.photo).convert("RGB") for p in people}
        for index in range(round(seconds * fps)):
            picture = _frame(index / fps, people, photos, size)
            if rotation:
                picture = picture.rotate(-rotation, expand=True)
            for packet in video.encode(av.VideoFrame.from_image(picture)):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if audio is not None:
            tone(out, audio, seconds)
    return path


def _frame(time: float, people: Sequence[Person], photos: dict[Path, Image.Image],
           size: tuple[int, int]) -> Image.Image:
    frame = Image.new("RGB", size, (90, 140, 90))
    for p in people:
        if p.start_s <= time < p.end_s:
            photo = photos[p.photo]
            height = round(photo.height * p.width / photo.width)
            k = (time - p.start_s) / max(p.end_s - p.start_s, 1e-6)
            frame.paste(photo.resize((p.width, height)), (round(p.x_from + (p.x_to - p.x_from) * k),
                                                          p.y))
    return frame


def tone(out: av.container.OutputContainer, audio: av.audio.stream.AudioStream,
          seconds: float) -> None:
    samples = np.sin(np.arange(round(44100 * seconds)) * 2 * np.pi * 440 / 44100) * 0.2
    chunk = audio.codec_context.frame_size or 1024
    for start in range(0, len(samples), chunk):
        part = samples[start : start + chunk].astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(part, format="fltp", layout="mono")
        frame.sample_rate = 44100
        frame.pts = start
        for packet in audio.encode(frame):
            out.mux(packet)
    for packet in audio.encode(None):
        out.mux(packet)
