"""What the compose screen says about a post's approval (issue 7), in icon and words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from croftpost.core.approvals import Approval
from croftpost.ui.labels import channel_short_name
from croftpost.ui.widgets import Tone


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


def approval_status(approval: Approval | None, channel: str, matches: bool) -> tuple[Tone, str]:
    """`matches`: the latest request covers the post exactly as it is now (core's content
    hash), so an approval given for other words or other faces never reads as approved."""
    if approval is None or approval.channel != channel:
        return Tone.INFO, _tr(
            "Posts on {0} need approval before they go out: when nothing blocks, submit this "
            "post for approval.").format(channel_short_name(channel))
    if approval.state == "approved" and matches:
        return Tone.OK, _tr("Approved by {0}. You can now prepare it to post.").format(
            approval.decided_by)
    if approval.state == "pending" and matches:
        return Tone.BUSY, _tr("Waiting for an approver (request {0}).").format(approval.id)
    if approval.state == "returned":
        return Tone.WARNING, _tr(
            "Returned by {0}: “{1}” Change the post and submit it again.").format(
            approval.decided_by, approval.comment or "")
    return Tone.WARNING, _tr(
        "The post has changed since it was submitted: submit it for approval again.")
