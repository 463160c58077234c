"""croftpost check-photo / export-photo: faces against the consent register, and safe copies."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from croftpost.commands.context import CliContext, out
from croftpost.core.accounts import Session
from croftpost.core.channels import CHANNELS
from croftpost.core.consent_model import Pupil
from croftpost.core.photo_check import CONSENTED, TOO_SMALL, FaceResult, PhotoCheck, PhotoResult

_REASONS = {
    "no_match": "not anyone enrolled",
    "ambiguous": "too like more than one pupil to be sure",
    "duplicate": "matched a pupil who is also elsewhere in the photo",
    "no_gallery": "nobody is enrolled yet",
    "protected": "must never appear (protected pupil)",
    "no_consent": "no consent for {channel}",
    "identified": "identified by staff",
    "too_small": "too small to identify",
}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    check = commands.add_parser("check-photo", parents=[common],
                                help="find faces and check them against the consent register")
    _photo_options(check)
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(handler=_check)

    export = commands.add_parser("export-photo", parents=[common],
                                 help="write safe copies: metadata removed, faces without "
                                      "consent blurred")
    _photo_options(export)
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the safe copies")
    export.set_defaults(handler=_export)


def _photo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photos", nargs="+", metavar="PHOTO")
    parser.add_argument("--channel", required=True, choices=CHANNELS)
    # The old scan choices, still accepted so old scripts run: every check now looks for
    # every face from the same size, so they change nothing.
    parser.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--deep", action="store_true", help=argparse.SUPPRESS)


def _run_check(ctx: CliContext, args: argparse.Namespace, session: Session) -> PhotoCheck:
    if args.quick or args.deep:
        print("Note: --quick and --deep no longer change anything: every check looks for "
              "every face.", file=sys.stderr)
    return ctx.services.photos.check(session, [Path(p) for p in args.photos], args.channel)


def _check(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    try:
        result = _run_check(ctx, args, ctx.login())
        if args.json:
            out(json.dumps(result.to_json(), indent=2))
        else:
            pupils = {p.pupil_id: p for p in ctx.services.consent.all_pupils()}
            for photo in result.photos:
                _describe(photo, pupils, args.channel)
            _summarise(result)
    finally:
        ctx.close()
    return _exit_code(result)


def _exit_code(result: PhotoCheck) -> int:
    if any(p.error is not None for p in result.photos):
        return 2
    return 1 if result.verdict == "block" else 0


def _describe(photo: PhotoResult, pupils: dict[str, Pupil], channel: str) -> None:
    name = Path(photo.path).name
    if photo.error is not None:
        out(f"{name}: cannot be checked: {photo.error}")
        return
    gps = "  (carries GPS data: safe copies remove it)" if photo.gps else ""
    count = len(photo.faces)
    frames = f", {photo.frames} frames" if photo.frames > 1 else ""
    out(f"{name}: {photo.width}x{photo.height}{frames}, {count} face{'s' if count != 1 else ''}"
        f"{gps}")
    for n, face in enumerate(photo.faces, start=1):
        where = f"frame {face.frame + 1}, " if photo.frames > 1 else ""
        out(f"  face {n} at {where}{_where(face.box)}: {_label(face, pupils, channel)}")
    every = "in every frame " if photo.frames > 1 else ""
    out(f"  (looked for faces from {photo.min_face_px} px wide {every}and identified those from "
        f"{photo.identify_px} px)")


def _label(face: FaceResult, pupils: dict[str, Pupil], channel: str) -> str:
    label = "Facebook" if channel == "facebook" else "Dojo"
    pupil = pupils.get(face.pupil_id) if face.pupil_id else None
    who = f"{pupil.full_name} ({pupil.class_name})" if pupil else None
    if face.status == CONSENTED:
        return f"OK - {who}, consented for {label}" if who else "OK - adult who has consented"
    reason = _REASONS.get(face.reason, face.reason).format(channel=label)
    if face.reason == TOO_SMALL:
        width = face.box[1] - face.box[3]
        return f"TOO SMALL TO IDENTIFY ({width} px wide) - blur it or check who it is"
    if face.status == "unknown":
        return f"UNKNOWN - {reason}: blur it or check who it is"
    # Protected pupils are not named on screen: the name itself is sensitive.
    who = "a protected pupil" if face.reason == "protected" else who
    return f"NO CONSENT - {who}: {reason}; blur it"


def _where(box: tuple[int, int, int, int]) -> str:
    top, right, bottom, left = box
    return f"x {left}-{right}, y {top}-{bottom}"


def _summarise(result: PhotoCheck) -> None:
    blocking = sum(f.blocks and f.reason != TOO_SMALL for p in result.photos for f in p.faces)
    small = sum(f.reason == TOO_SMALL for p in result.photos for f in p.faces)
    broken = sum(p.error is not None for p in result.photos)
    if result.verdict == "ok":
        if any(p.faces for p in result.photos):
            out("All faces have consent for this channel.")
        else:
            smallest = min(p.min_face_px for p in result.photos)
            out(f"No faces were found (faces from {smallest} px wide were looked for). Look at "
                "the photos yourself before posting.")
        return
    parts = []
    if blocking:
        parts.append(f"{blocking} face{'s' if blocking != 1 else ''} without consent or unknown")
    if small:
        parts.append(f"{small} face{'s' if small != 1 else ''} too small to identify (blur "
                     f"{'them' if small != 1 else 'it'} or check {'them' if small != 1 else 'it'}"
                     " yourself)")
    if broken:
        parts.append(f"{broken} photo{'s' if broken != 1 else ''} could not be checked")
    out(f"Do not post yet: {' and '.join(parts)}. `croftpost export-photo` writes copies with "
        "those faces blurred.")


def _export(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    try:
        session = ctx.login()
        result = _run_check(ctx, args, session)
        exported = ctx.services.photos.export(session, result, Path(args.out))
    finally:
        ctx.close()
    for item in exported:
        blurred = f", {item.blurred} face(s) blurred" if item.blurred else ""
        out(f"{Path(item.source).name} -> {item.path} (no metadata{blurred})")
    out(f"{len(exported)} safe cop{'y' if len(exported) == 1 else 'ies'} written to {args.out}.")
    return 0
