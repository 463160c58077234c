"""The fictional school the text corpus is labelled against. Every name is invented.

Consent states are a deliberate mix: both channels, one channel, none, and protected pupils
(whose names never appear whatever the consents). Some first names are also ordinary words
(Grace, May, Eve, Holly) to test that months, carols and greetings are not read as pupils.
The phone numbers are in Ofcom's ranges reserved for drama (01632 960xxx, 07700 900xxx).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from croftpost.core.textcheck import PupilName, TextContext

CORPUS = Path(__file__).with_name("text_corpus.jsonl")
BOTH = frozenset({"facebook", "dojo"})
FACEBOOK = frozenset({"facebook"})
DOJO = frozenset({"dojo"})
NONE: frozenset[str] = frozenset()

PUPILS = (
    PupilName("p01", "Ava", "Thornber", "Class 3", BOTH),
    PupilName("p02", "Oliver", "Pennington", "Class 4", DOJO),
    PupilName("p03", "Isla", "Whitfield", "Class 2", NONE),
    PupilName("p04", "Noah", "Birkett", "Class 5", FACEBOOK),
    PupilName("p05", "Leo", "Askew", "Class 3", BOTH, protected=True),
    PupilName("p06", "Maisie", "Holker", "Reception", NONE),
    PupilName("p07", "Harry", "Postlethwaite", "Class 1", BOTH),
    PupilName("p08", "Grace", "Tyson", "Class 4", NONE),
    PupilName("p09", "May", "Fell", "Class 2", NONE),
    PupilName("p10", "Eve", "Rigg", "Class 5", NONE),
    PupilName("p11", "Holly", "Benson", "Class 6", NONE),
    PupilName("p12", "Jack", "Moffat", "Class 2", DOJO),
    PupilName("p13", "Amara", "Okafor", "Class 6", BOTH),
    PupilName("p14", "Zoë", "Lindqvist", "Class 1", NONE),
    PupilName("p15", "Rhys", "O'Hara", "Class 5", NONE),
    PupilName("p16", "Kacper", "Nowak", "Class 6", NONE, protected=True),
)

SCHOOL_CONTACTS = (
    "01632 960100",
    "office@croftlands.example.sch.uk",
    "www.croftlands-jun.cumbria.sch.uk",
    "www.croftlandsinf.cumbria.sch.uk",
    "https://www.facebook.com/CroftlandsSchools",
    "Croftlands Junior School, 1 Croft Lane, Ulverston LA12 7ZZ",
)

STAFF_ACCOUNTS = (
    "https://www.facebook.com/jenny.dalzell.77",
    "@mrdenwood_runs",
    "instagram.com/missk.bakes",
)

CONTEXT = TextContext(pupils=PUPILS, school_contacts=SCHOOL_CONTACTS, staff_accounts=STAFF_ACCOUNTS)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    channel: str
    expect: frozenset[str]
    kind: str  # post or comment
    delete: bool | None  # for comments: should 2.3 moderation delete it?


def load_corpus(path: Path = CORPUS) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        items.append(
            Item(
                id=row["id"],
                text=row["text"],
                channel=row.get("channel", "facebook"),
                expect=frozenset(row.get("expect", [])),
                kind=row.get("kind", "post"),
                delete=row.get("delete"),
            )
        )
    return items
