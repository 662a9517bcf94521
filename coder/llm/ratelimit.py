"""Requests per minute, tokens per minute, and backoff on 429 / 5xx / timeouts.

The limits are leaky buckets (aiolimiter) shared by all concurrent requests. Backoff is
exponential with jitter (tenacity) and honours the server's `retry-after-ms` / `Retry-After`
headers when it sends them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Awaitable, Callable

import openai
from aiolimiter import AsyncLimiter
from tenacity import RetryCallState

RETRY_STATUS = frozenset({408, 409, 429})  # and every 5xx
MAX_RETRY_AFTER = 120.0  # seconds: a longer Retry-After is capped (the run would look hung)

Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """`await limiter.acquire(tokens)` before each request; None limits are off."""

    def __init__(self, rpm: int | None = None, tpm: int | None = None) -> None:
        self.requests = AsyncLimiter(rpm, 60) if rpm else None
        self.tokens = AsyncLimiter(tpm, 60) if tpm else None

    async def acquire(self, tokens: int) -> None:
        if self.requests is not None:
            await self.requests.acquire()
        if self.tokens is not None:
            # a request larger than the whole minute's budget waits for a full bucket
            await self.tokens.acquire(min(tokens, self.tokens.max_rate))


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: rate limits, server errors, timeouts, dropped connections."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRY_STATUS or exc.status_code >= 500
    return isinstance(exc, openai.APITimeoutError | openai.APIConnectionError)


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, Retry-After seconds or date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return max(0.0, float(ms) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class BackoffWait:
    """tenacity wait: Retry-After when given, else initial * 2^n with full jitter, capped."""

    def __init__(self, initial: float = 0.5, maximum: float = 30.0, rng: random.Random | None = None) -> None:
        self.initial, self.maximum = initial, maximum
        self.rng = rng or random.Random()

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc)
        if asked is not None:
            return min(asked, MAX_RETRY_AFTER)
        ceiling = min(self.maximum, self.initial * 2 ** (state.attempt_number - 1))
        return self.rng.uniform(ceiling / 2, ceiling)
