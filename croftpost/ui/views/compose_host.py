"""What the compose screen's two helpers may use of the screen.

PhotoFlow (checking photos, restoring face decisions) and PostingPanel (approval, safe copies,
publishing through the PostComposer) depend on this protocol, not on ComposeView, so the three
modules do not import each other; ComposeView satisfies it.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from croftpost.core.accounts import Session
from croftpost.core.consent_model import Pupil
from croftpost.core.services import Services
from croftpost.core.textcheck import Finding
from croftpost.ui.compose_tasks import PhotoJobs
from croftpost.ui.views.compose_photos import PhotoStrip
from croftpost.ui.views.photo_set import PhotoSet
from croftpost.ui.widgets import StatusMessage
from croftpost.ui.workers import TaskRunner


class ComposeHost(Protocol):
    services: Services
    session: Session
    tasks: TaskRunner
    jobs: PhotoJobs
    draft_id: int | None
    findings: tuple[Finding, ...]
    acknowledged: list[dict[str, str]]
    current_dialog: QWidget | None
    photos: PhotoSet
    strip: PhotoStrip
    message: StatusMessage

    @property
    def scan_finished(self) -> SignalInstance: ...
    def channel(self) -> str: ...
    def text(self) -> str: ...
    def is_busy(self) -> bool: ...
    def pupils(self) -> list[Pupil]: ...
    def check_text_now(self) -> None: ...
    def show_findings(self) -> None: ...
    def refresh_consents(self) -> None: ...
    def draft_changed(self) -> None: ...
    def save_draft(self) -> None: ...
    def new_post(self, save: bool = True) -> None: ...
