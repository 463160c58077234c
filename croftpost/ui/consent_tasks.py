"""The consent screen's jobs outside the table: enrolling reference faces (on a worker, with
its own database connection) and printing the no-photo lists."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextDocument

from croftpost.core.accounts import Session
from croftpost.core.clock import Clock
from croftpost.core.no_photo import no_photo_lists
from croftpost.core.services import Services, open_services
from croftpost.errors import NotFound
from croftpost.ui.labels import channel_short_name, local_time
from croftpost.ui.models.drafts_model import preview
from croftpost.ui.no_photo_pdf import ListHeading, write_no_photo_pdf
from croftpost.ui.views.consent_details import PublishedPost
from croftpost.ui.workers import ProgressFn

if TYPE_CHECKING:
    from croftpost.core.enrolment import EnrolmentOutcome

POST_TEXT_CHARS = 90


def enrol_job(data_dir: Path, clock: Clock, session: Session, pupil_id: str,
              paths: Sequence[Path], cancel: threading.Event, progress: ProgressFn,
              stop: threading.Event | None = None) -> list[EnrolmentOutcome]:
    """Runs on a worker: face encoding takes seconds per photo. A sqlite3 connection belongs
    to its thread, so the job opens the data folder itself.

    Two ways to stop after the photo being read: `cancel` is the task runner's (the screen is
    closing: the result is dropped), `stop` is the user's Cancel, after which the outcomes of
    the photos read so far still come back, so the screen can say how many were enrolled."""
    from croftpost.core.enrolment import enrol_photos  # loads face_recognition: only when used

    stop = stop or threading.Event()

    def step(done: int, total: int) -> None:
        if cancel.is_set():
            stop.set()
        progress(done, total)

    if cancel.is_set():
        return []
    services = open_services(data_dir, clock)
    try:
        return enrol_photos(services.consent, session, pupil_id, list(paths),
                            whole_image_is_face=False, cancel=stop, progress=step)
    finally:
        services.close()


def published_posts(services: Services, session: Session,
                    pupil_id: str) -> list[PublishedPost]:
    """The posts showing a pupil, newest first, with the start of their words."""
    return [PublishedPost(int(str(row["id"])), local_time(str(row["posted_at"])),
                          channel_short_name(str(row["channel"])), str(row["author"]),
                          _post_text(services, session, row.get("draft_id")))
            for row in services.consent.posts_featuring(pupil_id)]


def _post_text(services: Services, session: Session, draft_id: object) -> str:
    """Posts keep only a hash of their text; the words are in the draft they came from."""
    if draft_id is None:
        return preview(None)
    try:
        body = services.drafts.get(session, int(str(draft_id))).body
    except NotFound:
        return preview(None)
    return preview(body, POST_TEXT_CHARS)


def print_no_photo_lists(services: Services, session: Session, path: Path) -> QTextDocument:
    """Write the lists for every class to `path` (PDF) and record that they were printed."""
    me = services.accounts.current(session)
    pupils = services.consent.pupils(session)  # checks the right to read the register
    today = services.consent.today()
    lists = no_photo_lists(pupils, today)
    heading = ListHeading(services.school.details().name, today, me.full_name)
    document = write_no_photo_pdf(path, lists, heading)
    services.consent.record_no_photo_lists(session, path.name, len(lists),
                                           sum(len(c.entries) for c in lists))
    return document
