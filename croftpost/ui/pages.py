"""The pages of the main window, as a registry of small factories.

Each page says who may see it (from the core's StaffMember: role permissions, channel
authorisation, whether they are a named approver) and how to build it from a PageContext. The
main window shows only the pages the logged-in person may see, builds each one the first time
it is opened, and keeps it alive afterwards (so an idle lock or a page switch loses nothing).

Later screens plug in by replacing a factory:

    registry = default_registry()
    registry.set_factory("compose", lambda ctx: ComposeView(ctx.services, ctx.session, ctx.tasks))
    MainWindow(services, session, registry=registry)

Hiding a page is a convenience; every core service still checks permissions itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from croftpost.core.accounts import Permission, Session, StaffMember
from croftpost.core.channels import CHANNELS
from croftpost.core.services import Services
from croftpost.ui.workers import TaskRunner


@dataclass(frozen=True)
class PageContext:
    """What a page factory gets: the services, who is acting, and the worker helper."""

    services: Services
    session: Session
    tasks: TaskRunner


PageFactory = Callable[[PageContext], QWidget]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: str  # a name in assets/icons
    allowed: Callable[[StaffMember], bool]
    factory: PageFactory


class PageRegistry:
    """An ordered set of pages, keyed by a short name ("compose", "staff", ...)."""

    def __init__(self) -> None:
        self._specs: dict[str, PageSpec] = {}

    def register(self, spec: PageSpec) -> None:
        """Add a page at the end, or replace the page with the same key in place."""
        self._specs[spec.key] = spec

    def set_factory(self, key: str, factory: PageFactory) -> None:
        self._specs[key] = replace(self._specs[key], factory=factory)

    def spec(self, key: str) -> PageSpec:
        return self._specs[key]

    def keys(self) -> list[str]:
        return list(self._specs)

    def visible_for(self, member: StaffMember) -> list[PageSpec]:
        return [spec for spec in self._specs.values() if spec.allowed(member)]


def may_post_anywhere(member: StaffMember) -> bool:
    return member.can(Permission.CHECK_CONTENT) and any(member.may_post(c) for c in CHANNELS)


def _tr(text: str) -> str:
    return QCoreApplication.translate("pages", text)


def default_registry() -> PageRegistry:
    """Every page of this version."""
    # Imported here so that importing the registry does not import every screen.
    from croftpost.core.textcheck.moderation import COMMENT_CHANNEL
    from croftpost.ui.views.approvals_view import ApprovalsView
    from croftpost.ui.views.audit_view import AuditView
    from croftpost.ui.views.comments_view import CommentsView
    from croftpost.ui.views.compose_view import ComposeView
    from croftpost.ui.views.consent_view import ConsentView
    from croftpost.ui.views.drafts_view import DraftsView
    from croftpost.ui.views.safeguarding_view import SafeguardingView
    from croftpost.ui.views.staff_view import StaffView

    registry = PageRegistry()
    registry.register(
        PageSpec(
            "compose",
            _tr("Compose"),
            "compose",
            may_post_anywhere,
            lambda ctx: ComposeView(ctx.services, ctx.session, ctx.tasks),
        )
    )
    registry.register(
        PageSpec(
            "drafts",
            _tr("Drafts & history"),
            "drafts",
            lambda m: m.can(Permission.CHECK_CONTENT),
            # DraftsView.open_draft_requested(int) is for the Compose page to connect to.
            lambda ctx: DraftsView(ctx.services, ctx.session),
        )
    )
    registry.register(
        PageSpec(
            "approvals",
            _tr("Approvals"),
            "verify",
            # Whoever may post sees their own requests there; approvers (the headteacher and
            # the staff they name, who need not post themselves) also see the queue.
            lambda m: may_post_anywhere(m) or m.may_approve(),
            lambda ctx: ApprovalsView(ctx.services, ctx.session),
        )
    )
    registry.register(
        PageSpec(
            "comments",
            _tr("Comments"),
            "search",
            # 2.3: whoever looks after the school's Facebook page deletes comments there.
            lambda m: m.can(Permission.CHECK_CONTENT) and m.may_post(COMMENT_CHANNEL),
            lambda ctx: CommentsView(ctx.services, ctx.session),
        )
    )
    registry.register(
        PageSpec(
            "consent",
            _tr("Consent register"),
            "consent",
            lambda m: m.can(Permission.MANAGE_CONSENT),
            lambda ctx: ConsentView(ctx.services, ctx.session, ctx.tasks),
        )
    )
    # One screen, two entries so the name fits: the headteacher's alerts, takedown tasks and
    # termly review; everyone else's own takedown tasks (which outlive a revoked
    # authorisation to post, hence not only for those who may post now).
    registry.register(
        PageSpec(
            "safeguarding",
            _tr("Safeguarding"),
            "protected",
            lambda m: m.can(Permission.READ_AUDIT),
            lambda ctx: SafeguardingView(ctx.services, ctx.session, ctx.tasks),
        )
    )
    registry.register(
        PageSpec(
            "takedowns",
            _tr("My takedown tasks"),
            "withdraw",
            lambda m: m.can(Permission.CHECK_CONTENT) and not m.can(Permission.READ_AUDIT),
            lambda ctx: SafeguardingView(ctx.services, ctx.session, ctx.tasks),
        )
    )
    registry.register(
        PageSpec(
            "staff",
            _tr("Staff"),
            "staff",
            lambda m: m.can(Permission.MANAGE_STAFF),
            lambda ctx: StaffView(ctx.services, ctx.session),
        )
    )
    registry.register(
        PageSpec(
            "audit",
            _tr("Audit log"),
            "audit",
            lambda m: m.can(Permission.READ_AUDIT),
            lambda ctx: AuditView(ctx.services, ctx.session, ctx.tasks),
        )
    )
    return registry
