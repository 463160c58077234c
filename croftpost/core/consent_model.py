"""What a consent means. A consent counts only if it was given, has not expired and has not
been withdrawn on the day of the check; a pupil who has left counts as having none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

PHOTO_KINDS = {"facebook": "photo_facebook", "dojo": "photo_dojo"}
NAME_KINDS = {"facebook": "name_facebook", "dojo": "name_dojo"}
BIOMETRIC = "biometric"
KIND_LABELS = {
    "photo_facebook": "photo on Facebook",
    "photo_dojo": "photo on Dojo",
    "name_facebook": "name on Facebook",
    "name_dojo": "name on Dojo",
    "biometric": "face recognition (biometric)",
}


@dataclass(frozen=True)
class ConsentRecord:
    kind: str
    given: bool
    expires_on: date | None = None
    withdrawn_on: date | None = None

    def valid_on(self, day: date) -> bool:
        if not self.given:
            return False
        if self.expires_on is not None and day > self.expires_on:
            return False
        return self.withdrawn_on is None or day < self.withdrawn_on

    def state_on(self, day: date) -> str:
        """A code for screens: valid, refused, expired, withdrawn."""
        if self.withdrawn_on is not None and day >= self.withdrawn_on:
            return "withdrawn"
        if not self.given:
            return "refused"
        if self.expires_on is not None and day > self.expires_on:
            return "expired"
        return "valid"


@dataclass(frozen=True)
class Pupil:
    pupil_id: str
    first_name: str
    last_name: str
    class_name: str
    leaving_date: date | None = None
    protected: bool = False
    consents: dict[str, ConsentRecord] = field(default_factory=dict)
    encodings: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def on_roll(self, day: date) -> bool:
        return self.leaving_date is None or day <= self.leaving_date

    def consent_valid(self, kind: str, day: date) -> bool:
        record = self.consents.get(kind)
        return record is not None and self.on_roll(day) and record.valid_on(day)

    def photo_allowed(self, channel: str, day: date) -> bool:
        """Protected pupils never appear, whatever the consents (safeguarding)."""
        return not self.protected and self.consent_valid(PHOTO_KINDS[channel], day)

    def name_allowed(self, channel: str, day: date) -> bool:
        return not self.protected and self.consent_valid(NAME_KINDS[channel], day)

    def biometric_allowed(self, day: date) -> bool:
        return self.consent_valid(BIOMETRIC, day)

    def expires_soon(self, day: date, within_days: int = 30) -> bool:
        ends = [c.expires_on for c in self.consents.values() if c.given and c.expires_on]
        return any(0 <= (end - day).days <= within_days for end in ends)
