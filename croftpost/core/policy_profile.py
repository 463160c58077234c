"""A school's social media policy as data: clauses, categories, rules, word lists and messages.

The profile is a TOML file (assets/policies/croftlands-2025-26.toml is the model). Another school
copies and edits it; nothing in the code names a school. Loading checks everything the text
checker relies on, so a mistake in an edited copy is a clear BadInput naming the key, never a
surprise on the compose screen.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from croftpost.config import assets_dir
from croftpost.errors import BadInput

DEFAULT_PROFILE = "croftlands-2025-26.toml"
SEVERITIES = ("block", "warn")
EXCERPT_IN_MESSAGE = 40  # longer excerpts are shortened in messages (the underline shows all)

# The rules the engine's matchers produce; a profile must give each a severity and a message.
# Rules that are only word lists (political.party, age_inappropriate.alcohol) may be added freely.
REQUIRED_RULES: Mapping[str, tuple[str, ...]] = {
    "pupil_name": ("full_name", "first_name", "protected", "protected_first_name"),
    "personal_info": ("phone", "email", "address", "postcode", "date_of_birth"),
    "abusive": ("word",),
    "political": ("vote_call", "attack", "hashtag"),
    "commercial": ("short_link", "promo_code", "discount"),
    "donation": ("ask",),
    "direct_message": ("mention", "greeting", "request"),
    "staff_personal_link": ("staff_account", "personal_profile"),
    "age_inappropriate": ("adult",),
    "spam": ("links", "shouting", "repeats"),
}
CATEGORIES = tuple(REQUIRED_RULES)


@dataclass(frozen=True)
class Rule:
    """One way a category is broken, with its severity and the sentence shown to staff."""

    name: str
    severity: str
    message: str
    words: tuple[str, ...] = ()  # phrases matched as whole words in any case
    capitalised: tuple[str, ...] = ()  # matched only when written with a capital first letter
    suppressible: tuple[str, ...] = ()  # words that pass in a sentence about the school

    def render(self, excerpt: str) -> str:
        shown = " ".join(excerpt.split())
        if len(shown) > EXCERPT_IN_MESSAGE:
            shown = shown[: EXCERPT_IN_MESSAGE - 1].rstrip() + "…"
        return self.message.replace("{excerpt}", shown)


@dataclass(frozen=True)
class Category:
    name: str
    clause: str
    quote: str  # the words of the clause this category enforces
    rules: Mapping[str, Rule]
    allow: tuple[str, ...] = ()  # phrases in which this category's words are harmless
    options: Mapping[str, Any] = field(default_factory=dict)  # other lists and numbers

    def words(self, key: str) -> tuple[str, ...]:
        return tuple(self.options.get(key, ()))


@dataclass(frozen=True)
class PolicyProfile:
    title: str
    school: str
    approved_by: str
    approved_on: date
    last_reviewed: date
    next_review_due: date
    clauses: Mapping[str, str]
    categories: Mapping[str, Category]
    organisations: tuple[str, ...]
    allow_phrases: tuple[str, ...]
    path: Path
    # The meaning layer's classifier (assets/models); None reads with the rules alone.
    meaning_model: Path | None = None
    # A listed word's warning gives way where the classifier reads its sentence as allowed with
    # at least this probability ([meaning] clears_warnings_at); None keeps every warning.
    meaning_clears_warnings_at: float | None = None

    def review_overdue(self, today: date) -> bool:
        """True once the review date has passed: the policy may no longer be the school's."""
        return today > self.next_review_due

    def rule(self, category: str, rule: str) -> Rule:
        return self.categories[category].rules[rule]


def default_profile_path() -> Path:
    return assets_dir() / "policies" / DEFAULT_PROFILE


def load_profile(path: str | Path | None = None) -> PolicyProfile:
    """Read and check a policy profile; the Croftlands profile when no path is given."""
    file = Path(path) if path is not None else default_profile_path()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"The policy profile {file} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"The policy profile {file} can't be read ({exc}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"The policy profile {file.name} is not valid TOML: {exc}.") from None
    return _build(data, file)


def _build(data: Mapping[str, Any], file: Path) -> PolicyProfile:
    policy = _table(data, "policy")
    clauses = {str(k): v for k, v in _table(data, "clauses").items()}
    for number, wording in clauses.items():
        if not isinstance(wording, str) or not wording.strip():
            raise BadInput(f"clauses.{number} must be the clause's wording as text.")
    categories = _table(data, "categories")
    missing = [name for name in CATEGORIES if name not in categories]
    if missing:
        raise BadInput(f"The policy profile has no categories.{missing[0]} section.")
    return PolicyProfile(
        title=_text(policy, "policy.title"),
        school=_text(policy, "policy.school"),
        approved_by=_text(policy, "policy.approved_by"),
        approved_on=_date(policy, "policy.approved_on"),
        last_reviewed=_date(policy, "policy.last_reviewed"),
        next_review_due=_date(policy, "policy.next_review_due"),
        clauses=clauses,
        categories={
            name: _category(name, _table(categories, f"categories.{name}"), clauses, file)
            for name in categories
        },
        organisations=_strings(_optional(data, "organisations"), "organisations.allowed"),
        allow_phrases=_strings(_optional(data, "allow"), "allow.phrases"),
        path=file,
        meaning_model=_meaning_model(_optional(data, "meaning"), file),
        meaning_clears_warnings_at=_clears_at(_optional(data, "meaning")),
    )


def _category(
    name: str, table: Mapping[str, Any], clauses: Mapping[str, str], file: Path
) -> Category:
    key = f"categories.{name}"
    clause = _text(table, f"{key}.clause")
    if clause not in clauses:
        raise BadInput(f"{key}.clause names clause {clause}, which the profile does not quote.")
    quote = _text(table, f"{key}.quote")
    if _squash(quote) not in _squash(clauses[clause]):
        raise BadInput(f"{key}.quote is not in the wording of clause {clause}.")
    rules_table = _table(table, f"{key}.rules")
    rules = {
        r: _rule(r, _table(rules_table, f"{key}.rules.{r}"), f"{key}.rules.{r}", file)
        for r in rules_table
    }
    for required in REQUIRED_RULES.get(name, ()):
        if required not in rules:
            raise BadInput(f"{key}.rules.{required} is missing.")
    options = {k: v for k, v in table.items() if k not in {"clause", "quote", "rules", "allow"}}
    for option, value in list(options.items()):
        if isinstance(value, list):
            options[option] = _strings(table, f"{key}.{option}", option)
        elif option.endswith("_file"):  # a long list in its own file: first_names_file
            del options[option]
            options[option.removesuffix("_file")] = _word_file(
                _text(table, f"{key}.{option}"), f"{key}.{option}", file)
    return Category(name, clause, quote, rules, _strings(table, f"{key}.allow", "allow"), options)


def _rule(name: str, table: Mapping[str, Any], key: str, file: Path) -> Rule:
    severity = _text(table, f"{key}.severity")
    if severity not in SEVERITIES:
        raise BadInput(f'{key}.severity must be "block" or "warn", not "{severity}".')
    message = _text(table, f"{key}.message")
    leftover = message.replace("{excerpt}", "")
    if "{" in leftover or "}" in leftover:
        raise BadInput(f"{key}.message may only use {{excerpt}} as a placeholder.")
    words = _strings(table, f"{key}.words", "words")
    if "words_file" in table:
        words += _word_file(_text(table, f"{key}.words_file"), key, file)
    return Rule(
        name=name,
        severity=severity,
        message=message,
        words=words,
        capitalised=_strings(table, f"{key}.capitalised", "capitalised"),
        suppressible=_strings(table, f"{key}.suppressible", "suppressible"),
    )


def _clears_at(table: Mapping[str, Any]) -> float | None:
    value = table.get("clears_warnings_at")
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.5 <= value <= 1:
        raise BadInput("meaning.clears_warnings_at must be a probability from 0.5 to 1.")
    return float(value)


def _meaning_model(table: Mapping[str, Any], profile_file: Path) -> Path | None:
    """The classifier file named by [meaning] model, beside the profile or in the assets."""
    if not table:
        return None
    relative = _text(table, "meaning.model")
    beside, shipped = profile_file.parent / relative, assets_dir() / "models" / Path(relative).name
    for candidate in (beside, shipped):
        if candidate.is_file():
            return candidate
    raise BadInput(f"meaning.model: the classifier {relative} was not found.")


def _word_file(relative: str, key: str, profile_file: Path) -> tuple[str, ...]:
    """Lines of a word list, found beside the profile first, then in croftpost's assets."""
    candidates = [profile_file.parent / relative, assets_dir() / "wordlists" / Path(relative).name]
    for candidate in candidates:
        if candidate.is_file():
            lines = candidate.read_text(encoding="utf-8").splitlines()
            return tuple(s for line in lines if (s := line.split("#", 1)[0].strip()))
    raise BadInput(f"{key}.words_file: the word list {relative} was not found.")


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key.rsplit(".", 1)[-1])
    if not isinstance(value, dict):
        raise BadInput(f"The policy profile needs a [{key}] table.")
    return value


def _optional(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    return _table(data, key) if key in data else {}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key.rsplit(".", 1)[-1])
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{key} must be some text.")
    return value.strip()


def _date(data: Mapping[str, Any], key: str) -> date:
    value = data.get(key.rsplit(".", 1)[-1])
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadInput(f"{key} must be a date written as YYYY-MM-DD.")


def _strings(data: Mapping[str, Any], key: str, name: str | None = None) -> tuple[str, ...]:
    value = data.get(name or key.rsplit(".", 1)[-1], [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BadInput(f"{key} must be a list of words or phrases in quotes.")
    return tuple(v.strip() for v in value)


def _squash(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())
