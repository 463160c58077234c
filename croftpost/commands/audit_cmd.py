"""croftpost audit: verify and export the tamper-evident log (headteacher only)."""

from __future__ import annotations

import argparse
import sys

from croftpost.commands.context import CliContext, out, write_output


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    audit = commands.add_parser("audit", parents=[common], help="verify or export the audit log")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify", parents=[common],
        help="check the hash chain, its signed checkpoints and this PC's record of it")
    verify.set_defaults(handler=_verify)
    export = sub.add_parser("export", parents=[common], help="export the log")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", metavar="FILE")
    export.set_defaults(handler=_export)


def _verify(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    report = ctx.services.anchors.verify(session)
    if report.intact:
        out(f"The audit log is intact: {report.entries} entries, "
            f"latest hash {report.head_hash[:16]}.")
        for note in report.notes:
            out(f"  {note}")
        return 0
    out("The audit log has been tampered with:")
    for problem in report.problems:
        out(f"  - {problem}")
    for note in report.notes:
        out(f"  {note}")
    out("Keep this folder as it is and tell the headteacher; a backup or the termly review's "
        "printed checkpoint shows what the log said before.")
    return 1


def _export(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    write_output(ctx.services.audit_reader.export(session, args.format), args.out)
    ctx.services.audit_reader.record_export(session, args.format, {"to_file": bool(args.out)})
    line = ctx.services.anchors.latest_line()
    if line:  # beside the export, not in it: the CSV stays one table (stderr when it is stdout)
        print(f"Audit log checkpoint (keep it with the export): {line}",
              file=sys.stdout if args.out else sys.stderr)
    return 0
