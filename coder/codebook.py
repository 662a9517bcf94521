"""The codebook's closed vocabularies and pure rules (../shared/codebook.md, sections 2-5).

Everything that validation, coding and release agree on lives here once.
"""

from __future__ import annotations

from typing import Final

#: ACLED export columns, in export order (codebook section 2).
ACLED_COLUMNS: Final[tuple[str, ...]] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC = "Strategic developments"
PV_AND_DEMO = "Political violence; Demonstrations"
DISORDER_TYPES: Final[tuple[str, ...]] = (POLITICAL_VIOLENCE, DEMONSTRATIONS, STRATEGIC, PV_AND_DEMO)

#: event_type -> {sub_event_type: disorder_type} (codebook section 3)
TAXONOMY: Final[dict[str, dict[str, str]]] = {
    "Battles": {
        "Armed clash": POLITICAL_VIOLENCE,
        "Government regains territory": POLITICAL_VIOLENCE,
        "Non-state actor overtakes territory": POLITICAL_VIOLENCE,
    },
    "Explosions/Remote violence": {
        "Chemical weapon": POLITICAL_VIOLENCE,
        "Air/drone strike": POLITICAL_VIOLENCE,
        "Suicide bomb": POLITICAL_VIOLENCE,
        "Shelling/artillery/missile attack": POLITICAL_VIOLENCE,
        "Remote explosive/landmine/IED": POLITICAL_VIOLENCE,
        "Grenade": POLITICAL_VIOLENCE,
    },
    "Violence against civilians": {
        "Sexual violence": POLITICAL_VIOLENCE,
        "Attack": POLITICAL_VIOLENCE,
        "Abduction/forced disappearance": POLITICAL_VIOLENCE,
    },
    "Protests": {
        "Peaceful protest": DEMONSTRATIONS,
        "Protest with intervention": DEMONSTRATIONS,
        "Excessive force against protesters": PV_AND_DEMO,
    },
    "Riots": {
        "Violent demonstration": DEMONSTRATIONS,
        "Mob violence": POLITICAL_VIOLENCE,
    },
    "Strategic developments": {
        "Agreement": STRATEGIC,
        "Arrests": STRATEGIC,
        "Change to group/activity": STRATEGIC,
        "Disrupted weapons use": STRATEGIC,
        "Headquarters or base established": STRATEGIC,
        "Looting/property destruction": STRATEGIC,
        "Non-violent transfer of territory": STRATEGIC,
        "Other": STRATEGIC,
    },
}
EVENT_TYPES: Final[tuple[str, ...]] = tuple(TAXONOMY)
SUB_EVENT_TYPES: Final[tuple[str, ...]] = tuple(s for subs in TAXONOMY.values() for s in subs)
SUB_TO_EVENT: Final[dict[str, str]] = {s: e for e, subs in TAXONOMY.items() for s in subs}

#: inter codes (codebook section 4); 0 means "no actor".
INTER_NAMES: Final[dict[int, str]] = {
    1: "State forces",
    2: "Rebel groups",
    3: "Political militias",
    4: "Identity militias",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
INTER_CODES: Final[dict[str, int]] = {v.lower(): k for k, v in INTER_NAMES.items()}
#: inter codes of armed actors: forces, rebels, militias, external forces.
ARMED_INTERS: Final[frozenset[int]] = frozenset({1, 2, 3, 4, 8})

#: Sub-event types where one side takes territory from another (the loser is actor2).
TAKEOVERS: Final[frozenset[str]] = frozenset(
    {"Government regains territory", "Non-state actor overtakes territory"}
)

CIVILIAN_TARGETING = "Civilian targeting"
SOURCE_SCALES: Final[tuple[str, ...]] = (
    "Local",
    "Subnational",
    "National",
    "Regional",
    "International",
    "New media",
    "Other",
)


def disorder_type_for(sub_event_type: str) -> str | None:
    """disorder_type that follows from a sub_event_type (None if the subtype is unknown)."""
    event_type = SUB_TO_EVENT.get(sub_event_type)
    return TAXONOMY[event_type][sub_event_type] if event_type else None


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """The two inter codes combined, smaller first; a lone actor is N*10 (codebook section 4)."""
    if not inter1:
        return None
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def parse_inter(value: object) -> int | None:
    """Read an inter code written as a number (older exports) or words (newer ones)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an inter code: {value!r}")
    if isinstance(value, int | float):
        code = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if text.lstrip("-").isdigit():
            code = int(text)
        elif text.lower() in INTER_CODES:
            code = INTER_CODES[text.lower()]
        else:
            raise ValueError(f"not an inter code: {value!r}")
    if code == 0:
        return None
    if code not in INTER_NAMES:
        raise ValueError(f"not an inter code: {value!r}")
    return code


def parse_interaction(value: object) -> int | None:
    """Read interaction as a number (`17`) or words (`State forces-Civilians`, `Protesters only`)."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    lowered = text.lower()
    if lowered.endswith(" only"):
        return INTER_CODES[lowered.removesuffix(" only")] * 10
    # "External/Other forces" contains no hyphen, so splitting on the first match is safe.
    for name, code in INTER_CODES.items():
        if lowered.startswith(name + "-"):
            other = lowered[len(name) + 1 :]
            if other in INTER_CODES:
                return interaction_code(code, INTER_CODES[other])
    raise ValueError(f"not an interaction: {value!r}")
