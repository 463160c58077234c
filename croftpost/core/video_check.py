"""Checking clips against the consent register, and their safe copies, as a service: the
permission checks, the register, the audit entries and the alerts (video.py does the work)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.alerts import PROTECTED_FACE, AlertService
from croftpost.core.audit import AuditLog
from croftpost.core.channels import parse_channel
from croftpost.core.clock import Clock, utc_now
from croftpost.core.consent import ConsentService
from croftpost.core.faces import DEFAULT_PARAMS, ScanParams
from croftpost.core.matching import EncodingGallery
from croftpost.core.video import (
    MAX_SECONDS,
    BadVideo,
    ExportedVideo,
    Progress,
    VideoScan,
    apply_consent,
    export_video,
    scan_video,
)
from croftpost.errors import BadInput
from croftpost.files import make_private_folder


@dataclass(frozen=True)
class VideoCheck:
    channel: str
    videos: tuple[VideoScan, ...]
    errors: Mapping[str, str] = field(default_factory=dict)  # path -> why it was not checked

    @property
    def verdict(self) -> str:
        if self.errors or any(v.verdict == "block" for v in self.videos):
            return "block"
        return "ok"


class VideoCheckService:
    def __init__(self, audit: AuditLog, accounts: AccountService, consent: ConsentService,
                 clock: Clock = utc_now, alerts: AlertService | None = None,
                 params: ScanParams = DEFAULT_PARAMS, max_seconds: float = MAX_SECONDS) -> None:
        self._audit = audit
        self._accounts = accounts
        self._consent = consent
        self._clock = clock
        self._alerts = alerts
        self.params = params
        self.max_seconds = max_seconds

    def check(self, session: Session, paths: Sequence[Path | str], channel: str,
              cancel: threading.Event | None = None,
              progress: Progress | None = None) -> VideoCheck:
        """Every track in every clip with its status for `channel` today. A clip that cannot
        be read is named in `errors` and blocks."""
        actor = self._accounts.require(session, Permission.CHECK_CONTENT).username
        parse_channel(channel)
        gallery = EncodingGallery(self._consent.gallery().encodings)
        scans, errors = [], {}
        for path in paths:
            try:
                scans.append(scan_video(path, gallery, self.params, self.max_seconds, cancel,
                                        progress))
            except BadInput as exc:
                errors[str(path)] = str(exc)
        videos = self.refresh(scans, channel)
        self._audit.record(actor, "video.checked", channel, {
            "videos": [_summary(v) for v in videos], "unreadable": len(errors)})
        self._alert_protected(actor, channel, videos)
        return VideoCheck(channel, tuple(videos), errors)

    def refresh(self, videos: Sequence[VideoScan], channel: str) -> list[VideoScan]:
        """Today's consents for `channel` applied to tracks already found (no new scan), by
        the photo check's own rules: another channel, or a withdrawal made meanwhile."""
        pupils = {p.pupil_id: p for p in self._consent.all_pupils()}
        today = self._consent.today()
        return [apply_consent(v, pupils, channel, today) for v in videos]

    def export(self, session: Session, check: VideoCheck, out_dir: Path | str,
               also_blur: Mapping[int, Sequence[int]] | None = None,
               progress: Progress | None = None) -> list[ExportedVideo]:
        """Safe copies (upright, tracks without today's consent blurred, audio kept, no
        metadata) with neutral names in `out_dir`. Refuses when a clip could not be checked."""
        actor = self._accounts.require_channel(session, check.channel).username
        if check.errors:
            name = Path(next(iter(check.errors))).name
            raise BadVideo(f"{name} could not be checked, so it cannot be copied: remove it or "
                           "check it again.")
        today = self._consent.today()
        out = Path(out_dir)
        make_private_folder(out)  # safe copies still show children
        exported = []
        current_videos = self.refresh(check.videos, check.channel)  # consents as of now
        for index, current in enumerate(current_videos, 1):
            target = out / f"croftpost-{today.isoformat()}-video-{index:02d}.mp4"
            exported.append(export_video(current, target, (also_blur or {}).get(index - 1, ()),
                                         progress))
        self._audit.record(actor, "video.exported", check.channel, {
            "videos": [{"src_sha256": e.src_sha256, "dst_sha256": e.dst_sha256,
                        "blurred_tracks": e.blurred_tracks} for e in exported]})
        return exported

    def _alert_protected(self, actor: str, channel: str, videos: Sequence[VideoScan]) -> None:
        if self._alerts is None:
            return
        for video in videos:
            for track in video.tracks:
                if track.reason == "protected" and track.pupil_id is not None:
                    self._alerts.raise_alert(PROTECTED_FACE, track.pupil_id, actor, {
                        "channel": channel, "video_sha256": video.content_hash})


def _summary(video: VideoScan) -> dict[str, Any]:
    return {"sha256": video.content_hash, "tracks": len(video.tracks),
            "blocking": sum(t.blocks for t in video.tracks), "gps": video.gps}


def to_json(check: VideoCheck) -> dict[str, Any]:
    """The check-video JSON contract (issue 16)."""
    return {
        "verdict": check.verdict,
        "channel": check.channel,
        "videos": [{
            "path": v.path, "duration_s": round(v.duration_s, 3), "width": v.width,
            "height": v.height, "gps": v.gps, "audio": v.has_audio,
            "tracks": [{"status": t.status, "pupil_id": t.pupil_id,
                        "distance": None if t.distance is None else round(t.distance, 4),
                        "reason": t.reason, "first_s": round(t.first_s, 3),
                        "last_s": round(t.last_s, 3), "boxes_sampled": len(t.sightings)}
                       for t in v.tracks]}
            for v in check.videos],
        "errors": [{"path": p, "error": e} for p, e in check.errors.items()],
    }
