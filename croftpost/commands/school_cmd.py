"""croftpost school: the school's own public contact details and channels."""

from __future__ import annotations

import argparse

from croftpost.cli import CliContext, out
from croftpost.core.faces import SCHOOL_SCANS
from croftpost.core.school import SETTABLE_KEYS

_SCANS = {
    "full": "faces from about 80 px wide in a 12 MP photo: close-ups, groups, class photos",
    "deep": "faces from about 40 px too: sports day, whole-school photos (about three times "
            "slower)",
}


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
                          help="how small a face every photo check looks for (headteacher)")
    scan.add_argument("scan", nargs="?", choices=tuple(SCHOOL_SCANS),
                      help="full (the default) or deep; leave out to show the setting")
    scan.set_defaults(handler=_face_scan)


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


def _face_scan(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    try:
        if args.scan is None:
            current = ctx.services.school.face_scan()
            out(f"Photo checks use the {current} scan: {_SCANS[current]}.")
            return 0
        chosen = ctx.services.school.set_face_scan(ctx.login(), args.scan)
        out(f"Photo checks now use the {chosen} scan: {_SCANS[chosen]}.")
        return 0
    finally:
        ctx.close()
