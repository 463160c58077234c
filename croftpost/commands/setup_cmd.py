"""croftpost setup: a new data folder with the school and its headteacher."""

from __future__ import annotations

import argparse

from croftpost.commands.context import CliContext, out, read_password
from croftpost.core.services import set_up_school


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    cmd = commands.add_parser("setup", parents=[common], help="create a new data folder")
    cmd.add_argument("--school", required=True, metavar="NAME", help="the school's name")
    cmd.add_argument("--headteacher", required=True, metavar="USERNAME")
    cmd.add_argument("--name", required=True, metavar="FULL NAME",
                     help="the headteacher's full name")
    cmd.set_defaults(handler=_setup)


def _setup(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    password = read_password(f"New password for {args.headteacher}: ", confirm=True)
    services, _ = set_up_school(ctx.data_dir, args.school, args.headteacher, args.name, password)
    services.close()
    out(f"Created {args.school} in {ctx.data_dir}; {args.headteacher} is its headteacher "
        "and may post on Facebook and Dojo.")
    return 0
