"""From a model's draft to a stored event: quotes become spans, dates and places are recomputed.

Nothing the model says is taken on trust where the project has its own rule:
- a quote counts only if it is in the article after normalisation (coder.textnorm: Arabic
  letter variants, diacritics, tatweel, digits, quotes, whitespace); the span stored is the
  span in the original text;
- the date is recomputed from the quoted date expression and the publication date by the
  offline coder's rules (coder.dates); a disagreement is flagged;
- the place is geocoded by the gazetteer from the quoted words, actors are canonicalised by
  the actor dictionary, and the codebook derives disorder type, interaction and civilian
  targeting.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from coder.actors import canonical_actor, inter_of_name
from coder.admin_areas import area_named, area_place
from coder.codebook import CIVILIAN_TARGETING, SUB_TO_EVENT, disorder_type_for, interaction_code
from coder.dates import DateMention, ResolvedDate, best_date, find_dates
from coder.gazetteer import Country, Place, approximate_message, get_gazetteer
from coder.llm import CODER_NAME, CODER_VERSION
from coder.llm.response import EventDraft
from coder.models import Article, CodedEvent, Event, Flag, Span
from coder.textnorm import normalize, normalize_with_map

# Models wrap quotes in quotation marks and end them with the sentence's full stop.
_QUOTE_TRIM = " \t\n\"'“”‘’«»„`.,;:،؛"
_QUOTED_FIELDS = ("actor1", "actor2", "location", "event_date", "fatalities")


def clean_quote(quote: str) -> str:
    return quote.strip(_QUOTE_TRIM)


@lru_cache(maxsize=64)
def _normalized(text: str) -> tuple[str, list[int]]:
    # Every quote of every event is looked up in the same article (or chunk) twice, by the
    # response validator and by build_event: normalise the text once, not ~12 times.
    return normalize_with_map(text)


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """coder.textnorm.find_normalized, with the text's normalisation cached."""
    needle = normalize(quote)
    if not needle:
        return None
    folded, offsets = _normalized(text)
    at = folded.find(needle)
    return None if at < 0 else (offsets[at], offsets[at + len(needle) - 1] + 1)


def find_quote(text: str, quote: str | None) -> tuple[int, int] | None:
    """Span of `quote` in `text` after normalisation (see coder.textnorm), or None."""
    if not quote or not quote.strip():
        return None
    found = _find(text, quote.strip())
    cleaned = clean_quote(quote)
    return found or (_find(text, cleaned) if cleaned else None)


def _places(words: str) -> set[Place]:
    gazetteer = get_gazetteer()
    found = {c for m in gazetteer.find(words) for c in m.candidates}
    return found or set(gazetteer.lookup(words))


def location_mismatch(location: str, quote: str | None, text: str) -> bool:
    """The model's place name is not in the text and names another place than its quote.

    A name the gazetteer cannot place is given the benefit of the doubt (it may be a
    transliteration of the quoted words); the quote itself is checked separately.
    """
    if find_quote(text, location) is not None or not quote:
        return False
    named, quoted = set(get_gazetteer().lookup(location)), _places(clean_quote(quote))
    return bool(named) and bool(quoted) and not named & quoted


def ungrounded(draft: EventDraft, text: str) -> list[str]:
    """Problems with a draft's evidence, as messages the model can act on; [] when grounded."""
    problems: list[str] = []
    quotes = draft.evidence
    required = {
        "actor1": True,
        "actor2": draft.actor2 is not None,
        "location": True,
        "fatalities": draft.fatalities > 0,
    }
    for field in _QUOTED_FIELDS:
        quote = getattr(quotes, field)
        if quote and find_quote(text, quote) is None:
            problems.append(f"evidence.{field} {quote!r} is not in the article")
        elif not quote and required.get(field):
            problems.append(f"evidence.{field} is missing: quote the words of the article")
    if location_mismatch(draft.location, quotes.location, text):
        problems.append(f"location {draft.location!r} is not the place quoted ({quotes.location!r})")
    return problems


@lru_cache(maxsize=256)
def _article_dates(text: str, language: str) -> tuple[DateMention, ...]:
    return tuple(find_dates(text, language))


def recompute_date(article: Article, span: Span) -> ResolvedDate | None:
    """The date the project's rules give to the quoted expression (None: no date in it)."""
    inside = [
        m for m in _article_dates(article.text, article.language) if m.start < span.end and m.end > span.start
    ]
    if not inside:
        inside = find_dates(span.text, article.language)
    return best_date(inside, article.published)


def _flag(code: str, severity: str, field: str | None, message: str) -> Flag:
    return Flag(code=code, severity=severity, field=field, message=message)  # type: ignore[arg-type]


def _plausible(day: dt.date, article: Article) -> bool:
    """A date an event reported in this article can have: not before 1900, not after the
    publication date (or today, when the article has none)."""
    latest = article.published or dt.date.today()
    return dt.date(1900, 1, 1) <= day <= latest


def _date_fields(
    draft: EventDraft, article: Article, span: Span | None, flags: list[Flag]
) -> dict[str, object]:
    model_date = draft.event_date
    if span is not None:
        resolved = recompute_date(article, span)
        if resolved is not None and resolved.date is not None:
            if model_date is not None and model_date != resolved.date:
                flags.append(
                    _flag(
                        "LLM_DATE_DISAGREES",
                        "error",
                        "event_date",
                        f"the model said {model_date}, but '{span.text}' with publication date"
                        f" {article.published} gives {resolved.date}; the rule's date is kept",
                    )
                )
            if resolved.conflict:
                flags.append(_flag("DATE_WEEKDAY_CONFLICT", "error", "event_date", resolved.conflict))
            return {"event_date": resolved.date, "time_precision": resolved.time_precision}
        if model_date is not None and not _plausible(model_date, article):
            flags.append(
                _flag(
                    "LLM_DATE_IMPLAUSIBLE",
                    "error",
                    "event_date",
                    f"the model said {model_date} for '{span.text}', which cannot be the event's date;"
                    " it is not kept",
                )
            )
            model_date = None
        if model_date is not None:
            flags.append(
                _flag(
                    "DATE_NOT_RECOMPUTED",
                    "warning",
                    "event_date",
                    f"the date rules read no date in '{span.text}'; the model's {model_date} is kept",
                )
            )
            return {"event_date": model_date, "time_precision": 1}
    if article.published is None:
        flags.append(
            _flag(
                "NO_PUBLICATION_DATE",
                "error",
                "event_date",
                "the article has no publication date and the text no date: set the date",
            )
        )
        return {}
    flags.append(
        _flag(
            "DATE_FROM_PUBLICATION",
            "warning",
            "event_date",
            f"no date quoted from the text; coded to the publication date {article.published}",
        )
    )
    return {"event_date": article.published, "time_precision": 1}


#: Between a place and the unit stated after it: "Kozachyi Yar, Donetsk", "Kyaganza (Beni, ...".
_UNIT_AFTER = re.compile(r"(?:\s+(?:village|town|area|settlement|locality))?\s*[,(]\s*", re.IGNORECASE)


def _stated_unit_place(name: str, text: str, span: Span | None, country: Country) -> Place | None:
    """A place the gazetteer lacks, with a province or district the article states right after
    the quote ("Kozachyi Yar, Donetsk"): coded at that unit, as the offline coder does."""
    gap = _UNIT_AFTER.match(text, span.end) if span is not None else None
    if gap is None:
        return None
    gazetteer = get_gazetteer()
    after = text[gap.end() : gap.end() + 60]
    units = [m for m in gazetteer.find(after, country.name) if m.start == 0]
    return gazetteer.in_unit(name, units[0], country.name) if units else None


def _place_fields(draft: EventDraft, span: Span | None, flags: list[Flag], text: str) -> dict[str, object]:
    gazetteer = get_gazetteer()
    mentions = gazetteer.find(span.text) if span is not None else []
    stated = gazetteer.country(draft.country) if draft.country else None
    if stated is not None:
        # a word of the quote the gazetteer knows abroad ("Yar" of "Kozachyi Yar") is not the place
        # (a country the model got wrong is caught by the lookups below)
        mentions = [m for m in mentions if m.place.country == stated.name]
    place: Place | None = mentions[0].place if mentions else None
    near = bool(mentions) and (mentions[0].near or mentions[0].wide)
    if place is None:
        found = gazetteer.lookup(draft.location, draft.country) or gazetteer.lookup(draft.location)
        place = found[0] if found else None
    if place is None and draft.location and stated is not None:
        place = _stated_unit_place(draft.location, text, span, stated)
        if place is None and (area := area_named(draft.location, stated.name)) is not None:
            # a ward, constituency or estate the gazetteer lacks (coder/admin_areas.py), at its
            # province's seat, as the offline coder codes it
            place = area_place(area, stated.name)
        if place is not None:
            flags.append(_flag("PLACE_APPROXIMATE", "warning", "location", approximate_message(place)))
    if place is None:
        flags.append(
            _flag(
                "PLACE_NOT_IN_GAZETTEER",
                "warning",
                "location",
                f"'{draft.location}' is not in the gazetteer: add coordinates and admin units",
            )
        )
        fields: dict[str, object] = {"location": draft.location}
        if stated is not None:
            fields.update(country=stated.name, iso=stated.iso, region=stated.region)
        return fields
    info = gazetteer.country(place.country)
    admin1 = place.name if place.kind == "admin1" else place.admin1
    return {
        "location": place.name,
        "country": place.country,
        "iso": info.iso if info else None,
        "region": info.region if info else None,
        "admin1": gazetteer.canonical_admin1(place.country, admin1) if admin1 else None,
        "admin2": place.admin2,
        "latitude": round(place.latitude, 4),
        "longitude": round(place.longitude, 4),
        "geo_precision": place.precision
        if place.approximate
        else (3 if place.kind == "admin1" else (2 if near else 1)),
    }


def _actor(name: str | None, inter: int | None, country: str | None) -> tuple[str | None, int | None]:
    if not name:
        return None, None
    canonical = canonical_actor(name, country) or name.strip()
    return canonical, inter_of_name(canonical, country) or inter


def build_event(
    draft: EventDraft,
    article: Article,
    chunk_text: str,
    offset: int,
    model: str,
    prompt_hash: str,
) -> CodedEvent:
    """The stored event for one draft: spans in the article, recomputed fields, flags."""
    flags: list[Flag] = []
    evidence: dict[str, list[Span]] = {}
    for field in _QUOTED_FIELDS:
        quote = getattr(draft.evidence, field)
        found = find_quote(chunk_text, quote)
        if found is not None:
            start, end = found[0] + offset, found[1] + offset
            evidence[field] = [Span(start=start, end=end, text=article.text[start:end])]
        elif quote:
            flags.append(
                _flag(
                    "EVIDENCE_NOT_IN_TEXT",
                    "error",
                    field,
                    f"the model's quote {quote!r} for {field} is not in the article",
                )
            )
    if location_mismatch(draft.location, draft.evidence.location, chunk_text):
        flags.append(
            _flag(
                "EVIDENCE_NOT_IN_TEXT",
                "error",
                "location",
                f"the model's place {draft.location!r} is not the place the article names",
            )
        )
    sub = draft.sub_event_type
    if SUB_TO_EVENT[sub] != draft.event_type:
        flags.append(
            _flag(
                "LLM_TYPE_FROM_SUBTYPE",
                "warning",
                "event_type",
                f"the model said {draft.event_type}; {sub} belongs to {SUB_TO_EVENT[sub]}",
            )
        )
    place = _place_fields(draft, evidence.get("location", [None])[0], flags, article.text)
    dates = _date_fields(draft, article, evidence.get("event_date", [None])[0], flags)
    country = place.get("country") if isinstance(place.get("country"), str) else draft.country
    actor1, inter1 = _actor(draft.actor1, draft.inter1, country)  # type: ignore[arg-type]
    actor2, inter2 = _actor(draft.actor2, draft.inter2, country)  # type: ignore[arg-type]
    if actor2 is not None and inter2 is None:
        flags.append(_flag("LLM_NO_INTER2", "warning", "inter2", f"no inter code for actor2 '{actor2}'"))
    event_date = dates.get("event_date")
    errors = sum(f.severity == "error" for f in flags)
    warnings = len(flags) - errors
    event = Event(
        **place,  # type: ignore[arg-type]
        **dates,  # type: ignore[arg-type]
        year=event_date.year if isinstance(event_date, dt.date) else None,
        disorder_type=disorder_type_for(sub),
        event_type=SUB_TO_EVENT[sub],
        sub_event_type=sub,
        actor1=actor1 or draft.actor1,
        inter1=inter1 or draft.inter1,
        actor2=actor2,
        inter2=inter2,
        interaction=interaction_code(inter1, inter2),
        civilian_targeting=CIVILIAN_TARGETING if inter2 == 7 and SUB_TO_EVENT[sub] != "Battles" else None,
        source=article.outlet,
        notes=draft.notes.strip() or None,
        fatalities=draft.fatalities,
        article_ids=[article.id],
        coder=CODER_NAME,
        coder_version=CODER_VERSION,
        model=model,
        prompt_hash=prompt_hash,
        evidence=evidence,
        confidence=round(max(0.05, min(1.0, 0.75 - 0.25 * errors - 0.05 * warnings)), 2),
    )
    return CodedEvent(event=event, flags=flags)
