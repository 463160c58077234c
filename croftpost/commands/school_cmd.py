"""croftpost school: the school's own public contact details and channels."""

from __future__ import annotations

import argparse
from datetime import date

from croftpost.commands.context import CliContext, out
from croftpost.core.faces import IDENTIFY_PX, MIN_FACE_PX
from croftpost.core.school import SETTABLE_KEYS


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    school = commands.add_parser("school", parents=[common], help="the school's public details")
    sub = school.add_subparsers(dest="school_command", metavar="ACTION", required=True)
    setter = sub.add_parser("set", parents=[common],
                            help="set a public detail that checks never flag")
    setter.add_argument("key", choices=SETTABLE_KEYS)
    setter.add_argument("value")
    setter.set_defaults(handler=_set)
    show = sub.add_parser("show", parents=[common], help="show the school's details")
    show.set_defaults(handler=_show)
    scan = sub.add_parser("face-scan", parents=[common],
                          help="how small a face every photo check looks for")
    # Kept so that old scripts still run: there is no choice any more.
    scan.add_argument("scan", nargs="?", help=argparse.SUPPRESS)
    scan.set_defaults(handler=_face_scan)
    review = sub.add_parser("policy-review", parents=[common],
                            help="when the social media policy is next due for review; "
                                 "--next-due records a review (headteacher)")
    review.add_argument("--next-due", type=_iso_date, metavar="YYYY-MM-DD",
                        help="the governors reviewed the policy and kept it: the next review date")
    review.set_defaults(handler=_policy_review)


def _set(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    ctx.services.school.set(ctx.login(), args.key, args.value)
    out(f"Saved the school's {args.key}.")
    return 0


def _show(args: argparse.Namespace) -> int:
    details = CliContext(args).services.school.details()
    out(f"{'name':<10} {details.name}")
    for key, value in details.contacts.items():
        out(f"{key:<10} {value or '-'}")
    return 0


def face_scan_sentence() -> str:
    return (
        f"Every photo check looks for faces from {MIN_FACE_PX} px wide (a child about 15 m from "
        f"a phone camera), in every frame, and identifies faces from {IDENTIFY_PX} px; smaller "
        "faces block until they are blurred or checked by hand."
    )


def _face_scan(args: argparse.Namespace) -> int:
    if args.scan is not None:
        out(f"There is no face scan to choose any more ({args.scan!r} ignored).")
    out(face_scan_sentence())
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-09-30") from None


def _policy_review(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    try:
        if args.next_due is not None:
            ctx.services.policy.record_review(ctx.login(), args.next_due)
            out("Recorded: the policy was reviewed.")
        review = ctx.services.policy.status()
    finally:
        ctx.close()
    when = f"{review.due_on.day} {review.due_on:%B %Y}"
    if review.overdue:
        out(f"{review.title}: the review was due on {when}. When the governors have reviewed it, "
            "record it: croftpost school policy-review --next-due YYYY-MM-DD")
        return 1
    out(f"{review.title}: next review due by {when}.")
    return 0
