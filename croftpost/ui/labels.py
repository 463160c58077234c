"""Words for the core's codes (roles, channels, dates), translatable, in one place."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from croftpost.core.accounts import Role
from croftpost.core.channels import Channel
from croftpost.core.clock import parse_iso


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def role_name(role: Role | str) -> str:
    return {
        Role.HEADTEACHER.value: _tr("Headteacher"),
        Role.OFFICE.value: _tr("Office"),
        Role.STAFF.value: _tr("Staff"),
    }.get(str(role), str(role))


def channel_name(channel: str) -> str:
    words: dict[str, str] = {
        Channel.FACEBOOK: _tr("the school's Facebook page"),
        Channel.DOJO: _tr("Dojo class stories"),
    }
    return words.get(channel, channel)


def channel_short_name(channel: str) -> str:
    words: dict[str, str] = {Channel.FACEBOOK: _tr("Facebook"), Channel.DOJO: _tr("Dojo")}
    return words.get(channel, channel)


def consent_kind_name(kind: str) -> str:
    return {
        "photo_facebook": _tr("Photo on Facebook"),
        "photo_dojo": _tr("Photo on Dojo"),
        "name_facebook": _tr("Name on Facebook"),
        "name_dojo": _tr("Name on Dojo"),
        "biometric": _tr("Face recognition"),
    }.get(kind, kind)


# A consent state code (ConsentRecord.state_on) as (icon, word): never colour alone.
_CONSENT_STATES = {
    "valid": ("status-ok", "Yes"),
    "refused": ("status-revoked", "No"),
    "expired": ("status-warning", "Expired"),
    "withdrawn": ("status-error", "Withdrawn"),
}


def consent_state(state: str) -> tuple[str, str]:
    icon_name, word = _CONSENT_STATES.get(state, ("status-info", state))
    return icon_name, _tr(word)


def long_date(day: date) -> str:
    """30 September 2026 (British order, no leading zero)."""
    return f"{day.day} {day.strftime('%B %Y')}"


def local_time(stamp: str) -> str:
    """A stored UTC timestamp as local time: "24 Nov 2026, 09:05:12"."""
    moment = parse_iso(stamp).astimezone()
    return f"{moment.day} {moment.strftime('%b %Y, %H:%M:%S')}"


def local_clock_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


_ACTIONS = {
    "school.setup": "School set up",
    "school.create": "School created",
    "school.set": "School details changed",
    "login": "Logged in",
    "login.failed": "Wrong password",
    "login.refused": "Login refused",
    "account.locked": "Account locked",
    "password.change": "Own password changed",
    "session.locked": "Screen locked",
    "session.unlocked": "Screen unlocked",
    "session.logout": "Logged out",
    "staff.add": "Staff added",
    "staff.authorise": "Posting authorised",
    "staff.revoke": "Account or posting revoked",
    "staff.reinstate": "Account reinstated",
    "staff.role": "Role changed",
    "staff.password_reset": "Password reset",
    "staff.unlock": "Account unlocked",
    "staff.personal_account": "Personal account added",
    "consent.import": "Consent imported",
    "consent.set": "Consent changed",
    "consent.withdraw": "Consent withdrawn",
    "consent.no_photo_list": "No-photo lists printed",
    "consent.enrol": "Pupil enrolled",
    "consent.protect": "Pupil protected",
    "consent.delete_pupil": "Pupil deleted",
    "consent.encodings_erased": "Face data erased",
    "consent.erasure_reapplied": "Erasure applied again after a restore",
    "moderation.run": "Comments moderated",
    "photo.checked": "Photos checked",
    "photo.exported": "Safe copies written",
    "photo.face_identified": "Face identified by staff",
    "photo.identification_restored": "Face identifications reopened",
    "photo.face_marked": "Missed face marked by hand",
    "photo.area_marked": "Area marked to blur",
    "photo.mark_removed": "Hand-drawn box removed",
    "photo.marks_restored": "Hand-drawn boxes reopened",
    "draft.create": "Draft created",
    "draft.delete": "Draft deleted",
    "post.published": "Post published",
    "approval.require": "Approval requirement changed",
    "staff.approver": "Approver named or removed",
    "approval.submit": "Submitted for approval",
    "approval.approve": "Post approved",
    "approval.return": "Post returned with a comment",
    "approval.void": "Approval void after a change",
    "alert.raised": "Protected pupil alert",
    "alert.acknowledge": "Alert acknowledged",
    "takedown.create": "Takedown task created",
    "takedown.done": "Takedown done",
    "report.termly": "Termly report made",
    "report.reviewed": "Termly review recorded",
    "policy.reviewed": "Policy review recorded",
    "audit.export": "Audit log exported",
    "backup": "Backup made",
    "restore": "Backup restored",
}


def action_name(code: str) -> str:
    """Plain words for an audit action; an action without words yet shows its code."""
    words = _ACTIONS.get(code)
    return _tr(words) if words else code


def clip_time(seconds: float) -> str:
    """0:07, 1:23: a time in a video clip, as a phone shows it."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
