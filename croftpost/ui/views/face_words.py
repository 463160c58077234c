"""A face's status in words and icon, as the photo viewer and the clip panel show it. A protected
pupil's name is never shown."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from croftpost.core.consent_model import Pupil
from croftpost.core.photo_check import (
    ADULT,
    AREA,
    CONSENTED,
    DRAWN,
    TOO_SMALL,
    UNKNOWN,
    FaceResult,
)
from croftpost.ui.labels import channel_short_name

_REASONS = {
    "no_match": "Not matched to any pupil with reference photos.",
    "ambiguous": "Too much like more than one pupil to be sure who it is.",
    "duplicate": "Another face in this photo matched the same pupil more closely.",
    "no_gallery": "No pupil has reference photos for face recognition yet.",
    "no_consent": "This pupil has no photo consent for {channel} today.",
    "identified": "Identified by staff.",
    "protected": "This pupil must never appear in a photo: the face can only be blurred.",
    "matched": "Recognised from the pupil's reference photos.",
    ADULT: "Identified by staff as an adult who has consented.",
    TOO_SMALL: "Too small in the photo to recognise reliably, so croftpost does not guess who "
               "it is.",
    DRAWN: "Marked by hand: a face the check did not find.",
    AREA: "Marked by hand: an area that is always blurred in the copy you post.",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


def face_label(face: FaceResult, pupils: Mapping[str, Pupil], channel: str) -> tuple[str, str]:
    """(icon, words) for a face. A protected pupil's name is never shown."""
    if face.reason == "protected":
        return "protected", _tr("Protected pupil: must be blurred")
    if face.source == AREA:
        return "status-info", _tr("Area to blur")
    if face.status == CONSENTED:
        if face.reason == ADULT:
            return "status-ok", _tr("Adult who has consented")
        pupil = pupils.get(face.pupil_id or "")
        return "status-ok", pupil.full_name if pupil else _tr("Consented")
    if face.reason == TOO_SMALL and face.status == UNKNOWN:
        return "status-warning", _tr("Too small to identify")
    if face.status == UNKNOWN:
        return "status-warning", _tr("Unknown (marked by hand)") if face.source == DRAWN else (
            _tr("Unknown"))
    return "status-error", _tr("No consent for {0}").format(channel_short_name(channel))


def face_reason(face: FaceResult, channel: str) -> str:
    words = _REASONS.get(face.reason, "")
    return _tr(words).format(channel=channel_short_name(channel)) if words else ""


