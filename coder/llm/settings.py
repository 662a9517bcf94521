"""Settings of an LLM run (kept free of heavy imports: the CLI builds them at start-up)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MODE_NAMES = ("tools", "json_schema", "json")
#: OpenAI's reasoning models (o1, o3, o4-mini, gpt-5, ...) refuse `max_tokens` and any
#: temperature but the default: they take `max_completion_tokens`.
_REASONING_MODEL = re.compile(r"^(?:o\d|gpt-5)", re.IGNORECASE)


@dataclass
class Settings:
    """How to reach the model and how hard to push it. Never holds the API key."""

    model: str
    base_url: str | None = None
    mode: str = "tools"  # tools (function calling) | json_schema (structured outputs) | json
    concurrency: int = 8
    rpm: int | None = None
    tpm: int | None = None
    timeout: float = 60.0  # seconds per HTTP request
    max_retries: int = 2  # re-asks after an invalid answer (instructor)
    max_attempts: int = 5  # tries per HTTP request on 429 / 5xx / timeouts
    max_input_tokens: int = 6000  # chunk articles so a request stays under this
    max_output_tokens: int = 1024
    temperature: float = 0.0
    prompt_version: str | None = None
    backoff_initial: float = 0.5
    backoff_max: float = 30.0

    def sampling(self) -> dict[str, Any]:
        """The output-length and temperature arguments this model accepts."""
        if _REASONING_MODEL.match(self.model.rsplit("/", 1)[-1]):
            return {"max_completion_tokens": self.max_output_tokens}
        return {"max_tokens": self.max_output_tokens, "temperature": self.temperature}
