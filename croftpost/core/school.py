"""The school's own public details: its name and contact details, which checks never flag."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.audit import AuditLog
from croftpost.errors import BadInput, PermissionDenied
from croftpost.storage import settings_repo
from croftpost.storage.db import transaction

CONTACT_KEYS = ("phone", "email", "address", "website", "facebook", "dojo")
SETTABLE_KEYS = ("name", *CONTACT_KEYS)


@dataclass(frozen=True)
class SchoolDetails:
    name: str
    contacts: dict[str, str]

    def public_contacts(self) -> tuple[str, ...]:
        return tuple(v for v in self.contacts.values() if v)


class SchoolService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog,
                 accounts: AccountService) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts

    def details(self) -> SchoolDetails:
        stored = settings_repo.all_with_prefix(self._db, "school.")
        return SchoolDetails(
            name=stored.get("name", ""),
            contacts={k: stored.get(k, "") for k in CONTACT_KEYS},
        )

    def create(self, name: str, by: str) -> None:
        """First run only (called by setup, before anyone can log in)."""
        if not name.strip():
            raise BadInput("Give the school's name.")
        if self.details().name:  # no way round school.set's permission check
            raise PermissionDenied("The school is already set up; the headteacher can change "
                                   "its details.")
        with transaction(self._db):
            settings_repo.put(self._db, "school.name", name.strip())
            self._audit.record(by, "school.create", name.strip())

    def set(self, session: Session, key: str, value: str) -> SchoolDetails:
        head = self._accounts.require(session, Permission.MANAGE_SCHOOL)
        if key not in SETTABLE_KEYS:
            raise BadInput(f"Unknown school detail {key!r}: use one of {', '.join(SETTABLE_KEYS)}.")
        before = self.details()
        with transaction(self._db):
            settings_repo.put(self._db, f"school.{key}", value.strip())
            old = before.name if key == "name" else before.contacts.get(key, "")
            self._audit.record(head.username, "school.set", key,
                               {"before": old, "after": value.strip()})
        return self.details()
