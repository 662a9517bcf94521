"""Safe defaults for the review page: loopback binding, an access token, CSRF protection.

* Bound to a loopback address the page only answers requests whose Host is a loopback name,
  so a web page elsewhere cannot reach it through DNS rebinding.
* Bound to any other address it needs a token: `?token=T` once (it becomes a cookie) or an
  `Authorization: Bearer T` header.
* Every POST carries a CSRF token (form field `csrf_token` or header `X-CSRF-Token`): an HMAC,
  keyed by a secret made at start-up, of a random per-browser cookie (signed double submit).
  Cookies are SameSite=Strict and HttpOnly.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

CSRF_COOKIE = "coder_csrf"
TOKEN_COOKIE = "coder_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def csrf_token(secret: bytes, cookie: str) -> str:
    return hmac.new(secret, cookie.encode(), hashlib.sha256).hexdigest()


def token_ok(expected: str, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(expected.encode(), sent.encode())


class Guard:
    """ASGI middleware: access token (when one is set) and the per-browser CSRF cookie.

    It puts the page's CSRF token in `scope["state"]["csrf_token"]`; POST handlers compare it
    with what the request sent (`check_csrf`).
    """

    def __init__(self, app: ASGIApp, secret: bytes, token: str | None) -> None:
        self.app = app
        self.secret = secret
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.token is not None:
            response = self._token_gate(request)
            if response is not None:
                await response(scope, receive, send)
                return
        cookie = request.cookies.get(CSRF_COOKIE)
        new_cookie = None
        if not cookie:
            cookie = new_cookie = secrets.token_urlsafe(32)
        scope.setdefault("state", {})
        scope["state"]["csrf_cookie"] = cookie
        scope["state"]["csrf_token"] = csrf_token(self.secret, cookie)

        async def send_with_cookie(message: dict) -> None:
            if message["type"] == "http.response.start" and new_cookie:
                headers = list(message.get("headers", []))
                value = f"{CSRF_COOKIE}={new_cookie}; Path=/; HttpOnly; SameSite=Strict"
                headers.append((b"set-cookie", value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _token_gate(self, request: Request) -> Response | None:
        assert self.token is not None
        sent = request.query_params.get("token")
        if sent is not None and token_ok(self.token, sent):
            # swap the token in the address for a cookie, so it does not linger in history
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            url = URL(str(request.url)).replace(query=urlencode(rest))
            response = RedirectResponse(str(url), status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
            return response
        auth = request.headers.get("authorization", "")
        bearer = auth[7:] if auth.lower().startswith("bearer ") else None
        if token_ok(self.token, request.cookies.get(TOKEN_COOKIE)) or token_ok(self.token, bearer):
            return None
        return PlainTextResponse(
            "This review page needs its access token: open the address `coder review serve` printed"
            " (it ends in ?token=...).",
            status_code=401,
        )


def check_csrf(request: Request, form_value: str | None) -> bool:
    """Did this POST come from one of our pages (token in the form or the htmx header)?"""
    sent = form_value or request.headers.get(CSRF_HEADER)
    expected = request.scope.get("state", {}).get("csrf_token")
    return bool(expected and sent and hmac.compare_digest(expected, sent))
