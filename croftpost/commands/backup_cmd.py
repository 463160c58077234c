"""croftpost backup / restore (headteacher only)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from croftpost.cli import CliContext, out
from croftpost.core.accounts import Permission
from croftpost.storage.backup import backup_to, restore_from


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
    ctx.services.audit.record(session.username, "backup", target.name)
    backup_to(ctx.services.db, target)
    out(f"Backed up to {target}.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    ctx.services.accounts.require(session, Permission.MANAGE_STAFF)
    ctx.close()
    entries = restore_from(ctx.data_dir, Path(args.file))
    from croftpost.core.services import open_services

    restored = open_services(ctx.data_dir)
    restored.audit.record(session.username, "restore", Path(args.file).name)
    restored.close()
    out(f"Restored {Path(args.file).name}: its audit log of {entries} entries is intact.")
    return 0
