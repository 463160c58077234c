"""The command line: the same core services as the screens, for scripts and quick checks.

Exit codes: 0 success, 1 a check failed or a request was refused, 2 bad usage or bad input.
Errors are one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from croftpost import __version__
from croftpost.config import resolve_data_dir
from croftpost.core.accounts import Session
from croftpost.core.errors import BadInput, CroftpostError
from croftpost.core.services import Services, open_services
from croftpost.storage.db import explain_database_error

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]
PASSWORD_ENV = "CROFTPOST_PASSWORD"
USER_ENV = "CROFTPOST_USER"


class CliContext:
    """Opens the data folder and logs the user in, lazily, once per command."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir = resolve_data_dir(getattr(args, "data_dir", None))
        self._services: Services | None = None
        self._credentials: tuple[str, str] | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = open_services(self.data_dir)
        return self._services

    def login(self) -> Session:
        credentials = self.credentials()
        # The password first: nothing happens for someone who cannot log in. Then faces whose
        # biometric consent has lapsed are erased, by whichever comes first: the app's next
        # login or a command's.
        session = self.services.accounts.login(*credentials)
        self.services.consent.purge_lapsed_biometrics()
        return session

    def credentials(self) -> tuple[str, str]:
        """(username, password), asked for once per command."""
        if self._credentials is None:
            username = getattr(self.args, "user", None) or os.environ.get(USER_ENV)
            if not username:
                raise BadInput(f"Say who you are with --user USERNAME (or set {USER_ENV}).")
            self._credentials = (username, read_password(f"Password for {username}: "))
        return self._credentials

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


def read_password(prompt: str, confirm: bool = False) -> str:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise BadInput(f"No password: set {PASSWORD_ENV} or run the command in a terminal.")
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != password:
        raise BadInput("The two passwords differ.")
    return password


def out(text: str = "") -> None:
    print(text)


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


def write_output(text: str, out_path: str | None) -> None:
    if out_path:
        path = Path(out_path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
