"""croftpost check-video / export-video: every face through a clip against the consent register,
and safe copies with every face without consent blurred in every frame."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from croftpost.commands.context import CliContext, out
from croftpost.core.accounts import Session
from croftpost.core.channels import CHANNELS, Channel
from croftpost.core.consent_model import Pupil
from croftpost.core.photo_check import CONSENTED, TOO_SMALL
from croftpost.core.video import Track, VideoScan
from croftpost.core.video_check import VideoCheck, to_json

_REASONS = {
    "no_match": "not anyone enrolled",
    "disagrees": "looked like different people at different moments",
    "protected": "must never appear (protected pupil)",
    "no_consent": "no consent for {channel}",
    "too_small": "never close enough to identify",
}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    check = commands.add_parser("check-video", parents=[common],
                                help="follow every face through a clip and check it against "
                                     "the consent register")
    _options(check)
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(handler=_check)
    export = commands.add_parser("export-video", parents=[common],
                                 help="write safe copies: faces without consent blurred in "
                                      "every frame, metadata (GPS) removed, audio kept")
    _options(export)
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the safe copies")
    export.set_defaults(handler=_export)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clips", nargs="+", metavar="CLIP")
    parser.add_argument("--channel", required=True, choices=CHANNELS)


def _run(ctx: CliContext, args: argparse.Namespace, session: Session) -> VideoCheck:
    return ctx.services.videos.check(session, [Path(p) for p in args.clips], args.channel)


def _check(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    try:
        result = _run(ctx, args, ctx.login())
        if args.json:
            out(json.dumps(to_json(result), indent=2))
        else:
            pupils = {p.pupil_id: p for p in ctx.services.consent.all_pupils()}
            for video in result.videos:
                _describe(video, pupils, Channel(args.channel))
            for path, error in result.errors.items():
                out(f"{Path(path).name}: cannot be checked: {error}")
            _summarise(result)
    finally:
        ctx.close()
    if result.errors:
        return 2
    return 1 if result.verdict == "block" else 0


def _describe(video: VideoScan, pupils: dict[str, Pupil], channel: Channel) -> None:
    gps = "  (carries its location: safe copies remove it)" if video.gps else ""
    count = len(video.tracks)
    out(f"{Path(video.path).name}: {video.duration_s:.1f} s, {video.width}x{video.height}, "
        f"{count} {'person' if count == 1 else 'people'} seen{gps}")
    for n, track in enumerate(video.tracks, 1):
        out(f"  person {n}, {_when(track)}: {_label(track, pupils, channel)}")
    if video.has_audio:
        out("  (the sound is kept as it is: croftpost does not check what is said)")


def _when(track: Track) -> str:
    return f"{track.first_s:.1f}-{track.last_s:.1f} s"


def _label(track: Track, pupils: dict[str, Pupil], channel: Channel) -> str:
    pupil = pupils.get(track.pupil_id) if track.pupil_id else None
    if track.status == CONSENTED and pupil is not None:
        return f"OK - {pupil.full_name} ({pupil.class_name}), consented for {channel.short_name}"
    reason = _REASONS.get(track.reason, track.reason).format(channel=channel.short_name)
    if track.reason == TOO_SMALL:
        return f"TOO SMALL TO IDENTIFY - {reason}: blur it or check who it is"
    if track.status == "unknown":
        return f"UNKNOWN - {reason}: blur it"
    who = "a protected pupil" if track.reason == "protected" else (
        pupil.full_name if pupil else "a pupil")
    return f"NO CONSENT - {who}: {reason}; blur it"


def _summarise(result: VideoCheck) -> None:
    blocking = sum(t.blocks for v in result.videos for t in v.tracks)
    if result.verdict == "ok":
        if any(v.tracks for v in result.videos):
            out("Everyone seen has consent for this channel.")
        else:
            out("No faces were found in the frames checked (4 a second). Watch the clip "
                "yourself before posting.")
        return
    parts = []
    if blocking:
        parts.append(f"{blocking} {'person' if blocking == 1 else 'people'} without consent or "
                     "unknown")
    if result.errors:
        parts.append(f"{len(result.errors)} clip{'' if len(result.errors) == 1 else 's'} could "
                     "not be checked")
    advice = (" `croftpost export-video` writes copies with them blurred in every frame."
              if blocking else "")
    out(f"Do not post yet: {' and '.join(parts)}.{advice}")


def _export(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    try:
        session = ctx.login()
        result = _run(ctx, args, session)
        exported = ctx.services.videos.export(session, result, Path(args.out))
    finally:
        ctx.close()
    for item in exported:
        blurred = f", {item.blurred_tracks} person(s) blurred" if item.blurred_tracks else ""
        sound = "; the sound is kept, unchecked" if item.has_audio else ""
        out(f"{Path(item.source).name} -> {item.path} (no metadata{blurred}{sound})")
    out(f"{len(exported)} safe cop{'y' if len(exported) == 1 else 'ies'} written to {args.out}.")
    return 0
