"""croftpost approvals: the approval queue, which channels need approval, and who approves.

    croftpost approvals list [--mine]          requests waiting (or your own, with decisions)
    croftpost approvals show ID                what the approver is asked to approve
    croftpost approvals approve ID
    croftpost approvals return ID --comment TEXT
    croftpost approvals require [--channel facebook --on|--off]   (no options: show settings)
    croftpost approvals approver USER --on|--off                  (headteacher)
"""

from __future__ import annotations

import argparse

from croftpost.commands.context import CliContext, out
from croftpost.core.approvals import Approval
from croftpost.core.channels import CHANNELS
from croftpost.errors import BadInput


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    approvals = commands.add_parser("approvals", parents=[common],
                                    help="approve posts before they are published")
    sub = approvals.add_subparsers(dest="approvals_command", metavar="ACTION", required=True)

    lst = sub.add_parser("list", parents=[common], help="requests waiting for a decision")
    lst.add_argument("--mine", action="store_true",
                     help="your own requests and what was decided instead")
    lst.set_defaults(handler=_list)

    show = sub.add_parser("show", parents=[common], help="the text, photos and warnings of one")
    show.add_argument("approval_id", type=int, metavar="ID")
    show.set_defaults(handler=_show)

    approve = sub.add_parser("approve", parents=[common], help="approve a post")
    approve.add_argument("approval_id", type=int, metavar="ID")
    approve.set_defaults(handler=_approve)

    ret = sub.add_parser("return", parents=[common], help="send a post back with a comment")
    ret.add_argument("approval_id", type=int, metavar="ID")
    ret.add_argument("--comment", required=True, metavar="TEXT",
                     help="what the author should change")
    ret.set_defaults(handler=_return)

    require = sub.add_parser("require", parents=[common],
                             help="which channels need approval (headteacher)")
    require.add_argument("--channel", choices=CHANNELS)
    _on_off(require)
    require.set_defaults(handler=_require)

    approver = sub.add_parser("approver", parents=[common],
                              help="name a member of staff as an approver (headteacher)")
    approver.add_argument("username", metavar="USER")
    _on_off(approver, required=True)
    approver.set_defaults(handler=_approver)


def _on_off(parser: argparse.ArgumentParser, required: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--on", dest="on", action="store_true", default=None)
    group.add_argument("--off", dest="on", action="store_false")


def describe(approval: Approval) -> str:
    snap = approval.snapshot
    faces = ", ".join(f"{n} {status}" for status, n in snap.face_statuses().items()) or "no faces"
    first_line = snap.text.strip().splitlines()[0] if snap.text.strip() else "(no text)"
    return (f"{approval.id:>4}  {approval.state:<10} {approval.channel:<8} {approval.author:<14}"
            f" {approval.submitted_at[:16].replace('T', ' ')}  {len(snap.photos)} photo(s):"
            f" {faces}; {len(snap.acknowledged_warnings)} warning(s)  {first_line[:40]}")


def _list(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    if args.mine:
        items = ctx.services.approvals.mine(session)
    else:
        items = ctx.services.approvals.queue(session)
    if not items:
        out("Nothing to approve." if not args.mine else "You have no approval requests.")
    for approval in items:
        own = "  (yours: another approver must decide)" if approval.author == session.username \
            and not args.mine else ""
        out(describe(approval) + own)
        if args.mine and approval.comment:
            out(f"      returned by {approval.decided_by}: {approval.comment}")
    return 0


def _show(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    approval = ctx.services.approvals.get(ctx.login(), args.approval_id)
    snap = approval.snapshot
    out(describe(approval))
    out("")
    out(snap.text)
    out("")
    for number, photo in enumerate(snap.photos, 1):
        statuses = ", ".join(str(f.get("status")) for f in photo.get("faces", [])) or "no faces"
        out(f"photo {number}: {str(photo.get('original_sha256', ''))[:16]}  faces: {statuses}")
    for warning in snap.acknowledged_warnings:
        out(f"acknowledged warning: {warning.get('category', '?')}: {warning.get('reason', '')}")
    if approval.comment:
        out(f"comment from {approval.decided_by}: {approval.comment}")
    return 0


def _approve(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    approval = ctx.services.approvals.approve(ctx.login(), args.approval_id)
    out(f"Approved request {approval.id}: {approval.author} may now publish it as it is.")
    return 0


def _return(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    approval = ctx.services.approvals.return_(ctx.login(), args.approval_id, args.comment)
    out(f"Returned request {approval.id} to {approval.author} with your comment.")
    return 0


def _require(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    if (args.channel is None) != (args.on is None):
        raise BadInput("Give both --channel and --on or --off, or neither to see the settings.")
    if args.channel is not None:
        ctx.services.approvals.set_required(session, args.channel, bool(args.on))
    ctx.services.accounts.current(session)
    for channel, required in ctx.services.approvals.required_channels().items():
        out(f"{channel:<9} {'needs approval' if required else 'no approval needed'}")
    out(f"approvers: {', '.join(ctx.services.approvals.approvers())}")
    return 0


def _approver(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    approvers = ctx.services.approvals.set_approver(ctx.login(), args.username, bool(args.on))
    out(f"approvers: {', '.join(approvers)}")
    return 0
