"""instructor + openai against any OpenAI-compatible endpoint, with limits, backoff and accounting.

One `LLMClient` serves a whole run. Every HTTP request, including instructor's re-asks after
an invalid answer, goes through `_create`: it waits for the rate limiter, retries transient
failures with backoff, and adds the tokens the server reports to the `Usage` of the article
being coded (a context variable, so concurrent articles keep separate accounts).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx2
import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from openai._models import construct_type
from openai.types.chat import ChatCompletion
from pydantic import ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from coder.llm import async_check
from coder.llm.pricing import estimate_messages
from coder.llm.ratelimit import BackoffWait, RateLimiter, Sleep, is_transient
from coder.llm.response import FLAGGABLE_ERRORS, GROUNDING, ArticleEvents
from coder.llm.settings import Settings

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
}
FATAL_STATUS = frozenset({400, 401, 403, 404})  # every later request would fail the same way
# Arguments openai's create() turns into request options, not body fields, and streaming:
# requests with any of them take openai's own path (see `_send`).
_NOT_BODY = frozenset({"extra_headers", "extra_query", "extra_body", "timeout", "stream"})


@dataclass
class Usage:
    """What coding one article (or a run) cost: requests, retries and tokens, retries included."""

    requests: int = 0
    retries: int = 0  # re-asks after invalid answers + transport retries
    tokens_in: int = 0
    tokens_out: int = 0
    cache_hits: int = 0
    calls: int = field(default=0, repr=False)  # instructor attempts (re-asks are calls - 1)

    def add(self, other: Usage) -> None:
        for name in ("requests", "retries", "tokens_in", "tokens_out", "cache_hits", "calls"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


CURRENT_USAGE: ContextVar[Usage | None] = ContextVar("coder_llm_usage", default=None)


class LLMError(Exception):
    """A request that produced no usable answer; the message says why, `fatal` stops the run."""

    def __init__(self, message: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


@dataclass(frozen=True)
class Answer:
    events: ArticleEvents
    grounded: bool  # False: kept after the last retry although some evidence is not in the text


def resolve_api_key(base_url: str | None) -> str:
    """$OPENAI_API_KEY; a placeholder for local servers, which ignore it."""
    key = os.environ.get("OPENAI_API_KEY")
    if key:
        return key
    host = urlparse(base_url).hostname if base_url else None
    if host in {"127.0.0.1", "localhost", "::1"}:
        return "local-no-key"
    raise LLMError(
        "no API key: set OPENAI_API_KEY (and OPENAI_BASE_URL or --base-url for another endpoint)", fatal=True
    )


def answer_text(completion: Any) -> str:
    """The JSON the model wrote: tool-call arguments, or message content without ``` fences."""
    message = completion.choices[0].message
    if message.tool_calls:
        return message.tool_calls[0].function.arguments or ""
    content = message.content or ""
    fenced = re.search(r"```(?:json)?\s*(.*?)```", content, re.DOTALL)
    return fenced.group(1) if fenced else content


def _api_error(exc: BaseException) -> openai.APIError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, openai.APIError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _flaggable(exc: BaseException) -> bool:
    """Only grounding/codebook problems: the answer is usable and the flags will say what is wrong."""
    return isinstance(exc, ValidationError) and all(e["type"] in FLAGGABLE_ERRORS for e in exc.errors())


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LLMClient:
    """Asks the model for one article (or chunk) at a time; safe to share between tasks."""

    def __init__(
        self,
        settings: Settings,
        api_key: str | None = None,
        sleep: Sleep = asyncio.sleep,
        http_client: Any = None,
    ) -> None:
        if settings.mode not in MODES:
            raise LLMError(f"unknown mode {settings.mode!r}; choose one of {', '.join(MODES)}", fatal=True)
        self.settings = settings
        self.sleep = sleep
        self.limiter = RateLimiter(settings.rpm, settings.tpm)
        self.wait = BackoffWait(settings.backoff_initial, settings.backoff_max)
        # openai's own retries are off: ours count, honour Retry-After and share the limiter
        self.openai = openai.AsyncOpenAI(
            api_key=api_key or resolve_api_key(settings.base_url),
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
            http_client=http_client,
        )
        self._url = str(self.openai.base_url).rstrip("/") + "/chat/completions"
        self._headers: dict[str, str] | None = None
        mode = MODES[settings.mode]
        async_check.install()
        self.instructor = instructor.AsyncInstructor(
            client=self.openai, create=instructor.patch(create=self._create, mode=mode), mode=mode
        )

    async def close(self) -> None:
        await self.openai.close()

    async def _create(self, **kwargs: Any) -> Any:
        usage = CURRENT_USAGE.get() or Usage()
        usage.calls += 1
        output = kwargs.get("max_tokens") or kwargs.get("max_completion_tokens") or 0
        tokens = estimate_messages(kwargs.get("messages", [])) + int(output)

        def count_retry(_: Any) -> None:
            usage.retries += 1

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=self.wait,
            retry=retry_if_exception(is_transient),
            sleep=self.sleep,
            before_sleep=count_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self.limiter.acquire(tokens)
                usage.requests += 1
                response = await self._send(kwargs)
        if response.usage is not None:
            usage.tokens_in += response.usage.prompt_tokens or 0
            usage.tokens_out += response.usage.completion_tokens or 0
        return response

    async def _send(self, kwargs: dict[str, Any]) -> ChatCompletion:
        """POST the chat completion as is.

        openai's create() first runs its request "transform" over the body: a recursive walk
        resolving every message and the whole tool/response-format JSON schema against its
        TypedDict unions (~6 ms of CPU a request). For plain JSON like ours (str contents,
        dict schemas) the walk changes nothing (tests/test_llm_transport.py checks that
        against openai's transform for every mode, first asks and re-asks), so the body is
        posted directly to the same path with the same authentication and response type.
        """
        if _NOT_BODY.intersection(kwargs):
            return await self.openai.chat.completions.create(**kwargs)
        return await self._post(kwargs)

    async def _post(self, body: dict[str, Any]) -> ChatCompletion:
        """One POST through the httpx client openai built (same transport, pool, timeout and
        headers), mapping failures to openai's exceptions the way openai does. openai's own
        request machinery (options, header merging, retries we switched off, response
        wrapping) cost ~0.7 ms of CPU a request: the largest part of the coder's own overhead
        at high concurrency."""
        client = self.openai
        if self._headers is None:
            headers = {**client.default_headers, **client.auth_headers}
            self._headers = {k: v for k, v in headers.items() if isinstance(v, str)}
        try:
            response = await client._client.post(
                self._url, content=json.dumps(body).encode(), headers=self._headers, timeout=client.timeout
            )
        except httpx2.TimeoutException as exc:
            raise openai.APITimeoutError(request=exc.request) from exc
        except httpx2.RequestError as exc:  # openai maps every other transport failure so too
            raise openai.APIConnectionError(
                message=str(exc) or type(exc).__name__, request=exc.request
            ) from exc
        if response.status_code >= 400:
            raise client._make_status_error_from_response(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise openai.APIResponseValidationError(response=response, body=response.text) from exc
        return construct_type(type_=ChatCompletion, value=data)  # type: ignore[no-any-return]

    def _describe(self, error: openai.APIError) -> LLMError:
        attempts = f"after {self.settings.max_attempts} attempt(s)"
        if isinstance(error, openai.APITimeoutError):
            return LLMError(f"request timed out (--timeout {self.settings.timeout:g}s) {attempts}")
        if isinstance(error, openai.APIConnectionError):
            return LLMError(f"cannot connect to {self.openai.base_url} {attempts}: {_short(error)}")
        if isinstance(error, openai.APIStatusError):
            after = " " + attempts if is_transient(error) else ""
            return LLMError(
                f"HTTP {error.status_code} from the server{after}: {_short(error)}",
                fatal=error.status_code in FATAL_STATUS,
            )
        return LLMError(_short(error))

    async def ask(self, messages: list[dict[str, str]], text: str) -> Answer:
        """The model's events for `text` (an article or chunk of it, quoted in `messages`).

        Invalid answers are re-asked up to max_retries times with the validation errors; an
        answer whose only fault is evidence not found in the text is then kept (grounded=False).
        """
        usage = CURRENT_USAGE.get() or Usage()
        calls_before = usage.calls
        grounding = GROUNDING.set({"text": text})
        try:
            events = await self.instructor.create(
                response_model=ArticleEvents,
                messages=messages,  # type: ignore[arg-type]
                max_retries=self.settings.max_retries,
                strict=False,
                model=self.settings.model,
                **self.settings.sampling(),
            )
            return Answer(events, grounded=True)
        except IncompleteOutputException as exc:
            raise LLMError(
                f"the answer was cut off at --max-output-tokens {self.settings.max_output_tokens}"
                " (finish_reason=length): raise it or lower --max-input-tokens"
            ) from exc
        except InstructorRetryException as exc:
            api_error = _api_error(exc)
            if api_error is not None:
                raise self._describe(api_error) from exc
            last = exc.failed_attempts[-1] if exc.failed_attempts else None
            if last is not None and last.completion is not None and _flaggable(last.exception):
                lenient = ArticleEvents.model_validate_json(
                    answer_text(last.completion), context={"text": text, "lenient": True}, strict=False
                )
                return Answer(lenient, grounded=False)
            reason = _short(last.exception) if last is not None else _short(exc)
            raise LLMError(f"no valid answer after {exc.n_attempts} attempt(s): {reason}") from exc
        finally:
            GROUNDING.reset(grounding)
            usage.retries += max(0, usage.calls - calls_before - 1)
