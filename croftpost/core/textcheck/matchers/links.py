"""Links and handles: staff members' personal accounts (2.1), other people's profiles, shortened
links (2.1 adverts: they hide where they go), @mentions (2.1 messages to specific people) and
links repeated like spam (2.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from croftpost.core.textcheck.document import Doc
from croftpost.core.textcheck.findings import Hit
from croftpost.core.textcheck.normalise import normalise

_TLDS = (
    "com|org|net|uk|io|co|ly|me|gl|at|gd|cc|id|info|biz|app|tv|us|eu|ie|de|fr|ai|xyz|shop|site|"
    "online|link|page|gy|ink|st|ws|ru|cn|ca|au|nz"
)
_URL = re.compile(
    r"(?<![\w@./+-])(?:(?:https?://)(?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,24}"
    rf"|(?:www\.)?(?:[a-z0-9-]{{1,63}}\.){{1,10}}(?:{_TLDS}))(?![a-z0-9-])"
    r"(?::\d{1,5})?(?:[/?#][^\s<>\"'()\[\]{}]{0,500})?"
)
# Starts with the "@" itself, so the regex engine can skip straight to it.
_MENTION = re.compile(r"@(?<![\w@./+-]@)([a-z_][a-z0-9_.]{0,28}[a-z0-9_]|[a-z_])(?![\w@])")
# Every link has a scheme or a dot before a top-level domain: the full pattern is only tried
# on the stretch of text without spaces around one of these.
_URL_HINT = re.compile(rf"://|\.(?:{_TLDS})(?![a-z0-9-])")
_TIME = re.compile(r"\d{1,2}(?:[:.]\d\d)?(?:am|pm)?")
_HOST_ALIASES = {"fb.com": "facebook.com", "twitter.com": "x.com", "fb.me": "facebook.com"}
_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.", "mbasic.", "touch.")
# First path segments that are not somebody's profile.
_NOT_PROFILES = {
    "facebook.com": {
        "events",
        "groups",
        "pages",
        "watch",
        "photo",
        "photos",
        "photo.php",
        "share",
        "sharer",
        "sharer.php",
        "story.php",
        "hashtag",
        "marketplace",
        "help",
        "login",
        "permalink.php",
        "reel",
        "reels",
        "videos",
        "notes",
        "fundraisers",
        "donate",
        "gaming",
        "privacy",
        "policies",
        "media",
        "business",
        "ads",
    },
    "instagram.com": {"p", "reel", "reels", "explore", "stories", "tv", "accounts", "direct"},
    "x.com": {
        "i",
        "home",
        "search",
        "hashtag",
        "intent",
        "share",
        "explore",
        "settings",
        "messages",
        "notifications",
        "compose",
    },
}
_PROFILE_SITES = {
    "facebook.com",
    "instagram.com",
    "tiktok.com",
    "x.com",
    "threads.net",
    "linkedin.com",
    "youtube.com",
    "snapchat.com",
    "pinterest.com",
}


@dataclass(frozen=True, slots=True)
class Account:
    site: str  # "" for a bare @handle
    handle: str


def url_key(url: str) -> str:
    """A link without scheme, www. or trailing slash, for comparing two ways of writing it."""
    key = re.sub(r"^[a-z]+://", "", url.strip().lower())
    for prefix in _HOST_PREFIXES:
        key = key.removeprefix(prefix)
    return key.rstrip("/")


def account(text: str) -> Account | None:
    """The social media account a URL or @handle points to, or None when it is not a profile."""
    text = normalise(text.strip()).text.rstrip("/")
    if text.startswith("@"):
        return Account("", text[1:]) if len(text) > 1 else None
    host, _, path = url_key(text).partition("/")
    host = _HOST_ALIASES.get(host, host)
    if host not in _PROFILE_SITES or not path:
        return None
    segments = [s for s in re.split(r"[/?#&]", path) if s]
    first = segments[0] if segments else ""
    if host == "facebook.com" and first == "profile.php":
        found = re.search(r"id=(\d+)", path)
        return Account(host, f"id:{found.group(1)}") if found else None
    if host == "linkedin.com" and first == "in" and len(segments) > 1:
        return Account(host, segments[1].lower())
    if host in ("tiktok.com", "threads.net", "youtube.com") and not first.startswith("@"):
        return None
    if host == "snapchat.com" and first == "add" and len(segments) > 1:
        return Account(host, segments[1].lower())
    if (
        not first
        or first in _NOT_PROFILES.get(host, ())
        or host in ("linkedin.com", "snapchat.com")
    ):
        return None
    return Account(host, first.lstrip("@").lower())


def _squash(name: str) -> str:
    return "".join(c for c in normalise(name).text if c.isalnum())


class LinkMatcher:
    def __init__(
        self,
        staff_accounts: tuple[str, ...],
        school_contacts: tuple[str, ...],
        organisations: tuple[str, ...],
        short_hosts: tuple[str, ...],
    ) -> None:
        self._staff = {a for a in map(account, staff_accounts) if a}
        self._staff_handles = {a.handle for a in self._staff}
        self._bare_staff_handles = {a.handle for a in self._staff if not a.site}
        school = {a for a in map(account, school_contacts) if a}
        self._school_handles = {a.handle for a in school}
        self._school_urls = {url_key(c) for c in school_contacts}
        self._organisations = {_squash(o) for o in organisations}
        self._short_hosts = frozenset(h.lower() for h in short_hosts)

    def find(self, doc: Doc) -> list[Hit]:
        hits: list[Hit] = []
        urls = _urls(doc.text)
        for match in urls:
            hits += self._link(match.group(), match.start(), match.end())
        if "@" in doc.text:
            for match in _MENTION.finditer(doc.text):
                hits += self._mention(match.group(1), match.start(), match.end())
        hits += self._spam(doc, urls)
        return hits

    def _link(self, url: str, start: int, end: int) -> list[Hit]:
        url = url.rstrip(".,;:!?")
        end = start + len(url)
        host, _, path = url_key(url).partition("/")
        if host in self._short_hosts and path:
            return [Hit("commercial", "short_link", start, end)]
        found = account(url)
        if found is None or url_key(url) in self._school_urls:
            return []
        if found in self._staff or found.handle in self._bare_staff_handles:
            return [Hit("staff_personal_link", "staff_account", start, end)]
        if found.handle in self._school_handles or _squash(found.handle) in self._organisations:
            return []
        return [Hit("staff_personal_link", "personal_profile", start, end)]

    def _mention(self, handle: str, start: int, end: int) -> list[Hit]:
        if _TIME.fullmatch(handle):
            return []
        if handle in self._staff_handles:
            return [Hit("staff_personal_link", "staff_account", start, end)]
        if handle in self._school_handles or _squash(handle) in self._organisations:
            return []
        return [Hit("direct_message", "mention", start, end)]

    def _spam(self, doc: Doc, urls: list[re.Match[str]]) -> list[Hit]:
        outside = [m for m in urls if url_key(m.group()) not in self._school_urls]
        hits, seen = [], set()
        for index, match in enumerate(outside):
            key = url_key(match.group())
            if key in seen or index >= 2:
                hits.append(Hit("spam", "links", match.start(), match.end()))
            seen.add(key)
        if outside and not hits and _shouting(_URL.sub(" ", doc.text), doc):
            hits.append(Hit("spam", "shouting", 0, len(doc.text)))
        return hits


def _urls(text: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    reached = 0
    for hint in _URL_HINT.finditer(text):
        if hint.start() < reached:
            continue
        low = max(reached, _last_space(text, hint.start()) + 1)
        high = _next_space(text, hint.end())
        for m in _URL.finditer(text, low, high):
            found.append(m)
            reached = m.end()
        reached = max(reached, high)
    return found


def _last_space(text: str, at: int) -> int:
    low = max(0, at - 2_000)  # a link is never longer than this
    return max(text.rfind(c, low, at) for c in " \n\t\r")


def _next_space(text: str, at: int) -> int:
    ends = [i for c in " \n\t\r" if (i := text.find(c, at, at + 2_000)) >= 0]
    return min(ends, default=min(len(text), at + 2_000))


def _shouting(without_links: str, doc: Doc) -> bool:
    """Mostly capitals, links aside. Capitals are read from the original (the normalised text
    is lower case); the ratio is taken over the original's letters less the links' letters."""
    link_letters = sum(c.isalpha() for c in doc.text) - sum(c.isalpha() for c in without_links)
    letters = sum(c.isalpha() for c in doc.original) - link_letters
    capitals = sum(c.isupper() for c in doc.original)
    return letters >= 20 and capitals >= 0.7 * letters
