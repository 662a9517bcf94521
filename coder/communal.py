"""Identity militias named after an ethnic group: "Pokot raiders" is `Pokot Ethnic Militia (Kenya)`.

ACLED names an armed group drawn from a community "<Group> Ethnic Militia (<country>)", inter
4 (identity militia). Members of the community named as victims ("Abanyabasi villagers",
"Turkana women") are not a militia: those mentions are left to the civilian words of
`coder.actors`. The groups, their spellings and home countries are in
datasets/ethnic_groups.csv, written for this project.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coder.actors import Actor, ActorMention

GROUPS_CSV = Path(__file__).resolve().parent.parent / "datasets" / "ethnic_groups.csv"
INTER_IDENTITY_MILITIA = 4

#: Words after a group name that make its members victims, not fighters.
_VICTIM_NOUNS = frozenset(
    [
        "villagers",
        "residents",
        "civilians",
        "farmers",
        "women",
        "children",
        "families",
        "people",
        "traders",
        "students",
        "pupils",
        "worshippers",
        "mourners",
        "passengers",
        "family",
        "man",
        "woman",
        "boy",
        "girl",
        "child",
        "elder",
        "elders",
    ]
)


#: ... and the words after or before a group name that make it a place: many Kenyan counties
#: and towns carry a people's name ("in West Pokot county", "the Kericho-Nandi boundary", "houses
#: torched in Keiyo").
_PLACE_NOUNS = frozenset(
    [
        "county",
        "district",
        "constituency",
        "border",
        "boundary",
        "town",
        "village",
        "region",
        "province",
        "area",
        "location",
        "division",
        "sub",
        "central",
        "north",
        "south",
        "east",
        "west",
    ]
)
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|near|West|East|North|South|Central|Trans)\s+|\w-)$")


@dataclass(frozen=True)
class _Group:
    name: str
    country: str


@cache
def _groups() -> tuple[re.Pattern[str], dict[str, _Group]]:
    by_alias: dict[str, _Group] = {}
    with GROUPS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            group = _Group(row["name"], row["country"])
            for alias in [row["name"], *row["aliases"].split("|")]:
                if alias.strip():
                    by_alias[alias.strip().lower()] = group
    names = sorted(by_alias, key=len, reverse=True)  # longest spelling first
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in names) + r")\b(?:\s+([a-z]+))?", re.IGNORECASE
    )
    return pattern, by_alias


def is_group_name(name: str) -> bool:
    """`name` is one of the ethnic groups' spellings ("Turkana", "Kikuyu")."""
    return name.strip().lower() in _groups()[1]


def find_identity_militias(text: str) -> list[ActorMention]:
    """Mentions of ethnic groups acting as armed groups, in text order."""
    pattern, by_alias = _groups()
    out = []
    for match in pattern.finditer(text):
        if not match.group(1)[0].isupper():  # "meru" the word is rare; "Meru" the people or town
            continue
        noun = (match.group(2) or "").lower()
        if noun in _VICTIM_NOUNS or noun in _PLACE_NOUNS:
            continue
        after = match.group(2) or ""
        if not after[:1].islower() and _PLACE_BEFORE.search(text, max(0, match.start() - 8), match.start()):
            continue  # "houses torched in Keiyo." is a place; "in Toposa violence" the people
        group = by_alias[match.group(1).lower()]
        actor = Actor(f"{group.name} Ethnic Militia ({group.country})", INTER_IDENTITY_MILITIA, group.country)
        out.append(ActorMention(match.start(1), match.end(1), match.group(1), actor, None))
    return out


def merge_mentions(found: list[ActorMention], extra: list[ActorMention]) -> list[ActorMention]:
    """`found` plus the `extra` mentions that overlap none of them, in text order.

    A generic identity militia right after a named group ("Maasai clans", "Pokot raiders") is
    that group: the generic mention goes.
    """
    kept = [e for e in extra if not any(e.start < f.end and f.start < e.end for f in found)]
    named = [
        f
        for f in found
        if not (
            f.actor.inter == INTER_IDENTITY_MILITIA
            and f.actor.name.startswith("Unidentified")
            and any(0 <= f.start - e.end <= 1 for e in kept)
        )
    ]
    return sorted([*named, *kept], key=lambda m: m.start)
