"""CLI commands, one module per area. Each module has register(subparsers, common)."""

from croftpost.commands import (
    alerts_cmd,
    approvals_cmd,
    audit_cmd,
    backup_cmd,
    consent_cmd,
    draft_cmd,
    photo_cmd,
    report_cmd,
    school_cmd,
    setup_cmd,
    staff_cmd,
    takedowns_cmd,
    text_cmd,
    video_cmd,
)

COMMAND_MODULES = (setup_cmd, staff_cmd, school_cmd, consent_cmd, photo_cmd, text_cmd,
                   video_cmd, draft_cmd, approvals_cmd, takedowns_cmd, alerts_cmd, report_cmd,
                   audit_cmd, backup_cmd)
