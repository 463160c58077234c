"""One source of time, so that tests can move it (lockouts, expiry, idle lock)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC timestamps as ISO 8601 with a Z, to the microsecond, so they sort as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def local_today(clock: Clock = utc_now) -> date:
    """The school's calendar day: consents expire by date, in local time."""
    return clock().astimezone().date()
