"""The tamper-evident audit log (policy section 6: the headteacher monitors what was posted).

Each entry is chained to the one before by SHA-256 over the previous hash and a canonical
encoding of the entry, so an edited, deleted, inserted or reordered entry breaks the chain
from that point on. SQLite triggers refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from croftpost.core.clock import Clock, iso, utc_now
from croftpost.storage.db import transaction

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    since: str | None = None  # ISO date or timestamp, inclusive
    until: str | None = None  # ISO date or timestamp, inclusive of that whole day
    text: str | None = None


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None


def canonical_details(details: Mapping[str, Any] | None) -> str:
    return json.dumps(details or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, target: str,
               details_json: str) -> str:
    canonical = json.dumps(
        [seq, at, actor, action, target, details_json], separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


class AuditLog:
    """Append and verify, for the services themselves (no permission check: every service
    records here). Reading the log for a person goes through AuditReader (READ_AUDIT)."""

    def __init__(self, db: sqlite_utils.Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection the log is on (readers on the same thread look names up on it)."""
        return self._db

    def record(self, actor: str, action: str, target: str = "",
               details: Mapping[str, Any] | None = None) -> int:
        """Append one entry; joins the caller's transaction so a change and its audit entry
        are committed together or not at all."""
        details_json = canonical_details(details)
        with transaction(self._db):
            last = self._db.execute(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
            at = iso(self._clock())
            digest = entry_hash(prev_hash, seq, at, actor, action, target, details_json)
            self._db.execute(
                "INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, at, actor, action, target, details_json, prev_hash, digest),
            )
        return seq

    def verify(self) -> ChainReport:
        expected_seq, running = 1, GENESIS_HASH
        rows = self._db.execute(
            "SELECT seq, at, actor, action, target, details, prev_hash, hash"
            " FROM audit_log ORDER BY seq"
        )
        for seq, at, actor, action, target, details, prev_hash, digest in rows:
            problem = None
            if seq != expected_seq:
                problem = f"entry {expected_seq} is missing" if seq > expected_seq else "bad order"
            elif prev_hash != running:
                problem = "it does not follow the entry before it (removed or reordered)"
            elif entry_hash(prev_hash, seq, at, actor, action, target, details) != digest:
                problem = "its contents were changed after it was written"
            if problem:
                return ChainReport(False, expected_seq - 1, running, min(seq, expected_seq),
                                   problem)
            expected_seq, running = seq + 1, digest
        return ChainReport(True, expected_seq - 1, running)

    def count(self, flt: AuditFilter | None = None) -> int:
        where, params = _where(flt)
        row = self._db.execute(f"SELECT count(*) FROM audit_log {where}", params).fetchone()
        return int(row[0])

    def entries(self, flt: AuditFilter | None = None, limit: int = -1, offset: int = 0,
                newest_first: bool = True) -> list[AuditEntry]:
        where, params = _where(flt)
        order = "DESC" if newest_first else "ASC"
        rows = self._db.execute(
            f"SELECT seq, at, actor, action, target, details FROM audit_log {where}"
            f" ORDER BY seq {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [AuditEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def iter_all(self) -> Iterator[AuditEntry]:
        batch, offset = 5000, 0
        while chunk := self.entries(limit=batch, offset=offset, newest_first=False):
            yield from chunk
            offset += batch

    def actions(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT action FROM audit_log ORDER BY 1")]


def _where(flt: AuditFilter | None) -> tuple[str, list[Any]]:
    if flt is None:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    if flt.actor:
        clauses.append("actor = ?")
        params.append(flt.actor)
    if flt.action:
        clauses.append("action = ?")
        params.append(flt.action)
    if flt.since:
        clauses.append("at >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append("at <= ?")
        params.append(flt.until + ("T23:59:59.999999Z" if len(flt.until) == 10 else ""))
    if flt.text:
        clauses.append("(target LIKE ? OR details LIKE ? OR action LIKE ?)")
        params.extend([f"%{flt.text}%"] * 3)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def export_entries(entries: Iterator[AuditEntry], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([e.__dict__ for e in entries], indent=2, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["seq", "at", "actor", "action", "target", "details"])
    for e in entries:
        writer.writerow([e.seq, e.at, e.actor, e.action, spreadsheet_safe(e.target),
                         spreadsheet_safe(canonical_details(e.details))])
    return buffer.getvalue()


def spreadsheet_safe(value: str) -> str:
    """Excel runs a cell that starts with = + - @ as a formula: quote it so it stays text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
