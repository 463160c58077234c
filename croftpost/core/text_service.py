"""The text checks on the school's own data: drafts checked as staff type (2.1), comments
moderated (2.3).

The engine (croftpost.core.textcheck) knows nothing about the database; this service gathers
what it needs from the live register, school details and staff records, keeps the compiled
checker while those stay the same, and keeps the per-author tally of deleted comments.

Decisions:
- Checking needs Permission.CHECK_CONTENT only, not authorisation for the channel: a teacher may
  check wording they will hand to an authorised colleague (the policy asks staff to bring
  suggestions to the office), and posting itself is refused without authorisation (drafts).
  Checks change nothing and are not audited (the draft may itself hold personal data).
- Moderating needs CHECK_CONTENT and authorisation for Facebook: the comments are on the school's
  Facebook page, 2.3 gives moderation to "staff responsible for our social media accounts", and
  the tally it writes decides who is blocked.
- Every pupil in the register is given to the checker, leavers included: a leaver's consents
  no longer count (consent_model), so naming them is flagged like any pupil without consent.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.alerts import PROTECTED_NAME, AlertService
from croftpost.core.audit import AuditLog
from croftpost.core.clock import Clock, iso, utc_now
from croftpost.core.consent import ConsentService
from croftpost.core.consent_model import Pupil
from croftpost.core.policy_profile import PolicyProfile, load_profile
from croftpost.core.school import SchoolService
from croftpost.core.textcheck import (
    CHANNELS,
    Comment,
    Finding,
    ModerationDecision,
    PupilName,
    TextChecker,
    TextContext,
    build_checker,
    moderate_comment,
    verdict,
)
from croftpost.core.textcheck.document import phrase_tokens
from croftpost.core.textcheck.findings import Verdict
from croftpost.core.textcheck.moderation import COMMENT_CHANNEL
from croftpost.errors import BadInput
from croftpost.storage import comments_repo
from croftpost.storage.db import transaction

BLOCKING_CANDIDATE = 3  # deleted comments after which an author is suggested for blocking (2.3)
MAX_TEXT_CHARS = 5_000_000  # far beyond any post; a bigger text is not a draft


@dataclass(frozen=True, slots=True)
class TextCheck:
    """The result of checking one text: the findings in order, and the overall verdict."""

    findings: tuple[Finding, ...]

    @property
    def verdict(self) -> Verdict:
        return verdict(self.findings)


@dataclass(frozen=True, slots=True)
class ModeratedComment:
    line: int  # where the comment starts in its file
    decision: ModerationDecision
    counted: bool  # this run added it to its author's tally


@dataclass(frozen=True, slots=True)
class AuthorTally:
    author: str
    deleted: int  # deleted comments counted so far, across every moderation run


@dataclass(frozen=True, slots=True)
class ModerationReport:
    comments: tuple[ModeratedComment, ...]
    newly_counted: int
    candidates: tuple[AuthorTally, ...]  # authors in this file with BLOCKING_CANDIDATE or more

    @property
    def to_delete(self) -> int:
        return sum(c.decision.delete for c in self.comments)


@dataclass(frozen=True, slots=True)
class _Compiled:
    gate: tuple[int, int, date] | None  # None: built inside a transaction, never trusted again
    context: TextContext
    checker: TextChecker


class TextService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 consent: ConsentService, school: SchoolService, clock: Clock = utc_now,
                 profile: PolicyProfile | None = None, alerts: AlertService | None = None
                 ) -> None:
        self._db = db
        self._alerts = alerts
        self._alerted: set[tuple[str, str, str]] = set()  # (actor, pupil, channel) this run
        self._audit = audit
        self._accounts = accounts
        self._consent = consent
        self._school = school
        self._clock = clock
        self._profile = profile
        self._compiled: _Compiled | None = None

    @property
    def profile(self) -> PolicyProfile:
        if self._profile is None:  # read on first use: nothing happens at start-up
            self._profile = load_profile()
        return self._profile

    def policy_review_overdue(self) -> bool:
        """By the profile's own date (PolicyReviewService also knows a recorded review)."""
        return self.profile.review_overdue(self._consent.today())

    # -- what the checker is told --------------------------------------------------------------
    def context(self) -> TextContext:
        """The register, the school's published contacts and staff accounts, as of today.
        Internal: it holds pupils' names, so it is for the checker, not for display."""
        today = self._consent.today()
        return TextContext(
            pupils=tuple(_pupil_name(p, today) for p in self._consent.all_pupils()),
            school_contacts=self._school.details().public_contacts(),
            staff_accounts=tuple(sorted(self._accounts.all_personal_accounts())),
        )

    def checker(self, session: Session) -> TextChecker:
        """The compiled checker for today's data; thread-safe, so a screen may hand it to a
        worker. Call this on the thread that owns the database connection."""
        self._accounts.require(session, Permission.CHECK_CONTENT)
        return self._current()

    def _current(self) -> TextChecker:
        """Rebuilt only when the data it was built from changed. The gate costs one PRAGMA:
        data_version moves when another connection commits, total_changes when this one
        writes, and the day moves consents in and out of date. When the gate moves, the
        context is read again and the checker recompiled only if the context differs (a
        saved draft moves the gate but changes nothing the checker knows)."""
        gate = self._gate()
        compiled = self._compiled
        if compiled is not None and gate is not None and compiled.gate == gate:
            return compiled.checker
        context = self.context()
        if compiled is None or compiled.context != context:
            compiled = _Compiled(gate, context, build_checker(context, self.profile))
        self._compiled = _Compiled(gate, compiled.context, compiled.checker)
        return compiled.checker

    def _gate(self) -> tuple[int, int, date] | None:
        conn = self._db.conn
        if conn.in_transaction:  # what we read now may yet be rolled back
            return None
        data_version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        return (data_version, conn.total_changes, self._consent.today())

    # -- checking a draft (2.1, 2.3) -----------------------------------------------------------
    def check(self, session: Session, text: str, channel: str) -> TextCheck:
        """Fast enough for every keystroke once the checker is built (see benchmarks)."""
        actor = self._accounts.require(session, Permission.CHECK_CONTENT).username
        if channel not in CHANNELS:
            raise BadInput(f"Unknown channel {channel!r}: use facebook or dojo.")
        if len(text) > MAX_TEXT_CHARS:
            raise BadInput("The text is too long to check: a post is at most a few pages.")
        result = TextCheck(tuple(self._current().check(text, channel)))
        self._alert_protected(actor, channel, result.findings)
        return result

    def _alert_protected(self, actor: str, channel: str, findings: Sequence[Finding]) -> None:
        """A protected pupil named in a draft: tell the headteacher, once per person, pupil
        and channel while the app runs (not on every keystroke). Found from the excerpt, so
        no pupil id has to travel through the engine; an unsure guess only adds an alert."""
        named = [set(phrase_tokens(f.excerpt)) for f in findings
                 if f.category == "pupil_name" and f.severity == "block"]
        if self._alerts is None or not named or self._compiled is None:
            return
        # The context the checker was just built from: no register read on each keystroke.
        for pupil in self._compiled.context.pupils:
            # "Leo", "Leo Askew", "ASKEW, Leo", "Sam Askew": the first name or the surname.
            own = set(phrase_tokens(pupil.first_name)[:1] + phrase_tokens(pupil.last_name)[-1:])
            key = (actor, pupil.pupil_id, channel)
            if pupil.protected and key not in self._alerted and any(own & n for n in named):
                self._alerts.raise_alert(PROTECTED_NAME, pupil.pupil_id, actor,
                                         {"channel": channel})
                self._alerted.add(key)

    # -- moderating comments (2.3) -------------------------------------------------------------
    def moderate(self, session: Session, comments: Sequence[Comment]) -> ModerationReport:
        """Say which comments 2.3 deletes, add the deleted ones to their authors' tally and
        name the authors who have reached BLOCKING_CANDIDATE.

        A deleted comment is counted once: its key is a hash of the author, the comment and
        which copy of that comment it is in this file, so moderating the same export again,
        or a later export that still holds the old comments, adds only what is new, while
        an author who posts the same spam three times in one export is counted three times.
        Comments without an author (a plain list) are judged but not counted."""
        decisions = self.advise(session, comments)
        return self.record_deleted(session, comments, [d.delete for d in decisions], decisions)

    def advise(self, session: Session, comments: Sequence[Comment]) -> list[ModerationDecision]:
        """What 2.3 says of each comment (delete, or keep and perhaps look at it), recording
        nothing: the Comments screen shows this before staff delete anything."""
        self._accounts.require(session, Permission.CHECK_CONTENT)
        self._accounts.require_channel(session, COMMENT_CHANNEL)
        checker = self._current()
        return [moderate_comment(_author(c.author), c.text, checker) for c in comments]

    def record_deleted(self, session: Session, comments: Sequence[Comment],
                       deleted: Sequence[bool],
                       decisions: Sequence[ModerationDecision] | None = None
                       ) -> ModerationReport:
        """Staff deleted these comments (`deleted[i]` for comments[i]) from the school's page:
        each goes on its author's tally once, and the authors who reach BLOCKING_CANDIDATE are
        named. Audited (counts only). The advice is worked out again when not given, so what
        is recorded always carries its reasons."""
        self._accounts.require(session, Permission.CHECK_CONTENT)
        actor = self._accounts.require_channel(session, COMMENT_CHANNEL).username
        if len(deleted) != len(comments):
            raise BadInput("Say for every comment whether it was deleted.")
        advice = list(decisions) if decisions is not None else self.advise(session, comments)
        chosen = [replace(d, delete=bool(gone)) for d, gone in zip(advice, deleted, strict=True)]
        keys = _comment_keys(chosen)
        now = iso(self._clock())
        with transaction(self._db):
            counted = [
                key is not None and comments_repo.count_deletion(self._db, d.author, key, now)
                for d, key in zip(chosen, keys, strict=True)
            ]
            moderated = tuple(ModeratedComment(c.line, d, n)
                              for c, d, n in zip(comments, chosen, counted, strict=True))
            report = ModerationReport(moderated, sum(counted), self._candidates(chosen))
            self._audit.record(actor, "moderation.run", "", _audit_details(report))
        return report

    def _candidates(self, decisions: Sequence[ModerationDecision]) -> tuple[AuthorTally, ...]:
        """Only authors in this file: one already blocked on the page posts no more comments,
        so it drops off the list by itself."""
        tallies = comments_repo.tallies(self._db, (d.author for d in decisions if d.author))
        chosen = [AuthorTally(a, n) for a, n in tallies.items() if n >= BLOCKING_CANDIDATE]
        return tuple(sorted(chosen, key=lambda t: (-t.deleted, t.author)))


def _pupil_name(pupil: Pupil, today: date) -> PupilName:
    """Protected pupils never have name consent (Pupil.name_allowed) and are marked so."""
    allowed = frozenset(c for c in CHANNELS if pupil.name_allowed(c, today))
    return PupilName(pupil.pupil_id, pupil.first_name, pupil.last_name, pupil.class_name,
                     allowed, pupil.protected)


def _author(name: str) -> str:
    return " ".join(name.split())


def _comment_keys(decisions: Sequence[ModerationDecision]) -> list[str | None]:
    copies: Counter[tuple[str, str]] = Counter()
    keys: list[str | None] = []
    for d in decisions:
        if not (d.delete and d.author):
            keys.append(None)
            continue
        text = " ".join(d.text.split())
        copies[(d.author, text)] += 1
        material = "\x1f".join((d.author, text, str(copies[(d.author, text)])))
        keys.append(hashlib.sha256(material.encode()).hexdigest())
    return keys


def _audit_details(report: ModerationReport) -> dict[str, object]:
    """Counts only: no comment text and no author names (they are members of the public)."""
    deleted = [c.decision for c in report.comments if c.decision.delete]
    categories = Counter(cat for d in deleted for cat in {f.category for f in d.reasons})
    return {
        "comments": len(report.comments),
        "delete": len(deleted),
        "review": sum(bool(c.decision.review) and not c.decision.delete
                      for c in report.comments),
        "counted": report.newly_counted,
        "already_counted": sum(bool(d.author) for d in deleted) - report.newly_counted,
        "without_author": sum(not d.author for d in deleted),
        "candidates": len(report.candidates),
        "categories": dict(sorted(categories.items())),
    }
