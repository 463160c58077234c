"""What every command shares: the data folder, the login, and how output is written.

Kept apart from cli.py so that the command modules do not import the module that imports them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from croftpost.config import resolve_data_dir
from croftpost.core.accounts import Session
from croftpost.core.services import Services, open_services
from croftpost.errors import BadInput

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


def write_output(text: str, out_path: str | None) -> None:
    if out_path:
        path = Path(out_path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
