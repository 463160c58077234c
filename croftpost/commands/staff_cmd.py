"""croftpost staff: accounts, roles and channel authorisation (headteacher only)."""

from __future__ import annotations

import argparse

from croftpost.commands.context import CliContext, out
from croftpost.core.accounts import StaffMember, parse_channels


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    staff = commands.add_parser("staff", parents=[common], help="manage staff accounts")
    sub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", parents=[common], help="add a staff account")
    add.add_argument("username")
    add.add_argument("--name", required=True, metavar="FULL NAME")
    add.add_argument("--role", required=True, choices=["headteacher", "office", "staff"])
    add.add_argument("--authorise", default="", metavar="CHANNELS",
                     help="channels this person may post on: facebook,dojo")
    add.add_argument("--personal-account", action="append", default=[],
                     metavar="URL_OR_HANDLE",
                     help="a personal social media account that posts must never link to")
    add.add_argument("--new-password-env", default="CROFTPOST_NEW_PASSWORD", metavar="VAR",
                     help="environment variable holding the new account's password")
    add.set_defaults(handler=_add)

    lst = sub.add_parser("list", parents=[common], help="list staff accounts")
    lst.set_defaults(handler=_list)

    auth = sub.add_parser("authorise", parents=[common], help="let someone post on channels")
    auth.add_argument("username")
    auth.add_argument("channels", metavar="CHANNELS", help="facebook,dojo")
    auth.set_defaults(handler=_authorise)

    rev = sub.add_parser("revoke", parents=[common],
                         help="take away channels, or (no channels) the whole account")
    rev.add_argument("username")
    rev.add_argument("channels", nargs="?", metavar="CHANNELS")
    rev.set_defaults(handler=_revoke)


def describe(member: StaffMember) -> str:
    channels = ", ".join(sorted(member.channels)) or "may not post"
    state = "" if member.active else "  [revoked]"
    if member.locked_until:
        state += "  [locked]"
    return f"{member.username:<16} {member.role.value:<12} {channels:<16} {member.full_name}{state}"


def _add(args: argparse.Namespace) -> int:
    import os

    ctx = CliContext(args)
    session = ctx.login()
    password = os.environ.get(args.new_password_env) or _prompt_new(args.username)
    member = ctx.services.accounts.add_staff(
        session, args.username, args.name, args.role, password,
        parse_channels(args.authorise), args.personal_account)
    out(f"Added {describe(member)}")
    return 0


def _prompt_new(username: str) -> str:
    import getpass
    import sys

    from croftpost.errors import BadInput

    if not sys.stdin.isatty():
        raise BadInput("No password for the new account: set CROFTPOST_NEW_PASSWORD.")
    first = getpass.getpass(f"Password for {username}: ")
    if getpass.getpass("Type it again: ") != first:
        raise BadInput("The two passwords differ.")
    return first


def _list(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    for member in ctx.services.accounts.list_staff(ctx.login()):
        out(describe(member))
    return 0


def _authorise(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    member = ctx.services.accounts.authorise(ctx.login(), args.username,
                                             parse_channels(args.channels))
    out(describe(member))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    channels = parse_channels(args.channels) if args.channels else None
    member = ctx.services.accounts.revoke(ctx.login(), args.username, channels)
    out(describe(member))
    return 0
