"""The command line: the same core services as the screens, for scripts and quick checks.

Exit codes: 0 success, 1 a check failed or a request was refused, 2 bad usage or bad input.
Errors are one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence

from croftpost import __version__
from croftpost.commands.context import (  # noqa: F401 - the names callers knew here
    PASSWORD_ENV,
    USER_ENV,
    CliContext,
    out,
    read_password,
    write_output,
)
from croftpost.errors import CroftpostError
from croftpost.storage.db import explain_database_error

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]
def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the command is not overwritten by the subcommand's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="data folder (default: $CROFTPOST_DATA_DIR or the embedded data/)")
    common.add_argument("--user", metavar="USERNAME", default=argparse.SUPPRESS,
                        help="who is acting (default: $CROFTPOST_USER); the password comes "
                             "from $CROFTPOST_PASSWORD or a hidden prompt")
    return common


def build_parser() -> argparse.ArgumentParser:
    from croftpost.commands import COMMAND_MODULES

    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="croftpost", parents=[common],
        description="Post safely on the school's Facebook page and Dojo class stories. "
                    "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"croftpost {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the app on a demo school (never touches real data)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands, common)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Parse and run a CLI command; returns the exit code (None command = open the app)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except CroftpostError as exc:
        print(f"croftpost: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("croftpost: stopped.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"croftpost: {exc.strerror or exc} ({exc.filename or 'file'}).", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:
        print(f"croftpost: {explain_database_error(exc)}", file=sys.stderr)
        return 2
    except Exception:
        log.exception("unexpected error in %s", getattr(args, "command", "?"))
        print("croftpost: something unexpected went wrong; nothing was half saved. The details "
              "are in croftpost.log in the data folder.", file=sys.stderr)
        return 1
