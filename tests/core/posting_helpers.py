"""Small builders shared by the approval, takedown and alert tests (invented pupils only)."""

from __future__ import annotations

from croftpost.core.consent_csv import HEADER
from croftpost.core.posting import Publication, PublishedPhoto

# Ava: photos and names everywhere. Ben: Dojo only. Cara: everything, later protected.
REGISTER_CSV = "\r\n".join([
    ",".join(HEADER),
    "P001,Ava,Thornton,Year 3,yes,yes,yes,yes,no,2027-07-31,",
    "P002,Ben,Okafor,Year 4,no,yes,no,yes,no,2027-07-31,",
    "P003,Cara,Lindqvist,Year 4,yes,yes,yes,yes,no,2027-07-31,",
]) + "\r\n"


def photo(original: str, *faces: tuple[str, str | None]) -> PublishedPhoto:
    """A published photo: original hash letter, and (status, pupil_id) per face."""
    return PublishedPhoto(original * 64, ("s" + original) * 32,
                          [{"status": status, "pupil_id": pupil, "reason": "matched"}
                           for status, pupil in faces])


def publication(text: str, photos: list[PublishedPhoto] | None = None,
                pupils: list[str] | None = None,
                warnings: list[dict[str, str]] | None = None) -> Publication:
    return Publication(
        text=text,
        photos=photos or [],
        pupils={p: {"photo": "valid"} for p in (pupils or [])},
        acknowledged_warnings=warnings or [],
        face_model={"model": "dlib-resnet", "tolerance": 0.42},
    )


def post(services, session, channel: str, text: str, pupils: list[str]):  # noqa: ANN001, ANN201
    """Create and publish a draft on a channel that needs no approval."""
    draft = services.drafts.create(session, channel, text)
    pub = publication(text, [photo("a", *[("consented", p) for p in pupils])], pupils)
    return services.drafts.publish(session, draft.id, channel, pub)
