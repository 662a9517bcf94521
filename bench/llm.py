"""Benchmark of the LLM coder against a local fake server with a fixed latency per request.

    .venv/bin/python bench/llm.py                # 500 articles, 200 ms, concurrency 1 8 32 100
    .venv/bin/python bench/llm.py --articles 200 --concurrency 8 32

The fake OpenAI-compatible server (tests/fakeserver.py) runs in another process, so the CPU
time measured here is the coder's own: prompt rendering, HTTP client, instructor, pydantic,
grounding (gazetteer, dates, actors) and the SQLite commits. Prints articles/s per
concurrency, the scaling against linear (speed-up over concurrency 1, divided by the
concurrency), the coder's own overhead per article (CPU ms; time not spent waiting) and the
fake server's CPU per article: on a 2-core machine the server's work competes with the
coder's for the CPU, so it is shown to tell the two apart.
Targets (issue 5): scaling >= 80 % up to 32, overhead < 5 ms per article.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import multiprocessing.connection
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from coder.llm.client import LLMClient  # noqa: E402
from coder.llm.runner import code_store  # noqa: E402
from coder.llm.settings import Settings  # noqa: E402
from coder.store import Store  # noqa: E402


def _serve(latency: float, control: multiprocessing.connection.Connection) -> None:
    """The fake server's process: sends its URL, then answers "cpu" with its CPU seconds."""
    from fakeserver import FakeServer, completion
    from llm_helpers import answer

    grounded = answer()
    with FakeServer(lambda req, n: completion(req, grounded), latency=latency) as server:
        control.send(server.base_url)
        while control.recv() == "cpu":
            control.send(time.process_time())


def _articles(n: int, offset: int) -> list:
    from llm_helpers import article

    return [article(offset + i) for i in range(1, n + 1)]


def measure(base_url: str, articles: int, concurrency: int, offset: int) -> tuple[float, float, int]:
    """(wall seconds, own CPU seconds, articles coded) for one run on a fresh store."""
    settings = Settings(model="bench-model", base_url=base_url, concurrency=concurrency, timeout=30.0)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "coder.db") as store:
        store.add_articles(_articles(articles, offset))

        async def main() -> int:
            client = LLMClient(settings)
            try:
                return (await code_store(store, settings, client)).coded
            finally:
                await client.close()

        cpu, wall = time.process_time(), time.perf_counter()
        coded = asyncio.run(main())
        return time.perf_counter() - wall, time.process_time() - cpu, coded


def main() -> None:
    parser = argparse.ArgumentParser(description="LLM coder throughput against a fake server")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per request at the server")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 100])
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    control, server_end = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(args.latency, server_end), daemon=True)
    server.start()

    def server_cpu() -> float:
        control.send("cpu")
        return float(control.recv())

    try:
        if not control.poll(60):
            raise SystemExit("the fake server did not start")
        base_url = control.recv()
        measure(base_url, 10, 4, offset=900_000)  # warm-up: imports, gazetteer, prompt template
        rows = []
        for n, c in enumerate(args.concurrency):
            before = server_cpu()
            wall, cpu, coded = measure(base_url, args.articles, c, offset=n * 100_000)
            rows.append((c, wall, cpu, server_cpu() - before, coded))
    finally:
        control.send("stop")
        server.join(timeout=10)
    base = args.articles / rows[0][1] if rows[0][0] == 1 else None
    table = Table(
        title=f"LLM coder: {args.articles} articles, fake server with {args.latency * 1000:.0f} ms a request"
    )
    columns = ("concurrency", "articles/s", "ideal articles/s", "vs linear", "own ms/article")
    for column in (*columns, "server ms/article", "coded"):
        table.add_column(column, justify="right")
    for c, wall, cpu, served, coded in rows:
        rate = args.articles / wall
        ideal = c / args.latency if args.latency else float("inf")
        scaling = f"{rate / (base * c):.0%}" if base else "—"
        table.add_row(
            str(c),
            f"{rate:.1f}",
            f"{ideal:.1f}",
            scaling,
            f"{cpu / args.articles * 1000:.2f}",
            f"{served / args.articles * 1000:.2f}",
            str(coded),
        )
    Console(width=120).print(table)  # a redirected run would truncate the columns


if __name__ == "__main__":
    main()
