"""The text checker: a draft in, findings that cite the policy out.

`build_checker(context, profile)` compiles the school's pupils, contacts, staff accounts and the
profile's word lists once; `TextChecker.check(text, channel)` then runs on every keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from croftpost.core.channels import CHANNELS
from croftpost.core.policy_profile import PolicyProfile, Rule
from croftpost.core.textcheck.bidi import displayed
from croftpost.core.textcheck.document import Doc, phrase_tokens
from croftpost.core.textcheck.findings import Finding, Hit, Spans, TextContext
from croftpost.core.textcheck.matchers.abusive import DisguiseMatcher, expand, masked_only
from croftpost.core.textcheck.matchers.links import LinkMatcher
from croftpost.core.textcheck.matchers.names import NameMatcher
from croftpost.core.textcheck.matchers.patterns import (
    DirectMessageMatcher,
    PoliticalMatcher,
    age_hits,
    alternation,
    commercial_hits,
    donation_hits,
    spam_hits,
)
from croftpost.core.textcheck.matchers.personal import PersonalInfoMatcher
from croftpost.core.textcheck.meaning import (
    DraftReading,
    MeaningModel,
    contact_needles,
    load_model,
    without_contacts,
)
from croftpost.core.textcheck.phrases import PhraseHit, PhraseIndex
from croftpost.core.textcheck.readings import closed_up
from croftpost.errors import BadInput

ALLOW = "_allow"  # phrase-index category of allow phrases; the rule names what they allow
EVERYTHING = "*"
MEANING = "meaning"  # the classifier is confident: the profile's meaning rule as written
MEANING_UNSURE = "meaning-unsure"  # the classifier is not sure: the same rule, as a warning
# Rules whose words are written as the abusive word list is (endings added, "=" exact, "-" never)
# and found however they are disguised.
_WORD_LISTS = frozenset({("abusive", "word"), ("age_inappropriate", "swearing")})


class TextChecker:
    """A compiled checker for one school context and policy profile. Safe to share between
    threads: check() keeps no state between calls."""

    def __init__(self, context: TextContext, profile: PolicyProfile) -> None:
        self.context = context
        self.profile = profile
        cats = profile.categories
        self._phrases = _phrase_index(profile)
        abusive_entries = profile.rule("abusive", "word").words
        abusive_words, _ = expand(abusive_entries)
        self._disguises = DisguiseMatcher(abusive_words, masked_only(abusive_entries))
        swearing = cats["age_inappropriate"].rules.get("swearing")
        swear_words = expand(swearing.words)[0] if swearing else set()
        self._swearing = (DisguiseMatcher(swear_words, category="age_inappropriate",
                                          rule="swearing") if swear_words else None)
        self._names = NameMatcher(context.pupils, cats["pupil_name"])
        self._personal = PersonalInfoMatcher(cats["personal_info"], context.school_contacts)
        self._links = LinkMatcher(
            context.staff_accounts,
            context.school_contacts,
            profile.organisations,
            cats["commercial"].words("short_link_hosts"),
        )
        self._direct = DirectMessageMatcher(
            cats["direct_message"], [p.first_name for p in context.pupils],
            [p.class_name for p in context.pupils],
        )
        political = cats["political"]
        parties = [
            w
            for r in ("party", "politician")
            if r in political.rules
            for w in political.rules[r].words + political.rules[r].capitalised
        ]
        self._political = PoliticalMatcher(political, parties)
        self._school_vote = _context_regex(political.words("school_vote_context"))
        self._school_business = _context_regex(
            cats["commercial"].words("school_context") + profile.organisations
        )
        # A school's own charity day ("£1 donation for Children in Need") is not a post asking
        # for donations in 2.3's sense, which is about what others post on the page.
        self._charity_days = _context_regex(cats["donation"].words("charity_appeals"))
        self._scam_warnings = _context_regex(cats["commercial"].words("scam_warnings"))
        # A PTA quiz night's licensed bar is the school's own event, not drink glamorised.
        self._school_events = _context_regex(cats["age_inappropriate"].words("school_events"))
        self._suppressible = {
            name: {" ".join(phrase_tokens(w)) for r in cat.rules.values() for w in r.suppressible}
            for name, cat in cats.items()
        }
        self._meaning: MeaningModel | None = (
            load_model(profile.meaning_model) if profile.meaning_model else None
        )
        self._meaning_rules = _meaning_rules(profile, self._meaning)
        self._own_contacts = contact_needles(context.school_contacts)

    def check(self, text: str, channel: str) -> list[Finding]:
        if channel not in CHANNELS:
            raise BadInput(f'Unknown channel "{channel}": use facebook or dojo.')
        # Direction controls or letter-by-letter words: also check the draft as it is read.
        readings = [r for r in (displayed(text), closed_up(text)) if r is not None]
        ruled: dict[tuple[str, int, int], Finding] = {}
        meant: dict[tuple[str, int, int], Finding] = {}
        for doc in [Doc(text)] + [Doc(text, reading) for reading in readings]:
            by_rules, by_meaning = self._check_doc(doc, channel)
            for found, into in ((by_rules, ruled), (by_meaning, meant)):
                for finding in found:
                    into.setdefault((finding.category, finding.start, finding.end), finding)
        # The classifier adds what the rules cannot see, in whichever reading the rule found
        # it: never a doubt beside a rule's block, nor a block beside a block of its own kind.
        blocks = [Hit(f.category, "", f.start, f.end) for f in ruled.values()
                  if f.severity == "block"]
        any_block = Spans(blocks)
        block_of = {c: Spans(h for h in blocks if h.category == c) for c in self._meaning_rules}
        findings = list(ruled.values()) + [
            f for key, f in meant.items()
            if key not in ruled
            and not (any_block if f.guessed else block_of[f.category]).overlap(f)
        ]
        return sorted(_without_echoes(findings), key=lambda f: (f.start, f.end, f.category))

    def _check_doc(self, doc: Doc, channel: str) -> tuple[list[Finding], list[Finding]]:
        """The rules' findings, and the classifier's where the rules found nothing of its kind."""
        hits, allowed = self._phrase_hits(doc)
        hits += self._names.find(doc, channel)
        hits += self._personal.find(doc)
        hits += self._disguises.find(doc)
        if self._swearing is not None:
            hits += self._swearing.find(doc)
        hits += self._links.find(doc)
        hits += self._direct.find(doc)
        hits += self._political.find(doc)
        hits += [h for h in commercial_hits(doc) if not self._about_school(doc, h)]
        hits += [h for h in donation_hits(doc) if not self._charity_day(doc, h)]
        hits += age_hits(doc)
        hits += spam_hits(doc)
        if self._meaning is None:
            return self._findings(doc, hits, allowed), []
        # One reading of the draft (the school's contacts blanked, each sentence scored at most
        # once) serves both the cleared warnings and the classifier's own findings.
        readings = DraftReading(self._meaning, without_contacts(doc.text, self._own_contacts))
        hits = self._without_cleared_warnings(hits, readings)
        return (self._findings(doc, hits, allowed),
                self._findings(doc, self._meaning_hits(readings, hits), allowed))

    def _without_cleared_warnings(self, hits: list[Hit],
                                  readings: DraftReading) -> list[Hit]:
        """A listed word's warning where the classifier reads the whole sentence as plainly
        allowed ("PSHE this week: the effects of alcohol", "Year 6 smashed it"): the word list
        cannot see the sentence, the classifier can. Blocks are never cleared, nor a warning in
        a sentence too short for the classifier to judge."""
        clear_at = self.profile.meaning_clears_warnings_at
        warned = [h for h in hits if h.category in self._meaning_rules and not self._blocks(h)]
        if clear_at is None or not warned:
            return hits
        of_hit = {id(h): readings.sentence_at(h.start) for h in warned}
        read = readings.of_sentences([s for s in of_hit.values() if s is not None])
        warn_at = readings.model.warn_at
        cleared = set()
        for hit in warned:
            span = of_hit[id(hit)]
            reading = read.get(span) if span else None  # None: too short to judge
            if reading is not None and reading.scores.get("ok", 0.0) >= clear_at \
                    and reading.scores[hit.category] < warn_at[hit.category]:
                cleared.add(id(hit))
        return [h for h in hits if id(h) not in cleared]

    def _meaning_hits(self, readings: DraftReading, rule_hits: list[Hit]) -> list[Hit]:
        """Passages that read like a category, where the rules found nothing of it there.

        A short draft is read whole; a long one in overlapping passages of a few sentences.
        The underline falls on the passage's most telling sentence."""
        model = readings.model
        if not self._meaning_rules:
            return []
        warn_at = model.warn_at
        flagged = [p for p in readings.passages()
                   if any(p.scores[c] >= warn_at[c] for c in self._meaning_rules)]
        # Their sentences scored in one go, to underline the most telling.
        readings.of_sentences([s for p in flagged for s in readings.sentences_in(p)])
        found: dict[tuple[str, int, int], str] = {}
        for passage in flagged:
            for category in self._meaning_rules:
                score = passage.scores[category]
                if score < warn_at[category]:
                    continue
                start, end = readings.most_telling(passage, category)
                rule = MEANING if score >= model.block_at[category] else MEANING_UNSURE
                if rule == MEANING and category == "spam" and self._scam_warnings.search(
                        readings.text, passage.start, passage.end):
                    rule = MEANING_UNSURE  # a warning about a scam reads like the scam it quotes
                if any(start < h.end and h.start < end and self._says_it(h, category, rule)
                       for h in rule_hits):
                    continue  # the rules already said it there, more precisely
                key = (category, start, end)
                if found.get(key) != MEANING:
                    found[key] = rule
        return [Hit(category, rule, start, end) for (category, start, end), rule in found.items()]

    def _says_it(self, hit: Hit, category: str, rule: str) -> bool:
        """Does a rule's hit make the classifier's reading there redundant? Any rule's
        finding makes a doubt redundant; only a block of the same kind makes a confident
        reading redundant: "+44 7700 900123" is personal information, and the post around it
        that reads like a get-rich scam is spam too, which a moderator needs to know."""
        if rule == MEANING_UNSURE:
            return True
        return hit.category == category and self._blocks(hit)

    def _phrase_hits(self, doc: Doc) -> tuple[list[Hit], list[Hit]]:
        hits: list[Hit] = []
        allowed: list[Hit] = []
        for found in self._phrases.scan(doc):
            entry = found.entry
            hit = Hit(entry.category, entry.rule, found.start, found.end)
            if entry.category == ALLOW:
                allowed.append(hit)
            elif not self._suppressed(doc, found, hit):
                hits.append(hit)
        return hits, allowed

    def _suppressed(self, doc: Doc, found: PhraseHit, hit: Hit) -> bool:
        """Votes, sales, charity days and PTA bars that are school life ("vote for your school
        council rep", "£1 donation for Children in Need", "a licensed bar at the PTA quiz night"),
        and scam phrases quoted in a warning."""
        if hit.category == "political" and hit.rule == "vote_call":
            return bool(self._school_vote.search(doc.sentence(hit.start, hit.end)))
        suppressible = " ".join(found.entry.tokens) in self._suppressible[hit.category]
        if hit.category == "commercial" and suppressible:
            # "If a message says you've won a prize, it's a scam": the phrase is an example.
            return self._about_school(doc, hit) or _in_paragraph(self._scam_warnings, doc, hit)
        if hit.category == "age_inappropriate" and suppressible:
            return _in_paragraph(self._school_events, doc, hit)
        if hit.category == "donation":
            return self._charity_day(doc, hit)
        return False

    def _charity_day(self, doc: Doc, hit: Hit) -> bool:
        return _in_paragraph(self._charity_days, doc, hit)

    def _about_school(self, doc: Doc, hit: Hit) -> bool:
        if hit.rule == "promo_code":
            return False  # a promotion code is an advert whatever the sentence says
        # The paragraph, not the sentence: "You've won! If your raffle ticket..." is one notice.
        return _in_paragraph(self._school_business, doc, hit)

    def _findings(self, doc: Doc, hits: list[Hit], allowed: list[Hit]) -> list[Finding]:
        findings = []
        general = Spans(h for h in allowed if h.rule == EVERYTHING)
        own = {c: Spans(h for h in allowed if h.rule == c) for c in {h.rule for h in allowed}}
        for hit in _distinct(hits):
            rule = self._rule(hit)
            if rule is None or (hit.category in own and own[hit.category].cover(hit)):
                continue
            if rule.severity == "warn" and general.cover(hit):
                continue
            start, end = doc.span(hit.start, hit.end)
            excerpt = doc.original[start:end]
            findings.append(
                Finding(
                    category=hit.category,
                    severity=rule.severity,  # type: ignore[arg-type]
                    start=start,
                    end=end,
                    excerpt=excerpt,
                    clause=self.profile.categories[hit.category].clause,
                    message=rule.render(doc.quote(hit.start, hit.end)),
                    guessed=hit.rule == MEANING_UNSURE,
                )
            )
        return findings

    def _blocks(self, hit: Hit) -> bool:
        rule = self._rule(hit)
        return rule is not None and rule.severity == "block"

    def _rule(self, hit: Hit) -> Rule | None:
        if hit.rule in (MEANING, MEANING_UNSURE):
            return self._meaning_rules.get(hit.category, {}).get(hit.rule)
        return self.profile.categories[hit.category].rules.get(hit.rule)


def _meaning_rules(
    profile: PolicyProfile, model: MeaningModel | None
) -> dict[str, dict[str, Rule]]:
    """The categories the classifier may report: those the model knows and the profile gives a
    meaning rule. An unsure reading only ever warns, whatever the rule's severity."""
    if model is None:
        return {}
    rules = {}
    for category in model.classes:
        rule = profile.categories.get(category, None)
        meaning = rule.rules.get(MEANING) if rule else None
        if meaning is not None:
            rules[category] = {MEANING: meaning, MEANING_UNSURE: replace(meaning, severity="warn")}
    return rules


def build_checker(context: TextContext, profile: PolicyProfile) -> TextChecker:
    return TextChecker(context, profile)


def check_text(
    text: str, channel: str, context: TextContext, profile: PolicyProfile
) -> list[Finding]:
    """One-off check; for checking on every keystroke build a checker once and reuse it."""
    return build_checker(context, profile).check(text, channel)


def _phrase_index(profile: PolicyProfile) -> PhraseIndex:
    index = PhraseIndex()
    for name, category in profile.categories.items():
        for rule in category.rules.values():
            words = rule.words
            word_list = (name, rule.name) in _WORD_LISTS
            if word_list:
                singles, phrases = expand(words)
                words = tuple(sorted(singles)) + tuple(phrases)
            for word in words:
                index.add(word, name, rule.name, leet=name == "abusive" or word_list)
            for word in rule.capitalised:
                index.add(word, name, rule.name, capitalised=True)
        for phrase in category.allow:
            index.add(phrase, ALLOW, name)
    if "attack" in profile.categories["political"].rules:
        for phrase in _attack_phrases(profile):
            index.add(phrase, "political", "attack")
    for phrase in profile.allow_phrases:
        index.add(phrase, ALLOW, EVERYTHING)
    return index


def _attack_phrases(profile: PolicyProfile) -> Iterable[str]:
    """ "useless government", "corrupt politicians": the attack words before their subjects."""
    political = profile.categories["political"]
    for word in political.words("attack_words"):
        if " " not in word:
            for subject in ("government", "politicians", "mps", "ministers", "tories"):
                yield f"{word} {subject}"


def _in_paragraph(context: re.Pattern[str], doc: Doc, hit: Hit) -> bool:
    """Does the paragraph around the hit name one of a context list's phrases?"""
    return bool(context.search(doc.paragraph(hit.start, hit.end)))


def _context_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9])(?:{alternation(phrases)})(?![a-z0-9])")


def _distinct(hits: list[Hit]) -> list[Hit]:
    """One hit per place and category: the longest wins where a category's hits overlap."""
    ordered = sorted(set(hits), key=lambda h: (h.category, h.start, -h.end))
    kept: list[Hit] = []
    for hit in ordered:
        last = kept[-1] if kept else None
        if last and last.category == hit.category and hit.start < last.end:
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.end, h.category))


def _without_echoes(findings: list[Finding]) -> list[Finding]:
    """Drop a warning lying inside a block of another category ("kill" in "kill yourself"), and
    an @mention that is itself an abusive word ("@rse"): one underline, the clearer reason.
    A pupil's name is never dropped: "Welcome back Leo" is a message to one person and also
    names Leo, whose consent or protection decides on its own."""
    blocks = Spans(Hit(f.category, "", f.start, f.end) for f in findings if f.severity == "block")
    abusive = {(f.start, f.end) for f in findings if f.category == "abusive"}
    return [
        f
        for f in findings
        if (f.severity == "block" or f.category == "pupil_name" or not blocks.cover(f))
        and not (f.category == "direct_message" and (f.start, f.end) in abusive)
    ]
