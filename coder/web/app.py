"""The review page as a Starlette app: server-rendered Jinja2 pages, htmx for the small updates.

Every request opens the store for itself (SQLite connections stay in their thread) and closes
it when done; decisions go through `coder.web.decide`, so the page and `coder review import`
share the store's audit trail and optimistic versioning.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from coder.codebook import TAXONOMY
from coder.store import Store
from coder.web import decide as decisions
from coder.web.complete import actor_choices, pick_place, place_choices
from coder.web.form import ACTOR_FIELDS, FIELDS, GROUPS, PLACE_FIELDS, choices, form_values, source_scales
from coder.web.highlight import fields_with_evidence, paragraphs
from coder.web.queue import Filters, load_queue, neighbours
from coder.web.security import CSRF_FIELD, LOOPBACK_NAMES, Guard, check_csrf

HERE = Path(__file__).resolve().parent
REVIEWER_COOKIE = "coder_reviewer"
QUEUE_ROWS_SHOWN = 500  # a longer table is slow to render and to read; filters narrow it


def create_app(
    db_path: Path,
    *,
    reviewer: str | None = None,
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> Starlette:
    """The review app on the store at `db_path`.

    allowed_hosts: Host header values to answer (default: loopback names only; pass ["*"] when
    serving on another address, which then needs `token`).
    """
    templates = Jinja2Templates(directory=HERE / "templates")
    secret = secrets.token_bytes(32)

    @contextmanager
    def store() -> Iterator[Store]:
        s = Store(db_path)
        try:
            yield s
        finally:
            s.close()

    def qs(filters: Filters, **extra: str) -> str:
        query = {**filters.query(), **{k: v for k, v in extra.items() if v}}
        return "?" + urlencode(query) if query else ""

    def refine(filters: Filters, **changes: str) -> str:
        return qs(replace(filters, **changes))

    templates.env.globals.update(
        qs=qs, refine=refine, groups=GROUPS, place_fields=PLACE_FIELDS, actor_fields=ACTOR_FIELDS
    )
    templates.env.globals.update(choices=choices, source_scales=source_scales(), csrf_field=CSRF_FIELD)

    def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        context = {"csrf_token": request.state.csrf_token, **context}
        return templates.TemplateResponse(request, name, context, status_code=status)

    def current_reviewer(request: Request) -> str:
        return request.cookies.get(REVIEWER_COOKIE) or reviewer or ""

    async def queue_page(request: Request) -> Response:
        filters = Filters.from_query(request.query_params)
        with store() as s:
            queue = load_queue(s, filters)
            counts = s.counts()
        return render(
            request,
            "queue.html",
            {
                "queue": queue,
                "shown": QUEUE_ROWS_SHOWN,
                "filters": filters,
                "counts": counts,
                "saved": request.query_params.get("saved", ""),
                "saved_as": request.query_params.get("as", ""),
            },
        )

    def event_context(
        s: Store, event_id: str, filters: Filters, values: dict[str, str] | None = None
    ) -> dict[str, Any] | None:
        stored = s.event(event_id)
        if stored is None:
            return None
        article = s.article(stored.article_id)
        text = article.text if article else ""
        queue = load_queue(s, filters)
        previous, following = neighbours(queue, event_id)
        ids = [i.id for i in queue.items]
        audit = [{**d, "changed": decisions.changed_values(d)} for d in s.decisions(event_id)]
        return {
            "stored": stored,
            "article": article,
            "paragraphs": paragraphs(text, stored.event.evidence),
            "with_evidence": fields_with_evidence(text, stored.event.evidence),
            "values": values if values is not None else form_values(stored.event),
            "flags": stored.flags,
            "filters": filters,
            "previous": previous,
            "next": following,
            "position": ids.index(event_id) + 1 if event_id in ids else None,
            "total": len(ids),
            "audit": audit,
        }

    async def event_page(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        filters = Filters.from_query(request.query_params)
        with store() as s:
            context = event_context(s, event_id, filters)
        if context is None:
            return render(request, "missing.html", {"event_id": event_id, "filters": filters}, 404)
        saved = request.query_params.get("saved", "")
        return render(
            request,
            "event.html",
            {
                **context,
                "reviewer": current_reviewer(request),
                "saved": saved,
                "saved_as": request.query_params.get("as", ""),
            },
        )

    async def decide_view(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        filters = Filters.from_query(request.query_params)
        form = await request.form()
        if not check_csrf(request, str(form.get(CSRF_FIELD) or "")):
            return PlainTextResponse("Refused: this form did not come from the review page (CSRF).", 403)
        fields = {k: str(v) for k, v in form.items() if k in FIELDS}
        name = str(form.get("reviewer") or "").strip()
        note = str(form.get("note") or "").strip()
        action = str(form.get("action") or "")
        try:
            version = int(str(form.get("version") or ""))
        except ValueError:
            return PlainTextResponse("Bad request: the form has no version number.", 400)
        with store() as s:
            if s.event(event_id) is None:
                return render(request, "missing.html", {"event_id": event_id, "filters": filters}, 404)
            _, following = neighbours(load_queue(s, filters), event_id)
            try:
                outcome = decisions.decide(s, event_id, version, action, fields, name, note)
            except decisions.DecisionError as exc:
                context = event_context(
                    s, event_id, filters, {**form_values(s.event(event_id).event), **fields}
                )
                assert context is not None
                return render(
                    request,
                    "event.html",
                    # the submitted version, so a resubmission is still checked for staleness
                    {**context, "version": version, "reviewer": name, "note": note, "problem": str(exc)},
                    400,
                )
            if outcome.saved and not outcome.still_wrong:
                target = f"/events/{following}" if following else "/"
                response: Response = RedirectResponse(
                    target + qs(filters, saved=event_id, **{"as": outcome.action or ""}), status_code=303
                )
            else:
                values = form_values(outcome.event) if outcome.saved and outcome.event else fields
                context = event_context(s, event_id, filters, values)
                assert context is not None
                status = 200 if outcome.saved else (409 if outcome.stale else 422)
                response = render(
                    request,
                    "event.html",
                    {
                        **context,
                        "version": outcome.version,
                        "reviewer": name,
                        "note": "" if outcome.saved else note,
                        "outcome": outcome,
                        "next": following if outcome.saved else context["next"],
                        "form_errors": outcome.form_errors,
                    },
                    status,
                )
        response.set_cookie(REVIEWER_COOKIE, name, samesite="strict", httponly=True)
        return response

    async def check_view(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        form = await request.form()
        if not check_csrf(request, str(form.get(CSRF_FIELD) or "")):
            return PlainTextResponse("Refused (CSRF).", 403)
        fields = {k: str(v) for k, v in form.items() if k in FIELDS}
        with store() as s:
            stored = s.event(event_id)
            if stored is None:
                return PlainTextResponse("no such event", 404)
            flags, errors = decisions.check(s, stored, fields)
        return render(request, "_check.html", {"flags": flags, "form_errors": errors, "checked": True})

    async def sub_event_types(request: Request) -> Response:
        event_type = request.query_params.get("event_type", "")
        current = request.query_params.get("sub_event_type", "")
        if current not in TAXONOMY.get(event_type, {}):
            current = next(iter(TAXONOMY.get(event_type, {})), "")
        return render(
            request, "_sub_event.html", {"values": {"event_type": event_type, "sub_event_type": current}}
        )

    async def complete_actors(request: Request) -> Response:
        field = request.query_params.get("field", "")
        if field not in ACTOR_FIELDS:
            return PlainTextResponse("unknown field", 400)
        query = request.query_params.get(field, "")
        found = actor_choices(query, request.query_params.get("country") or None)
        return render(request, "_actor_options.html", {"found": found})

    async def complete_places(request: Request) -> Response:
        name = request.query_params.get("location", "")
        found = place_choices(name, request.query_params.get("country") or None)
        return render(request, "_place_choices.html", {"found": found, "name": name})

    async def place_fields(request: Request) -> Response:
        values = {f: request.query_params.get(f, "") for f in PLACE_FIELDS}
        chosen = pick_place(request.query_params.get("pick", ""))
        if chosen is None:
            return PlainTextResponse("unknown place", 404)
        p = chosen.place
        values.update(
            location=p.name,
            country=p.country,
            iso="" if chosen.iso is None else str(chosen.iso),
            region=chosen.region or "",
            admin1=p.admin1 or "",
            admin2=p.admin2 or "",
            admin3=p.admin3 or "",
            latitude=str(p.latitude),
            longitude=str(p.longitude),
        )
        response = render(request, "_place_fields.html", {"values": values, "with_evidence": set()})
        response.headers["HX-Trigger"] = "placed"
        return response

    async def log_page(request: Request) -> Response:
        with store() as s:
            audit = [{**d, "changed": decisions.changed_values(d)} for d in reversed(s.decisions())]
        return render(request, "log.html", {"audit": audit, "filters": Filters()})

    async def healthz(request: Request) -> Response:
        return HTMLResponse("ok")

    routes = [
        Route("/", queue_page),
        Route("/events/{event_id}", event_page, methods=["GET"]),
        Route("/events/{event_id}", decide_view, methods=["POST"]),
        Route("/events/{event_id}/check", check_view, methods=["POST"]),
        Route("/fragments/sub-event-types", sub_event_types),
        Route("/fragments/place", place_fields),
        Route("/complete/actors", complete_actors),
        Route("/complete/places", complete_places),
        Route("/log", log_page),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or list(LOOPBACK_NAMES)),
        Middleware(Guard, secret=secret, token=token),
    ]
    return Starlette(routes=routes, middleware=middleware)
