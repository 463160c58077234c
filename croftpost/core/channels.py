"""Where a school posts: one list, used by every service, command and screen."""

from __future__ import annotations

from enum import StrEnum

from croftpost.errors import BadInput


class Channel(StrEnum):
    """A channel is its value everywhere a string is expected ("facebook", "dojo")."""

    FACEBOOK = "facebook"
    DOJO = "dojo"

    @property
    def place(self) -> str:
        """Where a post goes, in a sentence (the screens translate their own)."""
        return _PLACES[self]

    @property
    def short_name(self) -> str:
        return _SHORT_NAMES[self]


_PLACES = {Channel.FACEBOOK: "the school's Facebook page", Channel.DOJO: "Dojo class stories"}
_SHORT_NAMES = {Channel.FACEBOOK: "Facebook", Channel.DOJO: "Dojo"}
CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)


def parse_channel(value: str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise BadInput(f'Unknown channel "{value}": use facebook or dojo.') from None
