"""croftpost backup / restore (headteacher only)."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from croftpost.commands.context import CliContext, out
from croftpost.core.accounts import Permission
from croftpost.core.erasure import describe
from croftpost.core.errors import BadInput, DataFolderError
from croftpost.core.services import Services
from croftpost.storage.backup import backup_to, check_backup, restore_from
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
    ctx.services.accounts.require(session, Permission.MANAGE_STAFF)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = Path(args.out) if args.out else ctx.data_dir / "backups" / f"croftpost-{stamp}.db"
    try:
        backup_to(ctx.services.db, target)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a folder that can't be written
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BadInput(f"The backup was not written ({reason}: is the disk full?); nothing "
                       f"was saved at {target}, and no backup is recorded.") from None
    entries = check_backup(target)  # audited only once the copy is known to be whole
    ctx.services.audit.record(session.username, "backup", target.name, {"entries": entries})
    out(f"Backed up to {target}.")
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
    entries = restore_from(ctx.data_dir, backup)
    from croftpost.core.services import open_services

    restored = open_services(ctx.data_dir)  # re-applies the erasures made after the backup
    reapplied = restored.reapplied_erasures
    restored.audit.record(username, "restore", backup.name,
                          {"erasures_reapplied": len(reapplied)})
    # The headteacher put this log back on purpose: this PC expects it from now on.
    restored.anchors.after_restore(username, backup.name)
    restored.close()
    out(f"Restored {backup.name}: its audit log of {entries} entries is intact.")
    if reapplied:
        out(f"Re-applied {len(reapplied)} erasure(s) made after this backup was taken:")
        for entry in reapplied:
            out(f"  {describe(entry)}")
    return 0


def _headteacher(ctx: CliContext, services: Services) -> str:
    session = services.accounts.login(*ctx.credentials())
    return services.accounts.require(session, Permission.MANAGE_STAFF).username


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
