"""The review page through Starlette's TestClient: queue, event page, decisions, safety."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from coder.store import Store
from coder.web.app import create_app
from tests.web_helpers import build_store, copy_store

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("web") / "coder.db"
    return path, build_store(path)


@pytest.fixture
def db(template: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh copy of the test store for each test."""
    return copy_store(template[0], tmp_path / "coder.db"), template[1]


@pytest.fixture
def client(db: tuple[Path, dict[str, str]]) -> TestClient:
    return TestClient(create_app(db[0], reviewer="amal"), base_url=BASE)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found, "no CSRF token in the page"
    return found[1]


def form_of(html: str) -> dict[str, str]:
    """The event form's fields as the browser would send them (inputs, selects, textarea)."""
    form = html[html.index('<form id="event-form"') :]
    form = form[: form.index("</form>")]
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"\s*selected', body)
        values[name] = chosen[1] if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = body
    return {k: v.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"') for k, v in values.items()}


def test_queue_lists_flagged_events_most_severe_first_with_counts(client: TestClient, db) -> None:
    _, ids = db
    page = client.get("/")
    assert page.status_code == 200
    order = re.findall(r'<td><a href="/events/([A-Z]+\d+)', page.text)
    # all three carry one error; the Arabic one has a warning too, so it comes first
    assert order == [ids["ar"], ids["xss"], ids["en"]]
    assert re.search(r"BATTLE_ACTOR_NOT_ARMED <b>1</b>", page.text)
    assert re.search(r"CIVILIAN_TARGETING_UNEXPECTED <b>1</b>", page.text)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"code": "INTER2_NAME_MISMATCH"}, ["ar"]),
        ({"severity": "warning"}, ["ar"]),
        ({"country": "Lebanon"}, ["xss"]),
        ({"article": "test.txt"}, ["en"]),
        ({"coder": "offline", "country": "Syria"}, ["ar", "en"]),
        ({"coder": "llm"}, []),
        ({"status": "accepted"}, []),
    ],
)
def test_queue_filters(client: TestClient, db, query: dict[str, str], expected: list[str]) -> None:
    _, ids = db
    page = client.get("/", params=query)
    assert re.findall(r'<td><a href="/events/([A-Z]+\d+)', page.text) == [ids[k] for k in expected]


def test_event_page_shows_article_flags_evidence_and_codebook_choices(client: TestClient, db) -> None:
    _, ids = db
    page = client.get(f"/events/{ids['en']}")
    assert page.status_code == 200
    html = page.text
    assert '<mark class="ev" data-fields="actor1"' in html and ">Regime artillery</mark>" in html
    assert 'data-fields="fatalities"' in html and ">killing two civilians</mark>" in html
    assert "BATTLE_ACTOR_NOT_ARMED" in html
    # sub-event types are those of the event's type only
    sub = re.search(r'<select id="f-sub_event_type".*?</select>', html, re.S)[0]
    assert re.findall(r'<option value="([^"]+)"', sub) == [
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ]
    # en is last in the queue (ar, xss, en): previous is xss, next goes back to the queue
    assert f'<a id="prev" href="/events/{ids["xss"]}"' in html
    assert '<a id="next" href="/"' in html


def test_arabic_article_is_rendered_right_to_left_per_paragraph(client: TestClient, db) -> None:
    _, ids = db
    html = client.get(f"/events/{ids['ar']}").text
    assert 'lang="ar"' in html
    paragraphs = re.findall(r'<p dir="auto">(.*?)</p>', html, re.S)
    assert len(paragraphs) == 2  # the article's two lines, each with its own direction
    assert ">قوات النظام</mark>" in paragraphs[0]


def test_article_text_is_escaped(client: TestClient, db) -> None:
    _, ids = db
    html = client.get(f"/events/{ids['xss']}").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_edit_accept_saves_audit_row_and_goes_to_next(client: TestClient, db) -> None:
    path, ids = db
    page = client.get(f"/events/{ids['en']}").text
    form = form_of(page)
    form.update(
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        action="accept",
        note="artillery, not a clash",
    )
    response = client.post(f"/events/{ids['en']}", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/")  # en was last in the queue: back to it
    with Store(path) as store:
        stored = store.event(ids["en"])
        assert stored.event.status == "accepted"
        assert stored.event.sub_event_type == "Shelling/artillery/missile attack"
        assert stored.flags == []  # the validator re-ran on the edited values
        [decision] = store.decisions(ids["en"])
    assert decision["reviewer"] == "amal" and decision["action"] == "edit"
    assert decision["note"] == "artillery, not a clash"
    assert '"sub_event_type":"Armed clash"' in decision["before"]
    assert '"sub_event_type":"Shelling/artillery/missile attack"' in decision["after"]
    assert ids["en"] not in client.get("/").text  # left the queue
    log = client.get("/log").text
    assert "artillery, not a clash" in log and "Armed clash" in log


def test_accept_unchanged_is_accept_and_moves_to_next_event(client: TestClient, db) -> None:
    path, ids = db
    form = form_of(client.get(f"/events/{ids['ar']}").text)
    response = client.post(f"/events/{ids['ar']}", data={**form, "action": "accept"}, follow_redirects=False)
    # accepted as it is, the error stays: the page says so instead of moving on
    assert response.status_code == 200
    assert "The validator still finds 1 error(s)" in response.text
    assert "INTER2_NAME_MISMATCH" in response.text
    with Store(path) as store:
        assert store.event(ids["ar"]).event.status == "accepted"
        assert store.decisions(ids["ar"])[0]["action"] == "accept"


def test_fixing_the_error_moves_on_to_the_next_event(client: TestClient, db) -> None:
    path, ids = db
    form = form_of(client.get(f"/events/{ids['ar']}").text)
    form.update(inter2="7", civilian_targeting="Civilian targeting", action="accept")
    response = client.post(f"/events/{ids['ar']}", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/events/{ids['xss']}?saved={ids['ar']}&as=edit"
    with Store(path) as store:
        event = store.event(ids["ar"]).event
    assert (event.inter2, event.interaction) == (7, 17)  # interaction follows the inter codes


def test_reject_with_note(client: TestClient, db) -> None:
    path, ids = db
    form = form_of(client.get(f"/events/{ids['xss']}").text)
    response = client.post(
        f"/events/{ids['xss']}",
        data={**form, "action": "reject", "note": "not an event"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with Store(path) as store:
        assert store.event(ids["xss"]).event.status == "rejected"
        [decision] = store.decisions(ids["xss"])
    assert (decision["action"], decision["note"]) == ("reject", "not an event")


def test_second_reviewer_stale_save_is_refused_and_keeps_values(client: TestClient, db) -> None:
    path, ids = db
    first = form_of(client.get(f"/events/{ids['en']}").text)
    second = dict(first)
    first.update(fatalities="3", action="accept", reviewer="amal")
    assert client.post(f"/events/{ids['en']}", data=first, follow_redirects=False).status_code in (200, 303)
    second.update(fatalities="5", location="Saraqib", action="accept", reviewer="omar", note="my note")
    refused = client.post(f"/events/{ids['en']}", data=second, follow_redirects=False)
    assert refused.status_code == 409
    assert "Not saved" in refused.text and "amal decided" in refused.text
    kept = form_of(refused.text)
    assert (kept["fatalities"], kept["location"], kept["note"]) == ("5", "Saraqib", "my note")
    assert kept["version"] == "2"  # the new version: saving again overrules knowingly
    with Store(path) as store:
        assert store.event(ids["en"]).event.fatalities == 3
        assert [d["reviewer"] for d in store.decisions(ids["en"])] == ["amal"]
    again = client.post(f"/events/{ids['en']}", data={**kept, "action": "accept"}, follow_redirects=False)
    assert again.status_code in (200, 303)
    with Store(path) as store:
        assert store.event(ids["en"]).event.fatalities == 5


def test_invalid_values_are_refused_and_kept(client: TestClient, db) -> None:
    path, ids = db
    form = form_of(client.get(f"/events/{ids['en']}").text)
    form.update(latitude="north", action="accept")
    response = client.post(f"/events/{ids['en']}", data=form)
    assert response.status_code == 422
    assert "Not saved" in response.text and 'value="north"' in response.text
    with Store(path) as store:
        assert store.decisions() == []


def test_post_without_csrf_token_is_refused(client: TestClient, db) -> None:
    path, ids = db
    form = form_of(client.get(f"/events/{ids['en']}").text)
    for bad in ("", "0" * 64):
        response = client.post(f"/events/{ids['en']}", data={**form, "csrf_token": bad, "action": "reject"})
        assert response.status_code == 403
    # a token from another browser (another cookie) does not fit this browser's cookie either
    other = TestClient(client.app, base_url=BASE)
    stolen = csrf(other.get("/events/" + ids["en"]).text)
    response = client.post(f"/events/{ids['en']}", data={**form, "csrf_token": stolen, "action": "reject"})
    assert response.status_code == 403
    with Store(path) as store:
        assert store.decisions() == []


def test_unknown_host_header_is_refused(client: TestClient) -> None:
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def test_token_is_required_when_set(db) -> None:
    path, _ = db
    app = create_app(path, token="s3cret", allowed_hosts=["*"])
    client = TestClient(app, base_url="http://192.0.2.1:8765")
    assert client.get("/").status_code == 401
    assert client.get("/", params={"token": "wrong"}).status_code == 401
    entered = client.get("/", params={"token": "s3cret", "status": "all"}, follow_redirects=False)
    assert entered.status_code == 303 and "token" not in entered.headers["location"]
    assert client.get(entered.headers["location"]).status_code == 200  # the cookie carries it now
    bearer = TestClient(app, base_url="http://192.0.2.1:8765")
    assert bearer.get("/", headers={"authorization": "Bearer s3cret"}).status_code == 200


def test_sub_event_types_follow_event_type(client: TestClient) -> None:
    html = client.get("/fragments/sub-event-types", params={"event_type": "Riots"}).text
    assert re.findall(r'<option value="([^"]+)"', html) == ["Violent demonstration", "Mob violence"]
    assert 'value="Violent demonstration" selected' in html


def test_actor_completion_from_the_dictionary(client: TestClient) -> None:
    html = client.get(
        "/complete/actors", params={"field": "actor1", "actor1": "regime forces", "country": "Syria"}
    ).text
    assert '<option value="Military Forces of Syria (2000-2024)" data-inter="1">' in html
    civilians = client.get(
        "/complete/actors", params={"field": "actor2", "actor2": "civil", "country": "Syria"}
    )
    assert 'value="Civilians (Syria)"' in civilians.text


def test_location_completion_fills_admin_units_and_coordinates(client: TestClient) -> None:
    html = client.get("/complete/places", params={"location": "سرمين", "country": "Syria"}).text
    pick = re.search(r"hx-vals='(.*?)'", html)[1]
    key = pick.split('"pick": "')[1].rstrip('"}')
    fields = client.get("/fragments/place", params={"pick": key, "geo_precision": "2"}).text
    values = dict(re.findall(r'name="([a-z0-9_]+)" value="([^"]*)"', fields))
    assert values["location"] == "Sarmin" and values["admin1"] == "Idleb" and values["iso"] == "760"
    assert abs(float(values["latitude"]) - 35.9) < 0.05
    assert re.search(r'<option value="2"\s*selected', fields)  # the reviewer's precision is kept


def test_check_reports_what_is_still_wrong_without_saving(client: TestClient, db) -> None:
    path, ids = db
    form = form_of(client.get(f"/events/{ids['xss']}").text)
    still = client.post(f"/events/{ids['xss']}/check", data=form).text
    assert "FATALITIES_NOT_ALLOWED" in still
    fixed = client.post(f"/events/{ids['xss']}/check", data={**form, "fatalities": "0"}).text
    assert "FATALITIES_NOT_ALLOWED" not in fixed and "nothing wrong" in fixed
    with Store(path) as store:
        assert store.decisions() == []


def test_release_holds_exactly_the_accepted_rows_and_their_decision(client: TestClient, db) -> None:
    from coder.release_rows import load_events

    path, ids = db
    form = form_of(client.get(f"/events/{ids['en']}").text)
    form.update(event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack")
    client.post(f"/events/{ids['en']}", data={**form, "action": "accept"})
    form = form_of(client.get(f"/events/{ids['xss']}").text)
    client.post(f"/events/{ids['xss']}", data={**form, "action": "reject"})
    with Store(path) as store:
        frame = load_events(store)
        [decision] = store.decisions(ids["en"])
    # ar was never decided: it keeps its error and stays out, as does the rejected xss row
    assert frame["event_id_cnty"].to_list() == [ids["en"]]
    assert frame["review_decision_id"].to_list() == [decision["id"]]


def test_serve_refuses_a_public_host_without_token(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from coder.cli import cli

    result = CliRunner().invoke(
        cli,
        ["review", "serve", "--host", "0.0.0.0", "--db", str(tmp_path / "c.db")],
        env={"CODER_REVIEW_TOKEN": ""},
    )
    assert result.exit_code == 2
    assert "pass --token" in result.output


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    from coder.web.security import is_loopback

    assert is_loopback(host) is loopback


def test_decision_without_reviewer_is_refused_keeping_the_page_version(db) -> None:
    path, ids = db
    client = TestClient(create_app(path), base_url=BASE)  # no --reviewer default
    form = form_of(client.get(f"/events/{ids['en']}").text)
    assert form["reviewer"] == ""
    response = client.post(f"/events/{ids['en']}", data={**form, "action": "reject", "note": "dup"})
    assert response.status_code == 400 and "needs a reviewer" in response.text
    kept = form_of(response.text)
    assert (kept["version"], kept["note"]) == (form["version"], "dup")
    with Store(path) as store:
        assert store.decisions() == []


def test_unknown_event_is_a_404(client: TestClient) -> None:
    assert client.get("/events/XYZ999").status_code == 404
