"""Who must not appear in photos, class by class: the list staff take on a trip.

A pupil is on a class's list for a channel when their photo is not allowed there today
(Pupil.photo_allowed: no consent, expired, withdrawn, or protected). The safeguarding reason of
a protected pupil is never part of the list, only the fact that they are protected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from croftpost.core.channels import CHANNELS
from croftpost.core.consent_model import Pupil


@dataclass(frozen=True)
class NoPhotoEntry:
    pupil_id: str
    name: str
    protected: bool
    barred: tuple[str, ...]  # the channels this pupil must not appear on


@dataclass(frozen=True)
class ClassNoPhotoList:
    class_name: str
    on_roll: int  # pupils in the class today, listed or not
    entries: tuple[NoPhotoEntry, ...]

    def barred_on(self, channel: str) -> list[NoPhotoEntry]:
        return [e for e in self.entries if channel in e.barred]


def no_photo_lists(pupils: Iterable[Pupil], day: date) -> list[ClassNoPhotoList]:
    """One list per class of pupils on roll on `day`, classes in natural order (Year 3 before
    Year 10), pupils by surname then first name. A class with nobody barred still gets a list,
    so a missing page is never mistaken for "everyone may appear"."""
    by_class: dict[str, list[Pupil]] = {}
    for pupil in pupils:
        if pupil.on_roll(day):
            by_class.setdefault(pupil.class_name, []).append(pupil)
    lists = []
    for class_name in sorted(by_class, key=natural_key):
        members = sorted(by_class[class_name],
                         key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pupil_id))
        entries = tuple(entry for p in members if (entry := _entry(p, day)) is not None)
        lists.append(ClassNoPhotoList(class_name, len(members), entries))
    return lists


def _entry(pupil: Pupil, day: date) -> NoPhotoEntry | None:
    barred = tuple(c for c in CHANNELS if not pupil.photo_allowed(c, day))
    if not barred:
        return None
    return NoPhotoEntry(pupil.pupil_id, pupil.full_name, pupil.protected, barred)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Numbers compare as numbers: "Year 3" < "Year 10"."""
    parts = re.split(r"(\d+)", text.lower())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)
