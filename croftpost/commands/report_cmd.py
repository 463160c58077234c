"""croftpost report: the termly review of what was published (headteacher only).

    croftpost report termly --out FILE.pdf [--from DATE] [--to DATE]
    croftpost report termly --json [--out FILE.json] [--from DATE] [--to DATE]
    croftpost report status                          is a termly review due?
    croftpost report reviewed [--from DATE] [--to DATE]   record that the review was done

The period defaults to the day after the last reviewed period (or a term ago) up to today.
The PDF is drawn by Qt (croftpost.ui.reports) in a child process: the command line itself never
loads Qt, so it keeps working without a display and stays quick for every other command.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from croftpost.commands.context import CliContext, out, write_output
from croftpost.core.accounts import Permission
from croftpost.errors import CroftpostError

RENDER_TIMEOUT_S = 300


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    report = commands.add_parser("report", parents=[common],
                                 help="the termly review of what was published (headteacher)")
    sub = report.add_subparsers(dest="report_command", metavar="ACTION", required=True)

    termly = sub.add_parser("termly", parents=[common],
                            help="posts, their photos' face statuses, open takedowns and alerts")
    _period(termly)
    termly.add_argument("--out", metavar="FILE", help="the PDF (or, with --json, JSON) to write")
    termly.add_argument("--json", action="store_true", help="write the data as JSON instead")
    termly.set_defaults(handler=_termly)

    status = sub.add_parser("status", parents=[common], help="is a termly review due?")
    status.set_defaults(handler=_status)

    reviewed = sub.add_parser("reviewed", parents=[common],
                              help="record that the termly review was done")
    _period(reviewed)
    reviewed.set_defaults(handler=_reviewed)


def _period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-18") from None


def _chosen_period(ctx: CliContext, args: argparse.Namespace) -> tuple[date, date]:
    start, end = ctx.services.termly.default_period()
    return (args.start or start, args.end or end)


def _termly(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    if not args.json and not args.out:
        raise CroftpostError("Say where to write the PDF with --out FILE.pdf (or use --json).")
    start, end = _chosen_period(ctx, args)
    report = ctx.services.termly.termly_report(session, start, end)
    data = report.to_json()
    if args.json:
        write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", args.out)
        return 0
    render_pdf(data, Path(args.out))
    out(f"Wrote the termly report for {start} to {end} to {args.out}: {len(report.posts)} "
        f"post(s), {len(report.open_takedowns)} open takedown task(s), "
        f"{len(report.alerts)} alert(s).")
    return 0


def render_pdf(data: dict[str, object], path: Path) -> None:
    """Draw the report with Qt in a child process (offscreen: no display needed)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "croftpost.ui.reports", "--out", str(path)],
        input=json.dumps(data), capture_output=True, text=True, env=env,
        timeout=RENDER_TIMEOUT_S, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {result.returncode}"
        raise CroftpostError(f"The PDF could not be written ({reason}).")


def _status(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    ctx.services.accounts.require(ctx.login(), Permission.READ_AUDIT)
    status = ctx.services.termly.review_status()
    if status.last_reviewed_at is None:
        if status.due:
            out("No termly review has been recorded yet: one is due now.")
        else:
            out(f"No termly review yet: the first is due on {status.next_due_on}, a term after "
                "the school started using croftpost.")
    elif status.due:
        out(f"A termly review is due (the last was on {status.last_reviewed_at[:10]} by "
            f"{status.last_reviewed_by}).")
    else:
        out(f"The next termly review is due on {status.next_due_on} (the last was on "
            f"{status.last_reviewed_at[:10]} by {status.last_reviewed_by}).")
    return 1 if status.due else 0


def _reviewed(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    start, end = _chosen_period(ctx, args)
    status = ctx.services.termly.mark_reviewed(session, start, end)
    out(f"Recorded the review of {start} to {end}; the next is due on {status.next_due_on}.")
    return 0
