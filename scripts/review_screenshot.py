"""Screenshot the review page for the README: the first flagged event of a store, one field lit.

    .venv/bin/python scripts/review_screenshot.py --db coder.db --out docs/review-page.png

Uses Debian's /usr/bin/chromium through Playwright (no browser download).
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from coder.web.app import create_app

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("coder.db"))
    parser.add_argument("--out", type=Path, default=Path("docs/review-page.png"))
    parser.add_argument("--event", help="event id (default: the first in the queue)")
    parser.add_argument("--field", default="actor1", help="field whose evidence is lit")
    args = parser.parse_args()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(args.db, reviewer="reviewer")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            base = f"http://127.0.0.1:{port}"
            if args.event:
                page.goto(f"{base}/events/{args.event}")
            else:
                page.goto(base + "/")
                page.click("table.queue tbody a")
            page.click(f"#f-{args.field}")
            page.wait_for_timeout(600)  # the live validator check fills in
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=5)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
