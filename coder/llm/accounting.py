"""The LLM coder's tables in the store: response cache, usage per article, totals per run.

Tables are created by the store's migration `_migration_2_llm` (coder/store.py).
"""

from __future__ import annotations

import hashlib

from coder.llm.client import Usage
from coder.store import Store, now


def cache_key(model: str, prompt_hash: str, article_hash: str) -> str:
    return hashlib.sha256(f"{model}\0{prompt_hash}\0{article_hash}".encode()).hexdigest()


def cache_get(store: Store, key: str) -> str | None:
    row = store.db.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def cache_put(
    store: Store, key: str, model: str, prompt_hash: str, article_hash: str, response: str, usage: Usage
) -> None:
    """Keep a usable answer the moment it arrives: a killed run never pays for it twice."""
    # One statement on the store's autocommit connection is a transaction of its own: no
    # BEGIN/COMMIT round trips (two fewer statements on the event loop per answer).
    store.db.execute(
        "INSERT OR REPLACE INTO llm_cache VALUES (?,?,?,?,?,?,?,?)",
        (key, model, prompt_hash, article_hash, response, usage.tokens_in, usage.tokens_out, now()),
    )


def record_usage(
    store: Store, run_id: int, article_id: str, usage: Usage, cost: float | None, seconds: float
) -> None:
    store.db.execute(  # a single statement: atomic on its own, as in cache_put
        "INSERT OR REPLACE INTO llm_usage VALUES (?,?,?,?,?,?,?,?,?)",
        (
            run_id,
            article_id,
            usage.requests,
            usage.retries,
            usage.cache_hits,
            usage.tokens_in,
            usage.tokens_out,
            cost,
            seconds,
        ),
    )


def close_run(store: Store, run_id: int, status: str, priced: bool) -> None:
    """Finish the run and sum its articles' usage into it (cost NULL when the price is unknown)."""
    store.finish_run(run_id, status=status)
    with store.transaction() as db:
        db.execute(
            """UPDATE runs SET
                 requests = (SELECT coalesce(sum(requests), 0) FROM llm_usage WHERE run_id = :r),
                 retries = (SELECT coalesce(sum(retries), 0) FROM llm_usage WHERE run_id = :r),
                 cache_hits = (SELECT coalesce(sum(cache_hits), 0) FROM llm_usage WHERE run_id = :r),
                 tokens_in = (SELECT coalesce(sum(tokens_in), 0) FROM llm_usage WHERE run_id = :r),
                 tokens_out = (SELECT coalesce(sum(tokens_out), 0) FROM llm_usage WHERE run_id = :r),
                 cost = CASE WHEN :priced THEN
                        (SELECT coalesce(sum(cost), 0) FROM llm_usage WHERE run_id = :r) END
               WHERE id = :r""",
            {"r": run_id, "priced": priced},
        )


def article_usage(store: Store, run_id: int) -> list[dict]:
    rows = store.db.execute("SELECT * FROM llm_usage WHERE run_id = ? ORDER BY article_id", (run_id,))
    return [dict(r) for r in rows]
