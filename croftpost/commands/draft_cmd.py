"""croftpost draft: compose a post from the command line, through the same PostComposer as the
app's compose screen (the same checks, the same audit entries).

    croftpost draft new --channel facebook|dojo [--text FILE|-] [--photo P ...]
    croftpost draft show ID [--json]
    croftpost draft edit ID [--text FILE|-] [--channel C] [--add-photo P ...] [--remove-photo N]
    croftpost draft blur ID --photo N (--face N | --all)
    croftpost draft acknowledge ID --finding N --reason TEXT
    croftpost draft submit ID                          (for approval)
    croftpost draft prepare ID --out DIR               (safe copies and the text to paste)
    croftpost draft publish ID [--url URL]             (exit 0 published, 1 refused, 2 bad input)

Photos, faces and findings are numbered from 1, as `draft show` lists them. With --json every
command prints the draft as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from croftpost.commands.context import CliContext, out
from croftpost.core.channels import CHANNELS, Channel
from croftpost.core.composer import PostComposer
from croftpost.errors import BadInput
from croftpost.files import read_regular_file

MAX_TEXT_BYTES = 256 * 1024


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    draft = commands.add_parser("draft", parents=[common],
                                help="compose, check, prepare and publish a post")
    sub = draft.add_subparsers(dest="draft_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler: Any, with_id: bool = True
               ) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, parents=[common], help=help_text)
        if with_id:
            parser.add_argument("draft_id", type=int, metavar="ID")
        parser.add_argument("--json", action="store_true", help="print the draft as JSON")
        parser.set_defaults(handler=handler)
        return parser

    new = action("new", "start a draft (prints its id on the last line)", _new, with_id=False)
    new.add_argument("--channel", required=True, choices=CHANNELS)
    new.add_argument("--text", metavar="FILE", help="the text, from a file (- for stdin)")
    new.add_argument("--photo", nargs="+", default=[], metavar="P", help="photos to attach")

    action("show", "the draft, what it found and what still blocks", _show)

    edit = action("edit", "change the text, the channel or the photos", _edit)
    edit.add_argument("--text", metavar="FILE", help="new text, from a file (- for stdin)")
    edit.add_argument("--channel", choices=CHANNELS)
    edit.add_argument("--add-photo", nargs="+", default=[], metavar="P")
    edit.add_argument("--remove-photo", type=int, metavar="N")

    blur = action("blur", "blur a face or a person in a clip (or everyone without consent)",
                  _blur)
    blur.add_argument("--photo", type=int, metavar="N")
    blur.add_argument("--clip", type=int, metavar="N")
    which = blur.add_mutually_exclusive_group(required=True)
    which.add_argument("--face", type=int, metavar="N")
    which.add_argument("--person", type=int, metavar="N", help="a person seen in --clip N")
    which.add_argument("--all", action="store_true",
                       help="every face without consent, in every photo")

    ack = action("acknowledge", "give the reason for posting despite a warning", _acknowledge)
    ack.add_argument("--finding", type=int, required=True, metavar="N")
    ack.add_argument("--reason", required=True, metavar="TEXT")

    action("submit", "send the draft for approval", _submit)

    prepare = action("prepare", "make the safe copies and print the text to paste", _prepare)
    prepare.add_argument("--out", required=True, metavar="DIR", help="folder for safe copies")

    publish = action("publish", "record that the post went out (checked again first)",
                     _publish)
    publish.add_argument("--url", default="", metavar="URL", help="the post's address")


# -- handlers --------------------------------------------------------------------------------
def _new(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    text = _read_text(args.text) if args.text else ""
    composer = PostComposer.start(ctx.services.composer_parts, session, args.channel, text,
                                  args.photo)
    _report(composer, args)
    if not args.json:
        out(str(composer.draft_id))
    return 0


def _show(args: argparse.Namespace) -> int:
    _report(_open(args)[1], args)
    return 0


def _edit(args: argparse.Namespace) -> int:
    _, composer = _open(args)
    if args.channel:
        composer.set_channel(args.channel)
    if args.text:
        composer.set_text(_read_text(args.text))
    if args.remove_photo is not None:
        composer.remove_photo(args.remove_photo - 1)
    if args.add_photo:
        composer.add_photos(args.add_photo)
    _report(composer, args)
    return 0


def _blur(args: argparse.Namespace) -> int:
    _, composer = _open(args)
    if args.all:
        composer.blur_all()
    elif args.person is not None:
        if args.clip is None:
            raise BadInput("Say which clip with --clip N.")
        composer.blur_track(args.clip - 1, args.person - 1)
    else:
        if args.photo is None:
            raise BadInput("Say which photo with --photo N.")
        composer.blur_face(args.photo - 1, args.face - 1)
    _report(composer, args)
    return 0


def _acknowledge(args: argparse.Namespace) -> int:
    _, composer = _open(args)
    composer.acknowledge(args.finding - 1, args.reason)
    _report(composer, args)
    return 0


def _submit(args: argparse.Namespace) -> int:
    _, composer = _open(args)
    approval = composer.submit()
    if args.json:
        _report(composer, args)
    else:
        out(f"Sent draft {composer.draft_id} for approval (request {approval.id}).")
    return 0


def _prepare(args: argparse.Namespace) -> int:
    _, composer = _open(args)
    prepared = composer.prepare(Path(args.out))
    if args.json:
        _report(composer, args)
        return 0
    if prepared.folder is not None:
        out(f"{len(prepared.photos)} safe photo(s) in {prepared.folder} (no metadata; faces "
            "without consent blurred).")
    out("The text to paste:")
    out(prepared.text)
    return 0


def _publish(args: argparse.Namespace) -> int:
    _, composer = _open(args)
    post = composer.publish(args.url)
    if args.json:
        _report(composer, args)
    else:
        out(f"Recorded draft {composer.draft_id} as posted on {post.channel} "
            f"(post {post.id}, {len(post.pupils)} pupil(s) shown).")
    return 0


# -- helpers ---------------------------------------------------------------------------------
def _open(args: argparse.Namespace) -> tuple[CliContext, PostComposer]:
    ctx = CliContext(args)
    session = ctx.login()
    return ctx, PostComposer.open(ctx.services.composer_parts, session, args.draft_id)


def _read_text(name: str) -> str:
    data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1) if name == "-" else \
        read_regular_file(name, MAX_TEXT_BYTES)
    if len(data) > MAX_TEXT_BYTES:
        raise BadInput("The text is too long for a post.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("The text is not UTF-8: save it as UTF-8 and try again.") from None


def as_json(composer: PostComposer) -> dict[str, Any]:
    review = composer.review()
    blurred = composer.blurred
    return {
        "id": composer.draft_id,
        "channel": composer.channel,
        "status": composer.state,
        "verdict": review.verdict,
        "text": composer.text,
        "findings": [{"number": n, "category": f.category, "severity": f.severity,
                      "clause": f.clause, "excerpt": f.excerpt, "message": f.message}
                     for n, f in enumerate(review.findings, 1)],
        "acknowledged": composer.acknowledged,
        "photos": [{"number": i, "path": p.path, "sha256": p.content_hash, "error": p.error,
                    "faces": [{"number": n, "status": face.status, "pupil_id": face.pupil_id,
                               "blocks": face.blocks,
                               "blurred": (n - 1) in blurred.get(i - 1, set()) or face.blocks}
                              for n, face in enumerate(p.faces, 1)]}
                   for i, p in enumerate(composer.photos, 1)],
        "videos": [{"number": v, "path": clip.path, "sha256": clip.content_hash,
                    "duration_s": round(clip.duration_s, 2), "gps": clip.gps,
                    "tracks": [{"number": n, "status": t.status, "pupil_id": t.pupil_id,
                                "blocks": t.blocks, "first_s": round(t.first_s, 2),
                                "last_s": round(t.last_s, 2),
                                "blurred": composer.track_blurred(v - 1, n - 1)}
                               for n, t in enumerate(clip.tracks, 1)]}
                   for v, clip in enumerate(composer.videos, 1)],
        "blockers": review.blockers,
    }


def _report(composer: PostComposer, args: argparse.Namespace) -> None:
    if args.json:
        out(json.dumps(as_json(composer), ensure_ascii=False, indent=2))
        return
    data = as_json(composer)
    out(f"Draft {data['id']} for {Channel(data['channel']).place} ({data['status']}): "
        f"{data['verdict']}")
    for finding in data["findings"]:
        out(f"  finding {finding['number']}: {finding['severity']} {finding['category']} "
            f"(policy {finding['clause']}): {finding['message']}")
    for photo in data["photos"]:
        faces = ", ".join(f"face {f['number']} {f['status']}"
                          + (" (blurred in the copy)" if f["blurred"] else "")
                          for f in photo["faces"]) or "no faces"
        out(f"  photo {photo['number']}: {Path(photo['path']).name}: "
            + (f"could not be checked ({photo['error']})" if photo["error"] else faces))
    for clip in data["videos"]:
        people = ", ".join(f"person {t['number']} {t['status']} {t['first_s']}-{t['last_s']} s"
                           + (" (blurred in the copy)" if t["blurred"] else "")
                           for t in clip["tracks"]) or "nobody seen"
        out(f"  clip {clip['number']}: {Path(clip['path']).name}: {people}")
    for blocker in data["blockers"]:
        out(f"  to do: {blocker}")
    if not data["blockers"] and data["status"] == "draft":
        out("  Ready: prepare it, post it, then publish it here.")
