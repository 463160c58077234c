"""croftpost school: the school's own public contact details and channels."""

from __future__ import annotations

import argparse

from croftpost.cli import CliContext, out
from croftpost.core.school import SETTABLE_KEYS


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    school = commands.add_parser("school", parents=[common], help="the school's public details")
    sub = school.add_subparsers(dest="school_command", metavar="ACTION", required=True)
    setter = sub.add_parser("set", parents=[common],
                            help="set a public detail that checks never flag")
    setter.add_argument("key", choices=SETTABLE_KEYS)
    setter.add_argument("value")
    setter.set_defaults(handler=_set)
    show = sub.add_parser("show", parents=[common], help="show the school's details")
    show.set_defaults(handler=_show)


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
