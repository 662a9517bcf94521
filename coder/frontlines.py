"""Who faces whom across a front line, for reports of fire that do not say who fired.

Monitors report ceasefire violations without naming a shooter ("explosions in both directions of
the frontline near X", "shelling along the contact line"). A careful coder knows who holds the
two sides of that line and codes the event as a fight between them, rather than between
unidentified armed groups. datasets/frontlines.csv (written for this project) lists each front:
the country, its provinces, the period and the two sides, by their dictionary names.

Only unidentified actors are replaced, and only when the text itself speaks of the front line or
of a ceasefire violation, so an event a report attributes keeps its actors.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coder.actors import Actor, dictionary_actor
from coder.gazetteer import distance_km, get_gazetteer
from coder.textnorm import name_key

FRONTLINES_CSV = Path(__file__).resolve().parent.parent / "datasets" / "frontlines.csv"
CONTROL_CSV = Path(__file__).resolve().parent.parent / "datasets" / "frontline_control.csv"

# Words of any front; each front's own names ("OSCE SMM") are in the CSV.
_CUE = re.compile(
    r"\b(?:front[- ]?lines?|contact line|line of contact|ceasefire violations?|cease-fire violations?)\b",
    re.IGNORECASE,
)
_UNIDENTIFIED = re.compile(r"^Unidentified Armed Group \(")


@dataclass(frozen=True)
class Front:
    country: str
    admin1: frozenset[str]
    start: dt.date
    end: dt.date | None
    side_a: str
    side_b: str
    names: re.Pattern[str] | None  # names only this front has ("OSCE SMM" for the Donbas)

    def during(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day and (self.end is None or day <= self.end)

    def cue(self, text: str) -> re.Match[str] | None:
        """Where the text speaks of this front: one of its own names, else a front word."""
        return (self.names.search(text) if self.names else None) or _CUE.search(text)

    def holds(self, text: str, country: str | None, admin1: str | None, day: dt.date | None) -> bool:
        """An event on this front: its country and period, and a province of the front (or no
        province found) — any province when the text names the front itself."""
        if country != self.country or not self.during(day):
            return False
        if self.names is not None and self.names.search(text):
            return True
        return admin1 is None or admin1 in self.admin1


@cache
def fronts() -> tuple[Front, ...]:
    with FRONTLINES_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Front(
                country=row["country"],
                admin1=frozenset(a.strip() for a in row["admin1"].split("|") if a.strip()),
                start=dt.date.fromisoformat(row["start"]),
                end=dt.date.fromisoformat(row["end"]) if row["end"] else None,
                side_a=row["side_a"],
                side_b=row["side_b"],
                names=_names(row["names"]),
            )
            for row in csv.DictReader(fh)
        )


def _names(names: str) -> re.Pattern[str] | None:
    words = [re.escape(n.strip()) for n in names.split("|") if n.strip()]
    return re.compile(r"\b(?:" + "|".join(words) + r")\b") if words else None


def front_named(text: str, day: dt.date | None) -> str | None:
    """The country of a front the text names by one of its own names ("OSCE SMM"), if any: a
    country vote, since such reports often name only a village."""
    for front in fronts():
        if front.names is not None and front.during(day) and front.names.search(text):
            return front.country
    return None


@dataclass(frozen=True)
class _Held:
    side: str  # "side_a" or "side_b" of the front through its province
    start: dt.date
    end: dt.date

    def during(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@cache
def _control_rows() -> tuple[tuple[str, str, tuple[str, ...], _Held], ...]:
    """(country, admin1, names, holder) of each row of datasets/frontline_control.csv."""
    out = []
    with CONTROL_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            start, end = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
            held = _Held(row["held_by"], start, end)
            if held.side not in ("side_a", "side_b"):
                raise ValueError(f"{CONTROL_CSV.name}: held_by must be side_a or side_b, not {held.side!r}")
            out.append((row["country"], row["admin1"], tuple(row["place"].split("|")), held))
    return tuple(out)


@cache
def _control() -> dict[tuple[str, str, str], tuple[_Held, ...]]:
    """(country, admin1, name key) -> who held the place, by period."""
    out: dict[tuple[str, str, str], list[_Held]] = {}
    for country, admin1, names, held in _control_rows():
        for name in names:
            out.setdefault((country, admin1, _key(name)), []).append(held)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _trace(country: str) -> tuple[tuple[str, float, float], ...]:
    """The control list's settlements the gazetteer knows by a single namesake in their
    province, as (province, latitude, longitude)."""
    gazetteer = get_gazetteer()
    points = []
    for row_country, admin1, names, _ in _control_rows():
        if row_country != country:
            continue
        for name in names:
            found = {
                (c.latitude, c.longitude)
                for m in gazetteer.find(name, country)
                for c in m.candidates
                if c.country == country and c.admin1 == admin1
            }
            if len(found) == 1:
                latitude, longitude = found.pop()
                points.append((admin1, latitude, longitude))
                break
    return tuple(points)


@cache
def front_trace(country: str) -> tuple[tuple[float, float], ...]:
    """Where the front runs: the settlements of the control list, as (latitude, longitude)."""
    return tuple((latitude, longitude) for _, latitude, longitude in _trace(country))


@cache
def front_middle(country: str, admin1: str) -> tuple[float, float] | None:
    """The middle of a province's stretch of the front (None if the list has none there).

    Where a village of the front the gazetteer lacks is best placed: the province's capital
    can lie far behind one side of the line (Luhansk city, 30-60 km from it).
    """
    points = [(la, lo) for province, la, lo in _trace(country) if province == admin1]
    if not points:
        return None
    return sum(la for la, _ in points) / len(points), sum(lo for _, lo in points) / len(points)


def km_from_front(country: str, latitude: float | None, longitude: float | None) -> float:
    """How far a point lies from the nearest settlement of the front trace (inf if unknown)."""
    trace = front_trace(country)
    if latitude is None or longitude is None or not trace:
        return math.inf
    return min(distance_km(latitude, longitude, a, b) for a, b in trace)


def _key(name: str) -> str:
    return "".join(ch for ch in name_key(name) if ch.isalnum())


def held_by(country: str | None, admin1: str | None, names: Sequence[str], day: dt.date | None) -> str | None:
    """Which side of its front held a place on `day` ("side_a"/"side_b"), when the project knows.

    `names`: the place as the text writes it first ("Zolote-5"), then the gazetteer's name.
    """
    if country is None or admin1 is None or day is None:
        return None
    for name in names:
        for held in _control().get((country, admin1, _key(name)), ()):
            if held.during(day):
                return held.side
    return None


@cache
def _control_patterns(country: str) -> tuple[tuple[re.Pattern[str], str, _Held], ...]:
    """(word pattern, admin1, holder) of every name of `country`'s front places, compiled once."""
    return tuple(
        (re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])"), admin1, held)
        for row_country, admin1, names, held in _control_rows()
        if row_country == country
        for name in names
    )


def held_in_text(text: str, country: str | None, day: dt.date | None) -> str | None:
    """The holder of the front places a text names, when they all lie on one side (a report of
    fire "near Novoluhanske" whose village the gazetteer lacks)."""
    if country is None or day is None:
        return None
    sides = {
        held.side
        for pattern, _, held in _control_patterns(country)
        if held.during(day) and pattern.search(text)
    }
    return sides.pop() if len(sides) == 1 else None


def front_villages(
    text: str, country: str | None, provinces: frozenset[str], day: dt.date | None
) -> list[tuple[int, int, str]]:
    """(start, end, admin1) of the places of the control list the text names in `provinces`
    (villages on the front the gazetteer may lack, or know only as namesakes elsewhere)."""
    if country is None or day is None:
        return []
    return sorted(
        {
            (m.start(), m.end(), admin1)
            for pattern, admin1, held in _control_patterns(country)
            if admin1 in provinces and held.during(day)
            for m in pattern.finditer(text)
        }
    )


@dataclass(frozen=True)
class Sides:
    actor1: Actor
    actor2: Actor | None
    cue: tuple[int, int]  # where the text speaks of the front (evidence for the actors)


def front_sides(
    text: str,
    sub_event_type: str,
    actor1: Actor,
    actor2: Actor | None,
    country: str | None,
    admin1: str | None,
    day: dt.date | None,
    location: Sequence[str] = (),
) -> Sides | None:
    """The two sides of the front for an unattributed fight or bombardment on it; None otherwise.

    Fire reported near a place one side holds (datasets/frontline_control.csv) came from the
    other side: that side is actor1 and, in an armed clash, the holder actor2. Elsewhere an
    unidentified actor1 becomes the first side (the state force, as ACLED lists it first when
    the report does not say who fired) and, in an armed clash, the opponent the other side. A
    bombardment keeps the opponent the text gives, if any.
    """
    if not _UNIDENTIFIED.match(actor1.name):
        return None
    front = next((f for f in fronts() if f.holds(text, country, admin1, day)), None)
    cue = front.cue(text) if front is not None else None
    if front is None or cue is None:
        return None
    a = dictionary_actor(front.side_a, country, day)
    b = dictionary_actor(front.side_b, country, day)
    if a is None or b is None:
        raise ValueError(
            f"{FRONTLINES_CSV.name}: {front.side_a!r} or {front.side_b!r} is not in the dictionary"
        )
    holder = held_by(country, admin1, location, day) if location else held_in_text(text, country, day)
    if holder == "side_a":
        a, b = b, a  # fire at a place the first side holds came from the second
    return Sides(a, b if sub_event_type == "Armed clash" else actor2, cue.span())


def front_provinces(text: str, country: str | None, day: dt.date | None) -> frozenset[str]:
    """Provinces of the fronts of `country` the text speaks of ("along the contact line").

    Village names repeat across a country (Ukraine has dozens of Bohdanivkas); a report of fire
    across the front line is about the namesake on the front.
    """
    return frozenset().union(
        *(f.admin1 for f in fronts() if f.country == country and f.during(day) and f.cue(text))
    )
