"""What a draft keeps about each of its photos: the file, its content hash when it was last
checked, and the decisions staff made about its faces (which to blur, who an unknown face is).

Faces are kept by their box, not their position in the list, so a rescan that finds them in
another order still lines up (face_decisions.py matches them back, fail safe). Stored as JSON in
the drafts table's `photos` column: one object per photo. Drafts saved before decisions were
kept hold plain path strings; they still read, as photos without decisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Box = tuple[int, int, int, int]  # top, right, bottom, left in full-size pixels


@dataclass(frozen=True)
class Identification:
    """A member of staff said who a face is: a pupil, or None for an adult who has consented."""

    box: Box
    pupil_id: str | None


@dataclass(frozen=True)
class DraftPhoto:
    path: str
    sha256: str | None = None  # None: not checked yet (or an old draft): no decisions apply
    blurred: tuple[Box, ...] = ()
    identified: tuple[Identification, ...] = ()
    drawn: tuple[Box, ...] = ()  # faces staff marked by hand (croftpost.core.face_marks)
    areas: tuple[Box, ...] = ()  # areas staff marked to be blurred

    @property
    def has_decisions(self) -> bool:
        return bool(self.blurred or self.identified or self.drawn or self.areas)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256,
                "blurred": [list(b) for b in self.blurred],
                "identified": [{"box": list(i.box), "pupil_id": i.pupil_id}
                               for i in self.identified],
                "drawn": [list(b) for b in self.drawn],
                "areas": [list(b) for b in self.areas]}


def as_draft_photo(photo: str | DraftPhoto) -> DraftPhoto:
    """Callers may still pass plain paths (a photo without decisions)."""
    return photo if isinstance(photo, DraftPhoto) else DraftPhoto(str(photo))


def photos_to_json(photos: Iterable[str | DraftPhoto]) -> str:
    return json.dumps([as_draft_photo(p).to_json() for p in photos], ensure_ascii=False)


def photos_from_json(text: str) -> list[DraftPhoto]:
    """A draft's photos, old format (plain paths) or new. A damaged entry keeps its path and
    loses its decisions: the faces are then undecided, which blocks."""
    found = []
    for item in json.loads(text or "[]"):
        if isinstance(item, str):
            found.append(DraftPhoto(item))
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            found.append(_decoded(item))
    return found


def _decoded(item: dict[str, Any]) -> DraftPhoto:
    try:
        sha = item.get("sha256")
        return DraftPhoto(item["path"], str(sha) if sha else None,
                          tuple(_box(b) for b in item.get("blurred") or ()),
                          tuple(Identification(_box(i["box"]), _pupil(i.get("pupil_id")))
                                for i in item.get("identified") or ()),
                          tuple(_box(b) for b in item.get("drawn") or ()),
                          tuple(_box(b) for b in item.get("areas") or ()))
    except (KeyError, TypeError, ValueError):
        return DraftPhoto(item["path"])


def _box(value: Sequence[Any]) -> Box:
    top, right, bottom, left = (int(v) for v in value)
    return (top, right, bottom, left)


def _pupil(value: Any) -> str | None:
    return None if value is None else str(value)
