"""A small OpenAI-compatible chat-completions server on 127.0.0.1, for tests and the benchmark.

It answers POST /v1/chat/completions with whatever its `responder` returns for the request:
a `Reply` (status, JSON body or raw text, headers, delay). Helpers build the usual replies:
`completion(request, answer)` puts the answer where the request's mode expects it (a tool
call when the request has `tools`, else the message content). Every request is recorded.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.DOTALL)


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict -> JSON; str -> sent as is (e.g. broken JSON)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Responder = Callable[[dict[str, Any], int], Reply]  # (request body, request number from 0) -> reply


def article_text(request: dict[str, Any]) -> str:
    """The article (or chunk) text of the request's last user message."""
    content = request["messages"][-1]["content"] if request["messages"][-1]["role"] == "user" else ""
    for message in reversed(request["messages"]):
        if message["role"] == "user" and "<article>" in str(message.get("content")):
            content = message["content"]
            break
    m = ARTICLE.search(content)
    return m.group(1) if m else ""


def is_reask(request: dict[str, Any]) -> bool:
    """instructor re-asks by appending the failed answer and the validation errors."""
    last = request["messages"][-1]
    return last["role"] in ("tool", "assistant") or (
        last["role"] == "user" and "<article>" not in str(last.get("content"))
    )


def completion(
    request: dict[str, Any],
    answer: dict | str,
    finish_reason: str = "stop",
    usage: tuple[int, int] = (100, 50),
) -> Reply:
    """A chat completion carrying `answer` (dict or raw JSON text) in the request's mode."""
    arguments = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if request.get("tools"):
        name = request["tools"][0]["function"]["name"]
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}
        ]
    else:
        message["content"] = arguments
    return Reply(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1700000000,
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
        }
    )


def error(status: int, message: str = "fake error", headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, body={"error": {"message": message, "type": "fake"}}, headers=headers or {})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a client opening 32+ connections at once
    # would see SYNs dropped and retried after a second, which the benchmark would blame on
    # the coder.
    request_queue_size = 256


class FakeServer:
    """`with FakeServer(responder) as server:` ... `server.base_url` (ends in /v1)."""

    def __init__(self, responder: Responder, latency: float = 0.0) -> None:
        self.responder = responder
        self.latency = latency
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # With Nagle on, a write that follows one not yet acknowledged waits for the
            # client's delayed ACK (~40 ms; it cost every answer when headers and body were
            # written apart, and still applies to send_error's two writes).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                if not raw:  # the client gave up before sending the body
                    self.send_error(400)
                    return
                request = json.loads(raw)
                with server.lock:
                    number = len(server.requests)
                    server.requests.append(request)
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                reply = server.responder(request, number)
                if server.latency or reply.delay:
                    time.sleep(server.latency + reply.delay)
                body = (
                    reply.body if isinstance(reply.body, str) else json.dumps(reply.body, ensure_ascii=False)
                )
                data = body.encode("utf-8")
                head = [
                    f"HTTP/1.1 {reply.status} {_reason(reply.status)}",
                    "content-type: application/json",
                    f"content-length: {len(data)}",
                    *(f"{name}: {value}" for name, value in reply.headers.items()),
                ]
                # One write, as a real server sends a small answer: with the status line and
                # headers apart from the body, the client wakes up twice per answer and the
                # benchmark's throughput with no latency halves. A client that timed out and
                # left is no error.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # shutdown() waits for serve_forever to look at its flag, every poll_interval (0.5 s
        # by default): half a second per test otherwise
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
