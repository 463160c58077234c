"""croftpost check-text and croftpost moderate: the text policy checks (2.1, 2.3) on the command
line, on the same TextService as the compose screen.

check-text exits 0 when the text is ok or only has warnings, 1 when something blocks it.
moderate exits 0 when no comment needs deleting, 1 when at least one does.
Both exit 2 for bad input (a file that can't be read, text that is not UTF-8).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from croftpost.commands.context import CliContext, out
from croftpost.core.accounts import channel_label
from croftpost.core.policy_profile import PolicyProfile
from croftpost.core.policy_review import PolicyReview
from croftpost.core.text_service import BLOCKING_CANDIDATE, ModeratedComment, ModerationReport
from croftpost.core.textcheck import CHANNELS, Finding, parse_comments
from croftpost.errors import BadInput
from croftpost.files import MAX_TEXT_BYTES, read_regular_file

CATEGORY_LABELS = {
    "pupil_name": "pupil's name",
    "personal_info": "personal information",
    "abusive": "abusive or offensive",
    "political": "political",
    "commercial": "advertising",
    "donation": "asking for money",
    "direct_message": "message to one person",
    "staff_personal_link": "personal account",
    "age_inappropriate": "not for children",
    "spam": "spam",
}
SEVERITY_LABELS = {"block": "MUST FIX", "warn": "CHECK"}
SHOWN_CHARS = 70  # a comment is shortened to this in the listing


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    check = commands.add_parser(
        "check-text", parents=[common],
        help="check a draft against the social media policy",
        description="Check a draft against the school's social media policy (2.1, 2.3). "
                    "Exit 0: fine or only warnings; 1: something must be fixed; 2: bad input. "
                    "JSON offsets are character positions in the text.")
    check.add_argument("file", nargs="?", default="-", metavar="FILE|-",
                       help="a UTF-8 text file, or - to read standard input (the default)")
    check.add_argument("--channel", required=True, choices=CHANNELS,
                       help="where the post will go: the names with consent differ")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(handler=_check_text)

    moderate = commands.add_parser(
        "moderate", parents=[common],
        help="say which comments on the school's page to delete (2.3)",
        description="Read comments (a CSV with the header author,comment, or one comment per "
                    "line) and say which to delete under policy 2.3. Deleted comments are "
                    f"tallied per author; authors with {BLOCKING_CANDIDATE} or more are "
                    "candidates for blocking. Exit 0: nothing to delete; 1: some comments "
                    "should be deleted; 2: bad input.")
    moderate.add_argument("file", metavar="FILE", help="the comments, as UTF-8 (- for stdin)")
    moderate.add_argument("--json", action="store_true", help="print the result as JSON")
    moderate.set_defaults(handler=_moderate)


# -- reading input ---------------------------------------------------------------------------------


def read_text(name: str) -> str:
    """A UTF-8 file or standard input as text; a clear BadInput for anything else."""
    label = "standard input" if name == "-" else name
    try:
        data = sys.stdin.buffer.read() if name == "-" else read_regular_file(name, MAX_TEXT_BYTES)
    except OSError as exc:
        raise BadInput(f"Can't read {label}: {exc.strerror or exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{label} is not UTF-8 text (a byte at position {exc.start} can't be "
                       "read): save it as UTF-8 (\"Unicode\") and try again.") from None


# -- check-text ------------------------------------------------------------------------------------


def finding_json(finding: Finding) -> dict[str, object]:
    return {
        "category": finding.category,
        "severity": finding.severity,
        "start": finding.start,
        "end": finding.end,
        "excerpt": finding.excerpt,
        "clause": finding.clause,
        "message": finding.message,
    }


def _check_text(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    text = read_text(args.file)
    service = ctx.services.text
    result = service.check(session, text, args.channel)
    _note_overdue_review(ctx.services.policy.status())
    if args.json:
        out(json.dumps({"verdict": result.verdict,
                        "findings": [finding_json(f) for f in result.findings]},
                       ensure_ascii=False, indent=2))
    else:
        out(_verdict_line(result.verdict, len(result.findings), args.channel))
        for finding in result.findings:
            out()
            out(_describe(finding, text, service.profile))
    return 1 if result.verdict == "block" else 0


def _verdict_line(verdict: str, count: int, channel: str) -> str:
    where = channel_label(channel)
    if verdict == "ok":
        return f"OK: nothing in this text goes against the social media policy for {where}."
    things = f"{count} thing{'s' if count != 1 else ''}"
    if verdict == "warn":
        return f"Check before posting on {where}: {things} to look at (allowed, but think twice)."
    return (f"Not ready for {where}: {things} to change. Fix every MUST FIX below "
            "before posting.")


def _describe(finding: Finding, text: str, profile: PolicyProfile) -> str:
    line = text.count("\n", 0, finding.start) + 1
    column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
    label = CATEGORY_LABELS.get(finding.category, finding.category)
    category = profile.categories.get(finding.category)
    quote = f'\n    Policy {finding.clause}: "{category.quote}"' if category else ""
    return (f"  {SEVERITY_LABELS[finding.severity]}  line {line}, column {column}: {label}\n"
            f"    {finding.message}{quote}")


def _note_overdue_review(review: PolicyReview) -> None:
    if review.overdue:
        when = f"{review.due_on.day} {review.due_on:%B %Y}"
        print(f"croftpost: note: the social media policy was due for review on {when}. Once "
              "the governors have reviewed it, the headteacher records it with `croftpost "
              "school policy-review --next-due YYYY-MM-DD`.", file=sys.stderr)


# -- moderate --------------------------------------------------------------------------------------


def _moderate(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    session = ctx.login()
    comments = parse_comments(read_text(args.file))
    service = ctx.services.text
    report = service.moderate(session, comments)
    _note_overdue_review(ctx.services.policy.status())
    if args.json:
        out(json.dumps(moderation_json(report), ensure_ascii=False, indent=2))
    elif not comments:
        out(f"No comments found in {'standard input' if args.file == '-' else args.file}.")
    else:
        _print_moderation(report)
    return 1 if report.to_delete else 0


def _action(item: ModeratedComment) -> str:
    if item.decision.delete:
        return "delete"
    return "review" if item.decision.review else "keep"


def moderation_json(report: ModerationReport) -> dict[str, object]:
    actions = [_action(c) for c in report.comments]
    return {
        "comments": [
            {
                "line": item.line,
                "author": item.decision.author,
                "comment": item.decision.text,
                "action": action,
                "delete": item.decision.delete,
                "reasons": [finding_json(f) for f in item.decision.reasons],
                "review": [finding_json(f) for f in item.decision.review],
                "counted": item.counted,
            }
            for item, action in zip(report.comments, actions, strict=True)
        ],
        "summary": {
            "comments": len(actions),
            "delete": actions.count("delete"),
            "review": actions.count("review"),
            "keep": actions.count("keep"),
            "newly_counted": report.newly_counted,
        },
        "candidates_for_blocking": [
            {"author": t.author, "deleted_comments": t.deleted} for t in report.candidates
        ],
    }


def _print_moderation(report: ModerationReport) -> None:
    actions = [_action(c) for c in report.comments]
    out(f"{len(actions)} comment{'s' if len(actions) != 1 else ''}: "
        f"{actions.count('delete')} to delete, {actions.count('review')} to look at, "
        f"{actions.count('keep')} fine.")
    for item, action in zip(report.comments, actions, strict=True):
        out()
        out(_comment_heading(item, action))
        _print_findings("why", item.decision.reasons)
        _print_findings("look at", item.decision.review)
    out()
    _print_candidates(report)


def _comment_heading(item: ModeratedComment, action: str) -> str:
    shown = " ".join(item.decision.text.split())
    if len(shown) > SHOWN_CHARS:
        shown = shown[: SHOWN_CHARS - 1].rstrip() + "…"
    author = item.decision.author or "(no author)"
    word = {"delete": "DELETE (2.3)", "review": "KEEP, but look at it", "keep": "keep"}[action]
    return f"  line {item.line}, {author}: {word}\n    \"{shown}\""


def _print_findings(heading: str, findings: Sequence[Finding]) -> None:
    for finding in findings:
        label = CATEGORY_LABELS.get(finding.category, finding.category)
        out(f"    {heading}: {label} (policy {finding.clause}). {finding.message}")


def _print_candidates(report: ModerationReport) -> None:
    if report.newly_counted:
        out(f"Added {report.newly_counted} deleted comment"
            f"{'s' if report.newly_counted != 1 else ''} to their authors' tally "
            "(comments counted before are not counted again).")
    if not report.candidates:
        return
    out(f"Candidates for blocking ({BLOCKING_CANDIDATE} or more deleted comments; policy 2.3: "
        "\"if users are repeatedly abusive or inappropriate, they will be blocked\"):")
    for tally in report.candidates:
        out(f"  {tally.author}: {tally.deleted} deleted comments")
