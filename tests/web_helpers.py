"""A small store for the review page's tests: three flagged events written for these tests.

An English article (a shelling coded as a battle), an Arabic one (actor2's inter code
contradicts its name) and one whose text holds HTML (`<script>`), which must stay inert.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from coder.models import Article, CodedEvent, Span
from coder.store import Store
from coder.validate import validate_store
from tests.conftest import ARTICLE, make_event

AR_TEXT = (
    "قصفت قوات النظام بلدة سرمين في ريف إدلب يوم الأحد، ما أدى إلى مقتل مدنيين اثنين."
    "\nوقال ناشطون إن القصف استهدف السوق."
)
AR_ARTICLE = Article(
    id="aaaaaaaaaaaaaaaa",
    text=AR_TEXT,
    outlet="منفذ تجريبي",
    language="ar",
    published=dt.date(2020, 3, 2),
    source_path="ar.txt",
)
XSS_TEXT = (
    "Protesters gathered in Beirut on Sunday holding signs reading <script>alert('x')</script>"
    " and <b>bold</b> claims. Three people died."
)
XSS_ARTICLE = Article(
    id="bbbbbbbbbbbbbbbb",
    text=XSS_TEXT,
    outlet="Test Outlet",
    language="en",
    published=dt.date(2020, 3, 2),
    source_path="xss.txt",
)


def span(text: str, quote: str) -> Span:
    start = text.index(quote)
    return Span(start=start, end=start + len(quote), text=quote)


def _evidence(text: str, quotes: dict[str, str]) -> dict[str, list[Span]]:
    return {field: [span(text, quote)] for field, quote in quotes.items()}


def _code(store: Store, article: Article, **overrides: Any) -> str:
    store.add_articles([article])
    run = store.start_run("offline", "test")
    [event_id] = store.save_coding(
        article.id,
        "offline",
        run,
        [CodedEvent(event=make_event(article_ids=[article.id], **overrides))],
        lambda e: "SYR" if e.country == "Syria" else "LBN",
    )
    store.finish_run(run)
    return event_id


def build_store(path: Path) -> dict[str, str]:
    """Create the store at `path`; return the event ids by name (en, ar, xss)."""
    store = Store(path)
    try:
        ids = {
            "en": _code(
                store,
                ARTICLE,
                event_type="Battles",
                sub_event_type="Armed clash",
                evidence=_evidence(
                    ARTICLE.text,
                    {
                        "actor1": "Regime artillery",
                        "sub_event_type": "shelled",
                        "location": "Sarmin",
                        "fatalities": "killing two civilians",
                    },
                ),
            ),
            "ar": _code(
                store,
                AR_ARTICLE,
                inter2=2,
                interaction=12,
                source="منفذ تجريبي",
                evidence=_evidence(
                    AR_TEXT, {"actor1": "قوات النظام", "location": "سرمين", "fatalities": "مقتل مدنيين اثنين"}
                ),
            ),
            "xss": _code(
                store,
                XSS_ARTICLE,
                event_type="Protests",
                sub_event_type="Peaceful protest",
                disorder_type="Demonstrations",
                actor1="Protesters (Lebanon)",
                inter1=6,
                actor2=None,
                inter2=None,
                interaction=60,
                civilian_targeting=None,
                iso=422,
                country="Lebanon",
                admin1="Beirut",
                location="Beirut",
                latitude=33.8886,
                longitude=35.4955,
                notes="On 1 March 2020, protesters gathered in Beirut.",
                fatalities=3,
                evidence=_evidence(XSS_TEXT, {"location": "Beirut", "tags": "<script>alert('x')</script>"}),
            ),
        }
        validate_store(store)
    finally:
        store.close()
    return ids


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a closed store file (closing checkpointed its WAL into the main file)."""
    shutil.copyfile(source, target)
    return target
