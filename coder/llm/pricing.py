"""Token estimates (no network: no tokenizer download) and the price table.

Estimates count UTF-8 bytes / 4: about one token per 4 English characters and per 2 Arabic
characters, close to what BPE tokenizers of current models give. They size chunks and the
dry run; real counts come from the server's `usage` and are what is stored.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from urllib.parse import urlparse

#: USD per million tokens (input, output), standard tier, from the providers' public price
#: pages as of 2025. Prices change: override or extend with a JSON file named by
#: $CODER_LLM_PRICES ({"model": [input, output], ...}).
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
}
BATCH_DISCOUNT = 0.5  # the OpenAI Batch API bills half the standard price
#: Output tokens expected per request in a dry run (a few events with quotes).
EXPECTED_OUTPUT_TOKENS = 300
#: Tokens a chat message costs beyond its text (role, separators), as OpenAI documents it.
MESSAGE_OVERHEAD = 4
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / 4)


def estimate_messages(messages: list[dict[str, str]]) -> int:
    return sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD for m in messages)


def _table() -> dict[str, tuple[float, float]]:
    table = dict(PRICES)
    path = os.environ.get("CODER_LLM_PRICES")
    if path:
        extra = json.loads(Path(path).read_text(encoding="utf-8"))
        table.update({name: (float(p[0]), float(p[1])) for name, p in extra.items()})
    return table


def price_for(model: str, base_url: str | None = None) -> tuple[float, float] | None:
    """(input, output) USD per million tokens; 0 for a server on this machine; None if unknown.

    Dated snapshots take their family's price ("gpt-4o-mini-2024-07-18" -> "gpt-4o-mini").
    """
    if base_url and urlparse(base_url).hostname in _LOCAL_HOSTS:
        return (0.0, 0.0)
    table = _table()
    name = model.lower().split("/")[-1]
    matches = [k for k in table if name == k or name.startswith(k + "-")]
    return table[max(matches, key=len)] if matches else None


def cost(
    price: tuple[float, float] | None, tokens_in: int, tokens_out: int, batch: bool = False
) -> float | None:
    if price is None:
        return None
    total = (tokens_in * price[0] + tokens_out * price[1]) / 1_000_000
    return round(total * (BATCH_DISCOUNT if batch else 1.0), 6)
