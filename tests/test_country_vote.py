"""The offline coder's country vote and place choice (sentences are ours)."""

from __future__ import annotations

import datetime as dt

from coder.gazetteer import get_gazetteer
from coder.models import Article
from coder.offline import OfflineCoder, _main_country


def vote(text: str, prior: str | None = None) -> str | None:
    article = Article(id="t", text=text, language="en", published=dt.date(2017, 8, 1))
    return _main_country(article, get_gazetteer().countries_in(text, adjectives=True), prior)[0]


def test_a_small_foreign_namesake_does_not_outvote_the_run() -> None:
    # "Jubilee" (a Kenyan party) is also a small Canadian place; "Day" a small US county
    party = "Supporters of the Jubilee party stoned the car of a rival aspirant."
    assert vote(party, prior="Kenya") == "Kenya"
    holiday = "Police beat a trader on New Years Day, his family said."
    assert vote(holiday, prior="Kenya") == "Kenya"


def test_a_named_city_still_outvotes_the_run() -> None:
    assert vote("Gunmen attacked a hotel in Mogadishu on Sunday.", prior="Kenya") == "Somalia"
    assert vote("Protesters blocked roads in Beirut.", prior="Kenya") == "Lebanon"


def test_without_a_run_the_only_evidence_decides() -> None:
    assert vote("Supporters of the Jubilee party stoned a car.") == "Canada"  # nothing else to go on
    assert vote("Nothing here names a place.") is None


def test_a_place_is_not_its_own_province() -> None:
    # "Sao Goncalo do Amarante" (Rio Grande do Norte) also answers to "Sao Goncalo": its own
    # district is not a province named elsewhere in the text, Rio de Janeiro is
    text = "On 3 May 2020, in Sao Goncalo, Rio de Janeiro, police clashed with drug traffickers."
    article = Article(id="t", text=text, language="en", published=dt.date(2020, 5, 4))
    first = OfflineCoder()(article)[0].event
    assert (first.location, first.admin1) == ("Sao Goncalo", "Rio de Janeiro")
