"""The erasure ledger: which pupil's consent was withdrawn or refused, whose face encodings were
erased, whose record was deleted, and on which day. Pupil ids and consent kinds only, no names.

Attack (issue 13, 2): restoring a backup taken before a withdrawal silently brought back the
consent and the face encodings. The ledger is kept twice: in the database (so that a backup
carries the entries it already reflects) and in `erasures.log` beside it, one JSON line each,
which a restore does not replace. Every start re-applies the entries the database lacks,
before anyone can log in (ConsentService.reapply_erasures).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

LEDGER_FILE = "erasures.log"
KINDS = ("withdrawn", "refused", "faces", "pupil")


@dataclass(frozen=True, slots=True)
class Erasure:
    id: str  # random: tells a restore which entries its database already holds
    pupil_id: str
    kind: str  # withdrawn / refused (consents), faces (encodings), pupil (record deleted)
    consents: tuple[str, ...]  # the consent kinds withdrawn or refused
    on_date: str  # the day it took effect, ISO
    recorded_at: str


def add(db: sqlite_utils.Database, erasure: Erasure) -> None:
    db.execute(
        "INSERT OR IGNORE INTO erasures (id, pupil_id, kind, consents, on_date, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [erasure.id, erasure.pupil_id, erasure.kind, ",".join(erasure.consents),
         erasure.on_date, erasure.recorded_at],
    )


def entries(db: sqlite_utils.Database) -> list[Erasure]:
    rows = db.execute(
        "SELECT id, pupil_id, kind, consents, on_date, recorded_at FROM erasures"
        " ORDER BY recorded_at, rowid"
    )
    return [Erasure(i, p, k, tuple(c for c in cs.split(",") if c), d, r)
            for i, p, k, cs, d, r in rows]


def append_to_file(data_dir: Path, erasures: list[Erasure]) -> None:
    """Add entries to erasures.log, flushed to disk (owner-only, like the database)."""
    if not erasures:
        return
    lines = "".join(json.dumps(_as_dict(e), sort_keys=True) + "\n" for e in erasures)
    fd = os.open(data_dir / LEDGER_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(lines)
        f.flush()
        os.fsync(f.fileno())


def read_file(data_dir: Path) -> list[Erasure]:
    """The entries in erasures.log; a damaged line (a write cut short) is skipped."""
    try:
        text = (data_dir / LEDGER_FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    found = []
    for line in text.splitlines():
        try:
            found.append(_from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _as_dict(e: Erasure) -> dict[str, object]:
    return {"id": e.id, "pupil_id": e.pupil_id, "kind": e.kind, "consents": list(e.consents),
            "on_date": e.on_date, "recorded_at": e.recorded_at}


def _from_dict(d: dict[str, object]) -> Erasure:
    kind = str(d["kind"])
    if kind not in KINDS:
        raise ValueError(kind)
    consents = d["consents"]
    if not isinstance(consents, list):
        raise TypeError("consents")
    return Erasure(str(d["id"]), str(d["pupil_id"]), kind, tuple(map(str, consents)),
                   str(d["on_date"]), str(d["recorded_at"]))
