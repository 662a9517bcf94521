"""What the model must answer for one article (or chunk): its events, each with verbatim quotes.

This is instructor's `response_model`. Its validators check the quotes against the article
text passed as validation context (`{"text": ..., "lenient": False}`); a failure is a
pydantic error that instructor feeds back to the model as a retry. After the last retry the
runner parses the last answer again with `lenient=True`: the events are kept and the
grounding step flags what is not in the text.

Every field is required (nullable where it may be empty): OpenAI's strict structured outputs
and the Batch API demand it, and small models do better without optional keys.
"""

from __future__ import annotations

import copy
import datetime as dt
from contextvars import ContextVar
from functools import cache
from typing import Any

from instructor import ResponseSchema
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from coder.codebook import SUB_TO_EVENT
from coder.models import EventType, SubEventType

#: pydantic error types that do not make an answer unusable: after the last retry such an
#: answer is kept and flagged (see grounding.py) instead of failing the article.
NOT_IN_TEXT = "evidence_not_in_text"
TYPE_MISMATCH = "type_mismatch"
FLAGGABLE_ERRORS = frozenset({NOT_IN_TEXT, TYPE_MISMATCH})

#: The text quotes are checked against, set by the client around each request. Not passed
#: as instructor's `context=`: instructor renders message contents as Jinja templates when a
#: context is given, and an article is data that must reach the model unchanged.
GROUNDING: ContextVar[dict[str, Any] | None] = ContextVar("coder_llm_grounding", default=None)


class Evidence(BaseModel):
    """Verbatim quotes from the article, copied character for character."""

    model_config = ConfigDict(extra="ignore")

    actor1: str | None = Field(description="the words of the article naming actor1")
    actor2: str | None = Field(description="the words naming actor2; null when there is no actor2")
    location: str | None = Field(description="the words naming the place")
    event_date: str | None = Field(
        description="the date expression ('on Sunday', 'yesterday', '3 March'); null if the article has none"
    )
    fatalities: str | None = Field(description="the words reporting the deaths; null when fatalities is 0")


class EventDraft(BaseModel):
    """One event as the model codes it (codebook: one type, one actor pair, one place, one day)."""

    model_config = ConfigDict(extra="ignore")

    event_type: EventType
    sub_event_type: SubEventType
    actor1: str = Field(
        min_length=1, description="ACLED-style name, e.g. 'Military Forces of Syria (2000-2024)'"
    )
    inter1: int = Field(ge=1, le=8, description="actor1 type: 1 state ... 8 external (codebook section 4)")
    actor2: str | None = Field(description="the other side, e.g. 'Civilians (Syria)'; null if none")
    inter2: int | None = Field(ge=1, le=8, description="actor2 type; null when actor2 is null")
    location: str = Field(min_length=1, description="the most specific named place")
    country: str | None = Field(description="country of the location")
    event_date: dt.date | None = Field(description="YYYY-MM-DD, resolved against the publication date")
    fatalities: int = Field(ge=0, description="lowest credible reported number of deaths; 0 if none")
    notes: str = Field(description="one English sentence: 'On <date>, <who> <did what> in <place>.'")
    evidence: Evidence

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> EventDraft:
        context: dict[str, Any] = info.context or GROUNDING.get() or {}
        if context.get("lenient") or "text" not in context:
            return self
        if SUB_TO_EVENT[self.sub_event_type] != self.event_type:
            raise PydanticCustomError(
                TYPE_MISMATCH,
                "sub_event_type '{sub}' belongs to event_type '{right}', not '{wrong}'",
                {
                    "sub": self.sub_event_type,
                    "right": SUB_TO_EVENT[self.sub_event_type],
                    "wrong": self.event_type,
                },
            )
        from coder.llm.grounding import ungrounded

        problems = ungrounded(self, context["text"])
        if problems:
            raise PydanticCustomError(
                NOT_IN_TEXT,
                "not in the article (quotes must be copied verbatim from the article text): {problems}",
                {"problems": "; ".join(problems)},
            )
        return self


class ArticleEvents(ResponseSchema):
    """All events the article reports; an empty list when it reports none (analysis, history)."""

    # ResponseSchema (instructor's base) spares instructor re-wrapping the model per request.
    model_config = ConfigDict(extra="ignore", ignored_types=ResponseSchema.model_config["ignored_types"])

    events: list[EventDraft]

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # instructor and the token estimates ask for it on every request; it never changes
        return copy.deepcopy(_schema(cls, args, tuple(sorted(kwargs.items()))))


@cache
def _schema(cls: type[BaseModel], args: tuple, kwargs: tuple) -> dict[str, Any]:
    return BaseModel.model_json_schema.__func__(cls, *args, **dict(kwargs))  # type: ignore[attr-defined]
