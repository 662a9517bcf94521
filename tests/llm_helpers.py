"""Shared pieces of the LLM coder tests: answers we wrote for our own test articles."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
from typing import Any

from coder.llm.client import LLMClient
from coder.llm.runner import LLMSummary, code_store
from coder.llm.settings import Settings
from coder.models import Article
from coder.store import Store

# conftest.ARTICLE: "Regime artillery shelled the town of Sarmin in Idlib on Sunday, killing two civilians."
SARMIN_EVENT: dict[str, Any] = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Military Forces of Syria (2000-2024)",
    "inter1": 1,
    "actor2": "Civilians (Syria)",
    "inter2": 7,
    "location": "Sarmin",
    "country": "Syria",
    "event_date": "2020-03-01",
    "fatalities": 2,
    "notes": "On 1 March 2020, regime artillery shelled Sarmin, killing two civilians.",
    "evidence": {
        "actor1": "Regime artillery",
        "actor2": "two civilians",
        "location": "Sarmin",
        "event_date": "on Sunday",
        "fatalities": "killing two civilians",
    },
}


def answer(**changes: Any) -> dict[str, Any]:
    """The Sarmin answer with some fields (or evidence quotes, as evidence_<field>) changed."""
    event = copy.deepcopy(SARMIN_EVENT)
    for key, value in changes.items():
        if key.startswith("evidence_"):
            event["evidence"][key.removeprefix("evidence_")] = value
        else:
            event[key] = value
    return {"events": [event]}


def article(n: int, text: str | None = None, language: str = "en") -> Article:
    """A numbered test article in the Sarmin pattern (ids differ, so do texts)."""
    body = text or (
        f"Report {n}: Regime artillery shelled the town of Sarmin in Idlib on Sunday, killing two civilians."
    )
    return Article(
        id=f"{n:016x}",
        text=body,
        outlet="Test Outlet",
        language=language,
        published=dt.date(2020, 3, 2),
        source_path=f"article{n:03}.txt",
    )


def settings(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"model": "fake-model", "base_url": base_url, "concurrency": 4, "timeout": 5.0}
    values.update(overrides)
    return Settings(**values)


class Sleeps:
    """A stand-in for asyncio.sleep that records the waits asked for and does not wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def run_llm(store: Store, s: Settings, sleep: Sleeps | None = None, **kwargs: Any) -> LLMSummary:
    async def main() -> LLMSummary:
        client = LLMClient(s, sleep=sleep or Sleeps())
        try:
            return await code_store(store, s, client, **kwargs)
        finally:
            await client.close()

    return asyncio.run(main())
