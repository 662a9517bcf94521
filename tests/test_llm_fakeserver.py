"""The fake server itself must not limit the benchmark: it serves 100 requests at the same time."""

from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from fakeserver import FakeServer, Reply, completion
from llm_helpers import answer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

CLIENTS = 100  # bench/llm.py's highest concurrency


def test_all_clients_are_answered_at_the_same_time() -> None:
    # Every request waits inside the server until all of them are in: this passes only if
    # the server accepts and serves CLIENTS connections at once (no serial handling, no
    # connections left in a short listen backlog).
    inside = threading.Barrier(CLIENTS, timeout=20)

    def responder(req: dict, n: int) -> Reply:
        inside.wait()
        return completion(req, answer())

    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()
    with FakeServer(responder) as server:
        # with the default backlog of 5 this test still passes, a second later: dropped SYNs
        # are retried after 1 s, which the benchmark would count against the coder
        assert server.httpd.request_queue_size >= CLIENTS

        def post(_: int) -> int:
            request = urllib.request.Request(
                f"{server.base_url}/chat/completions", data=body, headers={"content-type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status

        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = list(pool.map(post, range(CLIENTS)))
    assert statuses == [200] * CLIENTS and not inside.broken
