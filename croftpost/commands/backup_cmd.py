"""croftpost backup / restore (headteacher only)."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
from pathlib import Path

from croftpost.commands.context import CliContext, out
from croftpost.core.accounts import Permission
from croftpost.core.backups import check_backup
from croftpost.core.erasure import describe
from croftpost.core.services import Services, restore_school
from croftpost.errors import DataFolderError
from croftpost.storage.db import db_path


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    backup = commands.add_parser("backup", parents=[common],
                                 help="take a consistent backup of the database")
    backup.add_argument("--out", metavar="FILE", help="where to write it (default: backups/)")
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser("restore", parents=[common],
                                  help="restore a verified backup (close the app first)")
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(handler=_restore)


def _backup(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    result = ctx.services.backups.backup(session, Path(args.out) if args.out else None)
    out(f"Backed up to {result.path}.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    backup = Path(args.file)
    try:
        username = _headteacher(ctx, ctx.services)
    except (DataFolderError, sqlite3.DatabaseError):
        # The live database is missing or damaged, which is what a restore is for: prove who
        # you are against the backup instead.
        check_backup(backup)
        username = _headteacher_in_backup(ctx, backup)
    ctx.close()
    # Re-applies the erasures made after the backup; this PC then expects the restored log.
    result = restore_school(ctx.data_dir, backup, username)
    out(f"Restored {backup.name}: its audit log of {result.entries} entries is intact.")
    if result.reapplied:
        out(f"Re-applied {len(result.reapplied)} erasure(s) made after this backup was taken:")
        for entry in result.reapplied:
            out(f"  {describe(entry)}")
    return 0


def _headteacher(ctx: CliContext, services: Services) -> str:
    session = services.accounts.login(*ctx.credentials())
    return services.accounts.require(session, Permission.BACKUP).username


def _headteacher_in_backup(ctx: CliContext, backup: Path) -> str:
    """Log in to a scratch copy of the backup (opening may upgrade it; the file stays as it
    is), as a headteacher of the school the backup holds."""
    from croftpost.core.services import open_services

    with tempfile.TemporaryDirectory(prefix="croftpost-restore-") as scratch:
        shutil.copyfile(backup, db_path(Path(scratch)))
        services = open_services(Path(scratch))
        try:
            return _headteacher(ctx, services)
        finally:
            services.close()
