"""Video clips (issue 16): every face through the clip, followed as tracks, matched against the
register; safe copies blur every track without consent in every frame and carry no metadata.

Fail safe, as for photos:
- frames are sampled (SAMPLES_PER_SECOND, and the first frame) and every face is found in each
  sample by the photo engine's detector, from the same smallest size; every frame in between
  is glanced at on a coarse grey grid, and one that changed suddenly (a cut, someone coming
  into view) is sampled too, once between two regular samples;
- faces in consecutive samples that overlap are one track; a track is a pupil only when every
  sample that could be identified matched that pupil and none matched anyone else; otherwise it
  is unknown, and unknown blocks;
- the safe copy blurs a track from one sample before it was first seen to one sample after it
  was last seen, its box padded and following the track between samples, so no face shows
  unblurred in the frames between samples;
- the copy is written upright (the phone's rotation applied), with the audio as it was and no
  metadata (GPS, device, creation time): only what is written here goes into the file.

Frames are streamed: memory does not grow with the clip's length.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

from croftpost.core.consent_model import Pupil
from croftpost.core.faces import DEFAULT_PARAMS, ScanParams, detect_boxes, encode_faces_at
from croftpost.core.matching import MATCH_MARGIN, MATCH_TOLERANCE, EncodingGallery, match_faces
from croftpost.core.photo_check import CONSENTED, TOO_SMALL, UNKNOWN, FaceResult, face_status
from croftpost.core.safe_export import blur_faces
from croftpost.errors import BadInput
from croftpost.files import sha256_of_file

Box = tuple[int, int, int, int]  # top, right, bottom, left in upright full-size pixels
Progress = Callable[[float, float], None]  # seconds read, duration

SAMPLES_PER_SECOND = 4
GLANCE = (16, 9)  # every frame is compared with the one before on this grid of cells...
SUDDEN_CELL = 48.0  # ...and looked at between samples (once each) when a cell jumps this much
SUDDEN_FRAME = 24.0  # or the whole frame this much on average (grey levels 0-255)
_EIGHT_BIT_YUV = ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12")
MAX_SECONDS = 10 * 60  # a longer clip is refused (the school setting can change it)
LINK_IOU = 0.2  # a face in the next sample overlapping this much is the same track...
SAME_PERSON = 0.6  # ...unless their encodings are further apart than two different people
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v")
_GPS_KEYS = ("location", "location-eng", "com.apple.quicktime.location.iso6709", "©xyz")


class BadVideo(BadInput):
    """A file that is not a video croftpost can read, or one it refuses (too long, empty)."""


@dataclass(frozen=True)
class Sighting:
    time: float
    box: Box
    encoding: tuple[float, ...] | None


@dataclass(frozen=True)
class Track:
    """One person through the clip, with what the register says about them."""

    sightings: tuple[Sighting, ...]
    status: str = UNKNOWN
    pupil_id: str | None = None
    distance: float | None = None
    reason: str = ""

    @property
    def first_s(self) -> float:
        return self.sightings[0].time

    @property
    def last_s(self) -> float:
        return self.sightings[-1].time

    @property
    def blocks(self) -> bool:
        return self.status != CONSENTED

    def box_at(self, time: float, interval: float) -> Box | None:
        """Where to blur at `time`: the track's box, followed between sightings, from one
        interval before it was first seen to one after it was last seen; None outside."""
        seen = self.sightings
        if time < seen[0].time - interval or time > seen[-1].time + interval:
            return None
        if time <= seen[0].time:
            return seen[0].box
        for before, after in zip(seen, seen[1:], strict=False):
            if before.time <= time <= after.time:
                if after.time - before.time > 2 * interval:  # lost a while: cover both
                    return _union(before.box, after.box)
                k = (time - before.time) / (after.time - before.time or 1)
                return tuple(round(a + (b - a) * k)
                             for a, b in zip(before.box, after.box, strict=True))  # type: ignore[return-value]
        return seen[-1].box


@dataclass(frozen=True)
class VideoScan:
    path: str
    content_hash: str
    duration_s: float
    width: int  # upright
    height: int
    rotation: int
    gps: bool
    has_audio: bool
    samples: int
    tracks: tuple[Track, ...] = field(default_factory=tuple)

    @property
    def interval(self) -> float:
        return 1 / SAMPLES_PER_SECOND

    @property
    def verdict(self) -> str:
        return "block" if any(t.blocks for t in self.tracks) else "ok"


# -- reading a clip ------------------------------------------------------------------------------
def open_clip(path: Path | str) -> Any:
    """The container, or BadVideo with one sentence."""
    name = Path(path).name
    if not Path(path).is_file():
        raise BadVideo(f"{name} is not a file croftpost can read.")
    if Path(path).stat().st_size == 0:
        raise BadVideo(f"{name} is empty (0 bytes).")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, OSError, UnicodeDecodeError, ValueError):
        raise BadVideo(f"{name} is not a video croftpost can read.") from None
    if not container.streams.video:
        container.close()
        raise BadVideo(f"{name} has no video in it.")
    return container


def scan_video(path: Path | str, gallery: EncodingGallery, params: ScanParams = DEFAULT_PARAMS,
               max_seconds: float = MAX_SECONDS, cancel: threading.Event | None = None,
               progress: Progress | None = None) -> VideoScan:
    """Every face of the sampled frames, linked into tracks and matched (statuses come from
    apply_consent). Refuses a clip without frames or longer than `max_seconds`."""
    name = Path(path).name
    with open_clip(path) as container:
        content_hash = sha256_of_file(Path(path))
        stream = container.streams.video[0]
        duration = _duration(container, stream)
        if duration > max_seconds:
            raise BadVideo(f"{name} is {duration / 60:.1f} minutes long; croftpost checks clips "
                           f"of up to {max_seconds / 60:g} minutes: trim it first.")
        gps = _has_gps(container)
        has_audio = bool(container.streams.audio)
        tracks: list[list[Sighting]] = []
        size, rotation, samples, next_sample = (0, 0), 0, 0, 0.0
        glance, extra_taken = None, False
        for frame in _frames(container, stream, name):
            if cancel is not None and cancel.is_set():
                raise BadVideo(f"The check of {name} was cancelled.")
            time = float(frame.time or 0.0)
            before, glance = glance, _glance(frame)
            due = time + 1e-6 >= next_sample
            if not due and (extra_taken or not _sudden(before, glance)):
                continue  # decoded and glanced at, never turned into a picture
            if due:
                next_sample, extra_taken = time + 1 / SAMPLES_PER_SECOND, False
            else:  # a cut, or something new in view since the last frame: look now
                extra_taken = True
            samples += 1
            image, rotation = _upright(frame), _rotation(frame)
            size = image.size
            _link(tracks, _sightings(image, time, params))
            if progress is not None:
                progress(min(time, duration), duration)
        if samples == 0:
            raise BadVideo(f"{name} has no frames to check.")
    matched = tuple(_matched(t, gallery) for t in tracks)
    return VideoScan(str(path), content_hash, duration, size[0], size[1], rotation, gps,
                     has_audio, samples, matched)


def _glance(frame: Any) -> np.ndarray:
    """The frame as a GLANCE grid of grey cells, cheap enough for every frame (rotation does
    not matter: frames are only compared with each other)."""
    columns, rows = GLANCE
    if frame.format.name in _EIGHT_BIT_YUV:  # the brightness plane as it is, every 4th pixel
        plane = frame.planes[0]
        grey = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[
            : frame.height : 4, : frame.width : 4]
    else:
        grey = frame.reformat(width=columns * 8, height=rows * 8, format="gray").to_ndarray()
    down, across = grey.shape[0] // rows, grey.shape[1] // columns
    cells: np.ndarray = grey[: rows * down, : columns * across].reshape(
        rows, down, columns, across).mean(axis=(1, 3), dtype=np.float32)
    return cells


def _sudden(before: np.ndarray | None, now: np.ndarray) -> bool:
    """A cut, or something that came into view between two frames (a moving face changes a
    cell a little from frame to frame; a new one changes it at once)."""
    if before is None:
        return False
    change = np.abs(now - before)
    return bool(change.max() > SUDDEN_CELL or change.mean() > SUDDEN_FRAME)


def apply_consent(scan: VideoScan, pupils: Mapping[str, Pupil], channel: str,
                  day: date) -> VideoScan:
    """Each track's status for `channel` today, by the photo check's own rules."""
    tracks = []
    for track in scan.tracks:
        face = FaceResult(track.sightings[0].box, UNKNOWN, track.pupil_id, track.distance,
                          track.reason)
        judged = face_status(face, dict(pupils), channel, day)
        tracks.append(replace(track, status=judged.status, pupil_id=judged.pupil_id,
                              reason=judged.reason))
    return replace(scan, tracks=tuple(tracks))


def _frames(container: Any, stream: Any, name: str) -> Iterator[Any]:
    """Every decoded frame, streamed; a clip that breaks off is BadVideo."""
    try:
        yield from container.decode(stream)
    except av.FFmpegError:
        raise BadVideo(f"{name} is damaged: it stops part way through.") from None


def _sightings(image: Image.Image, time: float, params: ScanParams) -> list[Sighting]:
    boxes = detect_boxes(image, image.size, params.detector)
    wanted = [b for b in boxes if min(b[1] - b[3], b[2] - b[0]) >= params.identify_px]
    encodings = dict(zip(wanted, encode_faces_at(image, wanted), strict=True)) if wanted else {}
    return [Sighting(time, b, encodings.get(b)) for b in boxes]


def _link(tracks: list[list[Sighting]], found: list[Sighting]) -> None:
    """Each sighting joins the open track it overlaps most (one each), or starts a new one."""
    open_tracks = [t for t in tracks if found and found[0].time - t[-1].time <= 1.0]
    pairs = sorted(((_iou(t[-1].box, s.box), i, j) for i, t in enumerate(open_tracks)
                    for j, s in enumerate(found)), reverse=True)
    used_tracks, used_found = set(), set()
    for score, i, j in pairs:
        if score < LINK_IOU:
            break
        if i in used_tracks or j in used_found:
            continue
        if _someone_else(open_tracks[i][-1], found[j]):
            continue  # a cut to another person in the same place: a new track
        open_tracks[i].append(found[j])
        used_tracks.add(i)
        used_found.add(j)
    tracks.extend([s] for j, s in enumerate(found) if j not in used_found)


def _someone_else(before: Sighting, after: Sighting) -> bool:
    if before.encoding is None or after.encoding is None:
        return False
    gap = np.linalg.norm(np.asarray(before.encoding) - np.asarray(after.encoding))
    return bool(gap > SAME_PERSON)


def _matched(sightings: list[Sighting], gallery: EncodingGallery) -> Track:
    """A pupil only when every identifiable sighting says the same pupil, confidently."""
    encoded = [s.encoding for s in sightings if s.encoding is not None]
    track = Track(tuple(sightings))
    if not encoded:
        return replace(track, reason=TOO_SMALL)
    matches = [match_faces([e], gallery, MATCH_TOLERANCE, MATCH_MARGIN)[0] for e in encoded]
    ids = {m.pupil_id for m in matches}
    if len(ids) != 1 or None in ids:
        reason = "no_match" if ids == {None} else "disagrees"
        return replace(track, reason=reason)
    distance = max(m.distance or 0.0 for m in matches)
    return replace(track, pupil_id=str(matches[0].pupil_id), distance=distance, reason="matched")


# -- the safe copy --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportedVideo:
    source: str
    path: str
    src_sha256: str
    dst_sha256: str
    blurred_tracks: int
    has_audio: bool


def export_video(scan: VideoScan, out_file: Path, also_blur: Sequence[int] = (),
                 progress: Progress | None = None) -> ExportedVideo:
    """An upright H.264 copy with every track that blocks (and those in `also_blur`) blurred
    in every frame it may show, the audio as it was, and no metadata."""
    if sha256_of_file(Path(scan.path)) != scan.content_hash:
        raise BadVideo(f"{Path(scan.path).name} changed after it was checked: check it again.")
    blur = [t for n, t in enumerate(scan.tracks) if t.blocks or n in set(also_blur)]
    partial = out_file.with_name(out_file.name + ".part")
    with open_clip(scan.path) as source, av.open(str(partial), "w", format="mp4") as target:
        video_in = source.streams.video[0]
        rate = video_in.average_rate or Fraction(30)
        video_out = target.add_stream("libx264", rate=rate)
        video_out.width, video_out.height = _even(scan.width), _even(scan.height)
        video_out.pix_fmt = "yuv420p"
        video_out.options = {"crf": "20", "preset": "veryfast"}
        audio_in = source.streams.audio[0] if source.streams.audio else None
        audio_out = target.add_stream_from_template(audio_in) if audio_in is not None else None
        streams = [video_in] + ([audio_in] if audio_in is not None else [])
        for packet in source.demux(*streams):
            if packet.stream is audio_in and audio_out is not None:
                if packet.dts is not None:
                    packet.stream = audio_out
                    target.mux(packet)
                continue
            for frame in packet.decode():
                time = float(frame.time or 0.0)
                image = _upright(frame)
                image = _blurred(image, [b for t in blur if (b := t.box_at(time, scan.interval))])
                if image.size != (video_out.width, video_out.height):
                    image = image.crop((0, 0, video_out.width, video_out.height))
                out_frame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
                out_frame.pts = None
                target.mux(video_out.encode(out_frame))
                if progress is not None:
                    progress(time, scan.duration_s)
        target.mux(video_out.encode(None))
    partial.replace(out_file)
    return ExportedVideo(scan.path, str(out_file), scan.content_hash, sha256_of_file(out_file),
                         len(blur), scan.has_audio)


@dataclass(frozen=True)
class ClipPictures:
    """What staff see of a checked clip (None where it can no longer be read)."""

    first_frame: Image.Image | None  # upright and reduced: what a post shows before it plays
    faces: list[Image.Image | None]  # each track's face where it is first seen


def clip_pictures(scan: VideoScan, face_side: int = 96, frame_side: int = 960) -> ClipPictures:
    """The first frame and each track's face, from one opening of the clip, sought at each
    time rather than read through."""
    with open_clip(scan.path) as container:
        stream = container.streams.video[0]
        first = _frame_at(container, stream, 0.0)
        poster = _upright(first) if first is not None else None
        faces: list[Image.Image | None] = []
        for track in scan.tracks:
            seen = track.sightings[0]
            frame = _frame_at(container, stream, seen.time)
            face = _upright(frame).crop(_crop_box(seen.box)) if frame is not None else None
            if face is not None:
                face.thumbnail((face_side, face_side))
            faces.append(face)
    if poster is not None:
        poster.thumbnail((frame_side, frame_side))
    return ClipPictures(poster, faces)


def _frame_at(container: Any, stream: Any, time: float) -> Any:
    """The first frame at or after `time` (within half a sample), or None."""
    try:
        if stream.time_base is not None:
            container.seek(int(time / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            if float(frame.time or 0.0) + 1e-3 >= time:
                return frame
    except av.FFmpegError:
        return None
    return None


def _crop_box(box: Box) -> tuple[int, int, int, int]:
    """Pillow's (left, top, right, bottom) of a face box with a margin around it."""
    top, right, bottom, left = box
    margin = (bottom - top) // 4
    return left - margin, top - margin, right + margin, bottom + margin


def _rotation(frame: Any) -> int:
    return int(getattr(frame, "rotation", 0) or 0) % 360


def _upright(frame: Any) -> Image.Image:
    """The frame as shown: the display matrix turns the picture counter-clockwise."""
    rotation = _rotation(frame)
    image: Image.Image = frame.to_image()
    return image.rotate(rotation, expand=True) if rotation else image


def _blurred(image: Image.Image, boxes: list[Box]) -> Image.Image:
    """Each face made unrecognisable as in a photo's safe copy (hair and ears included)."""
    if boxes:
        image = image.copy()
        blur_faces(image, [_clipped(b, image.size) for b in boxes])
    return image


def _clipped(box: Box, size: tuple[int, int]) -> Box:
    top, right, bottom, left = box
    return max(0, top), min(size[0], right), min(size[1], bottom), max(0, left)


# -- helpers -------------------------------------------------------------------------------------
def _duration(container: Any, stream: Any) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration / av.time_base)
    return 0.0


def _has_gps(container: Any) -> bool:
    tags = {k.lower(): v for k, v in container.metadata.items()}
    for stream in container.streams:
        tags.update({k.lower(): v for k, v in stream.metadata.items()})
    return any(key in tags and tags[key] for key in _GPS_KEYS)


def _iou(a: Box, b: Box) -> float:
    top, right = max(a[0], b[0]), min(a[1], b[1])
    bottom, left = min(a[2], b[2]), max(a[3], b[3])
    inter = max(0, right - left) * max(0, bottom - top)
    area = (a[1] - a[3]) * (a[2] - a[0]) + (b[1] - b[3]) * (b[2] - b[0]) - inter
    return inter / area if area > 0 else 0.0


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), max(a[1], b[1]), max(a[2], b[2]), min(a[3], b[3])


def _even(n: int) -> int:
    return n - n % 2  # H.264 in 4:2:0 wants even sizes
