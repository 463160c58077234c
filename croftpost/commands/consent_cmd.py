"""croftpost consent: the photo-consent register (office staff and the headteacher)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from croftpost.commands.context import CliContext, out
from croftpost.core.consent_csv import ImportRejected, decode
from croftpost.core.consent_model import Pupil
from croftpost.errors import BadInput
from croftpost.files import MAX_TEXT_BYTES, read_regular_file
from croftpost.storage.schema import CONSENT_KINDS


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    consent = commands.add_parser("consent", parents=[common], help="the photo-consent register")
    sub = consent.add_subparsers(dest="consent_command", metavar="ACTION", required=True)

    imp = sub.add_parser("import", parents=[common], help="import the office's consent CSV")
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="show what would change; save nothing")
    imp.set_defaults(handler=_import)

    enrol = sub.add_parser("enrol", parents=[common],
                           help="add reference faces for a pupil with biometric consent")
    enrol.add_argument("pupil_id", metavar="PUPIL_ID")
    enrol.add_argument("photos", nargs="+", metavar="PHOTO")
    enrol.add_argument("--whole-photo-is-face", action="store_true",
                       help="each photo is a tight crop of the face (e.g. a 150x150 chip)")
    enrol.set_defaults(handler=_enrol)

    lst = sub.add_parser("list", parents=[common], help="list pupils and their consents")
    lst.add_argument("--class", dest="class_name", metavar="CLASS")
    lst.set_defaults(handler=_list)

    withdraw = sub.add_parser("withdraw", parents=[common],
                              help="record a withdrawal of consent from today")
    withdraw.add_argument("pupil_id", metavar="PUPIL_ID")
    withdraw.add_argument("kinds", nargs="?", metavar="KINDS",
                          help=f"comma-separated, from {','.join(CONSENT_KINDS)} (default: all)")
    withdraw.set_defaults(handler=_withdraw)

    protect = sub.add_parser("protect", parents=[common],
                             help="mark a pupil as protected: never named or shown")
    protect.add_argument("pupil_id", metavar="PUPIL_ID")
    protect.add_argument("--reason", required=True, metavar="TEXT",
                         help="the safeguarding reason (only the headteacher sees it)")
    protect.set_defaults(handler=_protect)

    delete = sub.add_parser("delete", parents=[common],
                            help="delete a pupil and erase their face references")
    delete.add_argument("pupil_id", metavar="PUPIL_ID")
    delete.set_defaults(handler=_delete)


def _import(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        data = read_regular_file(args.file, MAX_TEXT_BYTES)
    text = decode(data)
    plan = ctx.services.consent.plan_import(session, text)
    if plan.errors:
        out(f"Nothing was imported: {len(plan.errors)} bad row(s).")
        for error in plan.errors:
            out(f"  line {error.line}: {error.reason}")
        return 2
    if not args.dry_run:
        try:
            ctx.services.consent.import_csv(session, text)
        except ImportRejected as exc:  # the file changed between plan and import
            raise BadInput(str(exc)) from None
        say_if_erasure_pending(ctx)
    verb = "Would add" if args.dry_run else "Added"
    out(f"{verb} {len(plan.new)} pupil(s), {'would update' if args.dry_run else 'updated'} "
        f"{len(plan.updated)}, {plan.unchanged} unchanged.")
    for change in plan.updated:
        out(f"  {change.pupil_id}: {', '.join(change.changed_fields)} changed")
    return 0


def _enrol(args: argparse.Namespace) -> int:
    from croftpost.core.enrolment import enrol_photos

    ctx = CliContext(args)
    results = enrol_photos(ctx.services.consent, ctx.login(), args.pupil_id,
                           [Path(p) for p in args.photos],
                           whole_image_is_face=args.whole_photo_is_face)
    for result in results:
        out(f"  {'added  ' if result.ok else 'refused'}  {result.message}")
    added = sum(r.ok for r in results)
    out(f"{added} of {len(results)} photo(s) enrolled for {args.pupil_id}.")
    return 0 if added == len(results) else 1


def consent_summary(pupil: Pupil, today: date) -> str:
    marks = []
    for kind in CONSENT_KINDS:
        record = pupil.consents.get(kind)
        state = record.state_on(today) if record else "refused"
        marks.append({"valid": "yes", "refused": "no"}.get(state, state))
    return "  ".join(f"{m:<9}" for m in marks)


def _list(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    pupils = ctx.services.consent.pupils(ctx.login())
    today = ctx.services.consent.today()
    header = "  ".join(f"{k:<9}" for k in ("photo_fb", "photo_dojo", "name_fb", "name_dojo",
                                            "biometric"))
    out(f"{'id':<8} {'name':<24} {'class':<10} {header}  faces")
    for pupil in pupils:
        if args.class_name and pupil.class_name != args.class_name:
            continue
        flag = " PROTECTED" if pupil.protected else ""
        out(f"{pupil.pupil_id:<8} {pupil.full_name[:24]:<24} {pupil.class_name[:10]:<10} "
            f"{consent_summary(pupil, today)}  {pupil.encodings}{flag}")
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    kinds = [k.strip() for k in args.kinds.split(",")] if args.kinds else None
    pupil = ctx.services.consent.withdraw(ctx.login(), args.pupil_id, kinds)
    out(f"Recorded the withdrawal for {pupil.pupil_id} from {ctx.services.consent.today()}.")
    say_if_erasure_pending(ctx)
    posts = ctx.services.consent.posts_featuring(pupil.pupil_id)
    if posts:
        out(f"{len(posts)} published post(s) show this pupil and should be taken down:")
        for post in posts:
            out(f"  post {post['id']} on {post['channel']}, {str(post['posted_at'])[:10]}")
    return 0


def _protect(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    ctx.services.consent.protect(ctx.login(), args.pupil_id, args.reason)
    out(f"{args.pupil_id} is now protected: their name and face will always block a post.")
    return 0


def _delete(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    ctx.services.consent.delete_pupil(ctx.login(), args.pupil_id)
    out(f"Deleted {args.pupil_id} and erased their face references.")
    say_if_erasure_pending(ctx)
    return 0


def say_if_erasure_pending(ctx: CliContext) -> None:
    if ctx.services.consent.erasure_pending:
        out(ERASURE_PENDING)


ERASURE_PENDING = (
    "The erased data is gone from the register, but another croftpost window or command has "
    "the database open, so its old copy is still in the database files. It is wiped as soon as "
    "that window closes, and croftpost checks again at every start and login."
)
