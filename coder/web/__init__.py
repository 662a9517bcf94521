"""The review page: `coder review serve` (Starlette + Jinja2 + vendored htmx, no build step).

`app.create_app` wires the routes; the other modules are the page's logic as plain functions
(queue filtering, evidence highlighting, form parsing, completion, decisions, security).
"""
