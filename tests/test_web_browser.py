"""The review page in a real headless Chromium (Debian's package, driven by Playwright).

No browser is downloaded: Playwright launches /usr/bin/chromium (`make test` installs it with
apt-get when missing). Without it these tests are skipped, except on CI, where they fail.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from coder.store import Store
from coder.web.app import create_app
from tests.web_helpers import build_store, copy_store

CHROMIUM = Path("/usr/bin/chromium")
Served = tuple[str, Path, dict[str, str]]  # base url, store path, event ids
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("web") / "coder.db"
    return path, build_store(path)


@pytest.fixture
def served(
    template: tuple[Path, dict[str, str]], tmp_path: Path
) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """A review server on 127.0.0.1 over a fresh test store: (base url, store path, ids)."""
    path, ids = copy_store(template[0], tmp_path / "coder.db"), template[1]
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(path, reviewer="amal"), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "review server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", path, ids
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    p = context.new_page()
    p.set_default_timeout(5000)
    yield p
    context.close()


def test_clicking_a_field_lights_up_its_evidence(page, served) -> None:
    base, _, ids = served
    page.goto(f"{base}/events/{ids['en']}")
    page.click("#f-actor1")
    lit = page.locator("mark.ev.lit")
    assert lit.all_inner_texts() == ["Regime artillery"]
    page.click("#f-location")
    assert page.locator("mark.ev.lit").all_inner_texts() == ["Sarmin"]
    # and the other way: clicking highlighted text focuses its field
    page.click("mark.ev[data-fields='fatalities']")
    assert page.evaluate("document.activeElement.id") == "f-fatalities"


def test_arabic_article_reads_right_to_left(page, served) -> None:
    base, _, ids = served
    page.goto(f"{base}/events/{ids['ar']}")
    first = page.locator("#article-text p").first
    assert first.evaluate("p => getComputedStyle(p).direction") == "rtl"
    # words run right to left: the doer (2nd word) stands right of the place (4th word)
    doer = page.locator("mark.ev[data-fields='actor1']").bounding_box()
    place = page.locator("mark.ev[data-fields='location']").bounding_box()
    assert doer["x"] > place["x"]
    page.goto(f"{base}/events/{ids['en']}")
    assert page.locator("#article-text p").first.evaluate("p => getComputedStyle(p).direction") == "ltr"


def test_script_in_an_article_stays_text(page, served) -> None:
    base, _, ids = served
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/events/{ids['xss']}")
    text = page.locator("#article-text").inner_text()
    assert "<script>alert('x')</script>" in text and "<b>bold</b>" in text
    assert page.locator("#article-text script, #article-text b").count() == 0
    assert dialogs == []


def test_edit_accept_then_reject_with_the_keyboard(page, served) -> None:
    base, path, ids = served
    page.goto(base + "/")
    page.click(f"a[href^='/events/{ids['en']}']")
    page.select_option("#f-event_type", "Explosions/Remote violence")
    # htmx swaps in the sub-event types of the new event type
    page.wait_for_selector(
        "#f-sub_event_type option[value='Shelling/artillery/missile attack']", state="attached"
    )
    page.select_option("#f-sub_event_type", "Shelling/artillery/missile attack")
    page.fill("#f-note", "artillery, not a clash")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("a")
    assert "saved=" + ids["en"] in page.url
    with Store(path) as store:
        stored = store.event(ids["en"])
        [decision] = store.decisions(ids["en"])
    assert stored.event.status == "accepted"
    assert stored.event.sub_event_type == "Shelling/artillery/missile attack"
    assert (decision["reviewer"], decision["action"], decision["note"]) == (
        "amal",
        "edit",
        "artillery, not a clash",
    )

    # the queue now holds ar then xss; j / k walk it, r rejects
    page.goto(f"{base}/events/{ids['ar']}")
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url.endswith(f"/events/{ids['xss']}")
    with page.expect_navigation():
        page.keyboard.press("k")
    assert page.url.endswith(f"/events/{ids['ar']}")
    page.keyboard.press("n")
    page.keyboard.type("not an event")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("r")
    with Store(path) as store:
        assert store.event(ids["ar"]).event.status == "rejected"
        [decision] = store.decisions(ids["ar"])
    assert (decision["action"], decision["note"]) == ("reject", "not an event")
    assert page.url.endswith(f"/events/{ids['xss']}?saved={ids['ar']}&as=reject")
    assert "Saved " + ids["ar"] in page.locator(".notice.ok").inner_text()


def test_choosing_an_actor_sets_its_inter_code(page, served) -> None:
    base, _, ids = served
    page.goto(f"{base}/events/{ids['en']}")
    page.fill("#f-actor1", "")
    page.type("#f-actor1", "Protesters (Sy")  # the completion request fills the datalist
    page.wait_for_selector("#opts-actor1 option[value='Protesters (Syria)']", state="attached")
    page.fill("#f-actor1", "Protesters (Syria)")
    page.dispatch_event("#f-actor1", "change")
    assert page.input_value("#f-inter1") == "6"
