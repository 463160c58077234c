"""Exceptions raised by the core services.

Each carries one plain sentence that the CLI prints as it is and the screens show in a dialog.
"""


class CroftpostError(Exception):
    """Base class: a refusal or failure that the user should read, never a traceback."""

    exit_code = 1


class PermissionDenied(CroftpostError):
    """The acting user's role or channel authorisation does not allow this."""


class AuthenticationFailed(CroftpostError):
    """Wrong username or password."""


class AccountLocked(CroftpostError):
    """Too many failed logins: the account is locked for a while."""


class AccountRevoked(CroftpostError):
    """The account has been revoked by the headteacher."""


class Refused(CroftpostError):
    """A request that is understood but may not go ahead yet (a post that still blocks)."""


class NotFound(CroftpostError):
    """A named record (staff member, pupil, draft) does not exist."""


class BadInput(CroftpostError):
    """A file, value or argument that can't be used."""

    exit_code = 2


class BadPhoto(BadInput):
    """A file that is not a usable photo (not an image, truncated, a decompression bomb)."""


class DataFolderError(CroftpostError):
    """The data folder is missing, unreadable, locked, corrupt or already set up."""

    exit_code = 2


def short_text(text: str, limit: int, what: str = "A note") -> str:
    """`text` without surrounding blanks; BadInput when it is longer than `limit` characters
    (notes and comments are stored whole and shown in lists)."""
    cleaned = text.strip()
    if len(cleaned) > limit:
        raise BadInput(f"{what} can be at most {limit:,} characters long.")
    return cleaned
