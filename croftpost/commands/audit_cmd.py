"""croftpost audit: verify and export the tamper-evident log (headteacher only)."""

from __future__ import annotations

import argparse

from croftpost.cli import CliContext, out, write_output


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    audit = commands.add_parser("audit", parents=[common], help="verify or export the audit log")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", parents=[common], help="check the hash chain")
    verify.set_defaults(handler=_verify)
    export = sub.add_parser("export", parents=[common], help="export the log")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", metavar="FILE")
    export.set_defaults(handler=_export)


def _verify(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    report = ctx.services.audit_reader.verify(session)
    if report.intact:
        out(f"The audit log is intact: {report.entries} entries, "
            f"latest hash {report.head_hash[:16]}.")
        return 0
    out(f"The audit log has been tampered with at entry {report.first_bad_seq}: "
        f"{report.problem}. The {report.entries} entries before it are intact.")
    return 1


def _export(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    write_output(ctx.services.audit_reader.export(session, args.format), args.out)
    ctx.services.audit.record(session.username, "audit.export", args.format,
                              {"to_file": bool(args.out)})
    return 0
