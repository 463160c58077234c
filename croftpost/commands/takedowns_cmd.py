"""croftpost takedowns: published posts that must come down after a consent was withdrawn or a
pupil became protected. Staff see their own; the headteacher sees everyone's.

    croftpost takedowns list [--all]
    croftpost takedowns done ID [--note TEXT]
"""

from __future__ import annotations

import argparse

from croftpost.commands.context import CliContext, out
from croftpost.core.takedowns import TakedownTask

_REASONS = {"withdrawn": "consent withdrawn", "protected": "pupil now protected"}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    takedowns = commands.add_parser("takedowns", parents=[common],
                                    help="published posts that must be taken down")
    sub = takedowns.add_subparsers(dest="takedowns_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", parents=[common], help="open takedown tasks")
    lst.add_argument("--all", action="store_true", help="include tasks already done")
    lst.set_defaults(handler=_list)
    done = sub.add_parser("done", parents=[common], help="mark a task done")
    done.add_argument("task_id", type=int, metavar="ID")
    done.add_argument("--note", default="", metavar="TEXT", help="what was done, and when")
    done.set_defaults(handler=_done)


def describe(task: TakedownTask) -> str:
    state = "open" if task.open else f"done by {task.done_by}"
    who = task.pupil_name or "deleted pupil"
    preview = (task.post_text or "").strip().replace("\n", " ")[:40]
    return (f"{task.id:>4}  post {task.post_id} on {task.channel}, "
            f"{task.posted_at[:10]}  {task.pupil_id} {who}: {_REASONS.get(task.reason, '')}  "
            f"for {task.assignee}  [{state}]  {preview}")


def _list(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    tasks = ctx.services.takedowns.takedowns(ctx.login(), include_done=args.all)
    if not tasks:
        out("No takedown tasks.")
    for task in tasks:
        out(describe(task))
    return 0


def _done(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    task = ctx.services.takedowns.mark_done(ctx.login(), args.task_id, args.note)
    out(f"Takedown task {task.id} is done.")
    return 0
