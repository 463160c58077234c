"""The audit log in words a headteacher reads: what each entry is about (with the pupil's or the
person's name beside their id), and its details as sentences and labelled lines, never JSON.

The log itself keeps ids and hashes only (no names: a deleted pupil's name must not linger in a
log nobody may edit); names are looked up when the log is shown, from `names` (pupil id or
username -> full name), so a pupil deleted since shows only their id.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from croftpost.core.audit import AuditEntry
from croftpost.core.channels import CHANNELS
from croftpost.ui.labels import action_name, channel_short_name, consent_kind_name, local_time

Names = Mapping[str, str]
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
_HASH = re.compile(r"^[0-9a-f]{64}$")
_CONSENTS = ("photo_facebook", "photo_dojo", "name_facebook", "name_dojo", "biometric")

_KEYS = {
    "photos": "Photos", "faces": "Faces", "blocking": "without consent or unknown",
    "error": "could not be read", "sha256": "Photo fingerprint",
    "photo_sha256": "Photo fingerprint", "src_sha256": "Original's fingerprint",
    "dst_sha256": "Safe copy's fingerprint", "blurred": "Blurred", "box": "Box on the photo",
    "was": "Before", "now": "After", "before": "Before", "after": "After", "status": "Status",
    "pupil_id": "Pupil", "adult": "Adult who has consented", "reason": "Reason",
    "channels": "Channels", "channel": "Channel", "role": "Role", "kinds": "Consents",
    "draft_id": "Draft", "post_id": "Post", "assignee": "Assigned to", "author": "Author",
    "note": "Note", "comment": "Comment", "content_hash": "Content fingerprint",
    "text_sha256": "Text fingerprint", "until": "Until", "attempt": "Attempt",
    "start": "From", "end": "To", "open_takedowns": "Open takedown tasks", "alerts": "Alerts",
    "account": "Whole account", "added": "Added", "personal_accounts": "Personal accounts",
    "kind": "Kind", "areas": "Areas", "acknowledged_warnings": "Warnings acknowledged",
    "entries": "Entries", "format": "Format", "pupils": "Pupils", "rows": "Rows",
    "consents": "Consents", "on": "On", "erasures_reapplied": "Erasures applied again",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("audit", text)


def about(entry: AuditEntry, names: Names) -> str:
    """What the entry is about: a pupil or person with their name, a channel, a post."""
    target = entry.target
    if not target:
        return ""
    if target in names:
        return f"{target} · {names[target]}"
    if target in CHANNELS:
        return channel_short_name(target)
    if target.isdigit():
        kind = {"approval": _tr("Approval"), "takedown": _tr("Task"), "report": _tr("Review"),
                "alert": _tr("Alert"), "draft": _tr("Draft"), "post": _tr("Post")}.get(
            entry.action.split(".")[0], _tr("No."))
        return f"{kind} {target}"
    return target


def describe(entry: AuditEntry, names: Names) -> str:
    """One readable line for the table: a sentence where one is written for the action, else
    the details as "Label: value" pairs."""
    sentence = _SENTENCES.get(entry.action)
    if sentence is None and isinstance(entry.details.get("before"), dict):
        sentence = _changes
    if sentence is not None:
        try:
            return sentence(entry, names)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an older entry with other details: say it plainly instead
    return "; ".join(detail_lines(entry, names))


def detail_lines(entry: AuditEntry, names: Names) -> list[str]:
    """Every detail as "Label: value", nested ones spelled out too."""
    return [f"{_key(k)}: {_value(k, v, names)}" for k, v in entry.details.items()]


def entry_html(entry: AuditEntry, names: Names) -> str:
    """The details pane: who, when, what, about what, the sentence, then every detail."""
    e = html.escape
    who = f"{entry.actor} · {names[entry.actor]}" if entry.actor in names else entry.actor
    lines = "".join(f"<li>{e(line)}</li>" for line in detail_lines(entry, names))
    return (
        f"<p><b>{e(action_name(entry.action))}</b> · {e(local_time(entry.at))} · "
        f"{e(_tr('entry'))} {entry.seq}</p>"
        f"<p>{e(_tr('By'))}: {e(who)}"
        + (f"<br>{e(_tr('About'))}: {e(about(entry, names))}" if entry.target else "")
        + f"</p><p>{e(describe(entry, names))}</p>"
        + (f"<ul>{lines}</ul>" if lines else "")
    )


def _key(key: str) -> str:
    return _tr(_KEYS.get(key, key.replace("_", " ").capitalize()))


def _value(key: str, value: Any, names: Names) -> str:
    if isinstance(value, bool):
        return _tr("yes") if value else _tr("no")
    if value is None:
        return "-"
    if isinstance(value, dict):
        return "; ".join(f"{_key(k).lower()} {_value(k, v, names)}" for k, v in value.items())
    if isinstance(value, list):
        if key == "box" and len(value) == 4:
            top, right, bottom, left = value
            return _tr("{0} x {1} px at x {2}, y {3}").format(right - left, bottom - top, left, top)
        return ", ".join(_value(key, v, names) for v in value) or "-"
    return _scalar(key, value, names)


def _scalar(key: str, value: Any, names: Names) -> str:
    text = str(value)
    if text in CHANNELS:
        return channel_short_name(text)
    if text in _CONSENTS:
        return consent_kind_name(text)
    if text in names and key in ("pupil_id", "assignee", "author", "username"):
        return f"{names[text]} ({text})"
    if _STAMP.match(text):
        return local_time(text)
    if _HASH.match(text):
        return text[:12] + "…"
    return text.replace("_", " ") if key in ("status", "reason", "kind") else text


# -- sentences for the actions a headteacher meets most --------------------------------------
def _photos_checked(entry: AuditEntry, _names: Names) -> str:
    photos = entry.details["photos"]
    faces = sum(int(p["faces"]) for p in photos)
    blocking = sum(int(p["blocking"]) for p in photos)
    return _tr("{0} photo(s) checked for {1}: {2} face(s), {3} without consent or unknown.")\
        .format(len(photos), channel_short_name(entry.target), faces, blocking)


def _exported(entry: AuditEntry, _names: Names) -> str:
    photos = entry.details["photos"]
    return _tr("{0} safe copy(ies) written, {1} face(s) blurred; no metadata kept.").format(
        len(photos), sum(int(p["blurred"]) for p in photos))


def _identified(entry: AuditEntry, names: Names) -> str:
    was, now = entry.details["was"], entry.details["now"]
    if now.get("adult"):
        who = _tr("an adult who has consented ({0})").format(now.get("reason", "-"))
    else:
        pupil = str(now["pupil_id"])
        who = f"{names.get(pupil, pupil)} ({pupil})"
    return _tr("A face ({0}) was said to be {1}; it is now {2}.").format(
        str(was["status"]).replace("_", " "), who, str(now["status"]).replace("_", " "))


def _published(entry: AuditEntry, names: Names) -> str:
    pupils = [names.get(p, p) for p in entry.details.get("pupils", {})]
    return _tr("Posted on {0} with {1} photo(s); pupils shown: {2}.").format(
        channel_short_name(entry.target), len(entry.details.get("photos", [])),
        ", ".join(pupils) or _tr("none"))


def _changes(entry: AuditEntry, names: Names) -> str:
    """What differs between "before" and "after" (a consent record, a setting)."""
    before, after = entry.details["before"], entry.details["after"]
    if not isinstance(before, dict) or not isinstance(after, dict):
        return _tr("{0} → {1}.").format(_value("after", before, names),
                                        _value("after", after, names))
    changed = [f"{_label(k)}: {_value(k, before.get(k), names)} → {_value(k, after.get(k), names)}"
               for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return "; ".join(changed) + "." if changed else _tr("Nothing changed.")


def _label(key: str) -> str:
    return consent_kind_name(key) if key in _CONSENTS else _key(key)


def _box_sentence(text: str) -> Callable[[AuditEntry, Names], str]:
    return lambda e, n: _tr(text).format(_value("box", e.details["box"], n))


_SENTENCES: dict[str, Callable[[AuditEntry, Names], str]] = {
    "photo.checked": _photos_checked,
    "photo.exported": _exported,
    "photo.face_identified": _identified,
    "photo.face_marked": _box_sentence("A face the check missed was marked by hand ({0})."),
    "photo.area_marked": _box_sentence("An area was marked to be blurred ({0})."),
    "photo.mark_removed": _box_sentence("A box drawn by hand was taken away ({0})."),
    "post.published": _published,
    "login.failed": lambda e, n: _tr("A wrong password was typed."),
    "login": lambda e, n: _tr("Logged in."),
}
