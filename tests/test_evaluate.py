"""`coder eval`: scoring against human-coded rows, and the HTML report.

The gold rows are written here for the tests (short descriptions in ACLED's style), not taken
from any evaluation file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from coder.classifier import bucket
from coder.cli import cli
from coder.evaluate import compare, evaluate, gold_article, macro_f1, score_by
from coder.models import Article, CodedEvent, Event
from coder.report import write_report

KEYS = {
    "n",
    "event_type_accuracy",
    "sub_event_type_accuracy",
    "sub_event_type_macro_f1",
    "disorder_type_accuracy",
    "actor1_accuracy",
    "inter1_accuracy",
    "interaction_accuracy",
    "country_accuracy",
    "admin1_accuracy",
    "location_within_25km",
    "median_km_error",
    "date_accuracy",
    "time_precision_accuracy",
    "fatalities_accuracy",
    "geo_precision_accuracy",
    "location_name_accuracy",
    "articles_per_second",
}


def gold_rows() -> list[dict[str, str]]:
    base = {
        "event_id_cnty": "",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "disorder_type": "",
        "actor1": "Protesters (Kenya)",
        "inter1": "6",
        "interaction": "60",
        "country": "Kenya",
        "admin1": "Nairobi",
        "location": "Nairobi",
        "latitude": "-1.2833",
        "longitude": "36.8167",
        "time_precision": "1",
        "geo_precision": "1",
        "fatalities": "0",
        "timestamp": "",
    }
    return [
        {**base, "event_id_cnty": "KEN1", "event_date": "9-May-20",
         "notes": "On 9 May 2020, teachers marched peacefully in Nairobi to demand unpaid salaries."},
        {**base, "event_id_cnty": "KEN2", "event_date": "2020-05-10", "geo_precision": "2",
         "notes": "On 10 May 2020, traders held a peaceful demonstration in Nairobi against new levies."},
        {**base, "event_id_cnty": "KEN3", "event_date": "11-05-20", "admin1": "", "location": "Kibera",
         "notes": "On 11 May 2020, nurses protested peacefully in Nairobi over delayed allowances."},
        {**base, "event_id_cnty": "KEN4", "event_date": "12 May 2020", "geo_precision": "",
         "notes": "On 12 May 2020, students staged a peaceful sit-in in Nairobi over fees."},
    ]  # fmt: skip


def write_gold(path: Path) -> Path:
    pl.DataFrame(gold_rows()).write_csv(path)
    return path


def fake_coder(article: Article) -> list[CodedEvent]:
    """A coder that always answers the same event, to test the scoring itself."""
    event = Event(
        event_date=dt.date(2020, 5, 9),
        year=2020,
        time_precision=1,
        event_type="Protests",
        sub_event_type="Peaceful protest",
        actor1="protesters (kenya)",  # case differs: names compare through their keys
        inter1=6,
        interaction=60,
        country="Kenya",
        admin1="nairobi",
        location="Nairobi",
        latitude=-1.29,
        longitude=36.82,
        geo_precision=1,
        source="test",
        fatalities=0,
    )
    return [CodedEvent(event=event, flags=[])]


def test_scores_every_field_and_parses_gold_date_formats(tmp_path: Path) -> None:
    result = evaluate(write_gold(tmp_path / "gold.csv"), fake_coder)
    m = result.metrics
    assert set(m) >= KEYS
    assert m["n"] == 4
    assert m["disorder_type_accuracy"] is None  # blank in every gold row: left out, not zero
    assert m["date_accuracy"] == 0.25  # only 9-May-20 is the fake coder's date
    assert m["admin1_accuracy"] == 1.0  # three rows with admin1, the blank one left out
    assert m["actor1_accuracy"] == 1.0 and m["country_accuracy"] == 1.0
    assert m["location_within_25km"] == 1.0 and m["median_km_error"] < 2
    assert m["sub_event_type_macro_f1"] == 1.0
    # KEN2 is coded "in the area of" its place (precision 2), the coder says 1; KEN4 has none
    assert m["geo_precision_accuracy"] == round(2 / 3, 4)
    assert m["location_name_accuracy"] == 0.75  # KEN3 names Kibera, a part of Nairobi


def test_the_coder_sees_only_the_notes_and_a_publication_date() -> None:
    row = {**gold_rows()[0], "timestamp": "1589155200"}  # 2020-05-11 00:00 UTC
    article = gold_article(row, 1)
    assert article.text.startswith("On 9 May 2020") and article.published == dt.date(2020, 5, 11)
    assert gold_article({**row, "timestamp": ""}, 1).published == dt.date(2020, 5, 9)  # event_date


def test_events_beyond_one_per_gold_row_are_counted(tmp_path: Path) -> None:
    def twice(article: Article) -> list[CodedEvent]:  # one event more for the first row's notes
        events = fake_coder(article)
        return events * 2 if "teachers" in article.text else events

    m = evaluate(write_gold(tmp_path / "gold.csv"), twice).metrics
    assert (m["events_per_row"], m["rows_with_several_events"]) == (1.25, 0.25)
    assert evaluate(tmp_path / "gold.csv", fake_coder).metrics["events_per_row"] == 1.0


def test_no_event_counts_as_wrong_and_macro_f1_averages_classes() -> None:
    row = gold_rows()[0]
    comparison = compare(1, row, gold_article(row, 1), None)
    assert comparison.correct["event_type"] is False and comparison.correct["country"] is False
    assert macro_f1([("A", "A"), ("B", "A")]) == (2 / 3 + 0) / 2


def test_holdout_scores_only_the_held_out_bucket(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.csv")
    held = [r for r in gold_rows() if bucket(r["notes"]) == bucket(gold_rows()[0]["notes"])]
    result = evaluate(gold, fake_coder, holdout=bucket(gold_rows()[0]["notes"]))
    assert result.metrics["n"] == len(held) >= 1


def test_report_page_has_scores_confusion_matrix_and_worst_rows(tmp_path: Path) -> None:
    rows = gold_rows()
    rows[1] = {**rows[1], "notes": "On 10 May 2020, <script>alert(1)</script> traders rioted in Nairobi."}
    gold = tmp_path / "gold.csv"
    pl.DataFrame(rows).write_csv(gold)
    page = write_report(evaluate(gold, fake_coder), tmp_path / "report", "test report")
    html = page.read_text(encoding="utf-8")
    assert "date_accuracy" in html and "<svg" in html and (tmp_path / "report" / "confusion.svg").exists()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "row 2:" in html  # the worst rows, article text beside gold and predicted values


def test_cli_eval_json_and_unreadable_file(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.csv")
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", str(gold), "--format", "json", "--report", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout[result.stdout.index("{") :])
    assert set(metrics) >= KEYS and metrics["n"] == 4
    assert (tmp_path / "r" / "index.html").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02 not a table")
    assert runner.invoke(cli, ["eval", str(bad), "--format", "json"]).exit_code == 2


def test_scores_by_a_gold_column(tmp_path: Path) -> None:
    rows = gold_rows()
    rows[0]["admin1"] = "Mombasa"  # the fake coder says Nairobi: wrong on this row only
    for row, county in zip(rows, ["Coast", "Coast", "Nairobi", ""], strict=True):
        row["region_of_row"] = county
    gold = tmp_path / "gold.csv"
    pl.DataFrame(rows).write_csv(gold)
    groups = score_by(evaluate(gold, fake_coder).comparisons, "region_of_row")
    assert list(groups) == ["Coast", "(blank)", "Nairobi"]  # largest first, then by name
    assert groups["Coast"]["n"] == 2 and groups["Coast"]["admin1_accuracy"] == 0.5
    assert groups["Coast"]["date_accuracy"] == 0.5  # only 9-May-20 is the fake coder's date
    assert groups["Nairobi"]["admin1_accuracy"] is None  # its one row has no admin1
    assert set(groups["Coast"]) >= KEYS - {"articles_per_second"}
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", str(gold), "--by", "region_of_row", "--format", "json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout[result.stdout.index("{") :])
    assert metrics["by"]["column"] == "region_of_row" and metrics["by"]["groups"]["Coast"]["n"] == 2
    table = runner.invoke(cli, ["eval", str(gold), "--by", "region_of_row"])
    assert table.exit_code == 0 and "by region_of_row" in table.output and "Coast" in table.output
    missing = runner.invoke(cli, ["eval", str(gold), "--by", "no_such_column"])
    assert missing.exit_code == 2 and "no column 'no_such_column'" in missing.output


def test_cli_eval_cross_validated(tmp_path: Path) -> None:
    # two kinds of event, six rows each, written for this test
    protests = [
        f"On 3 May 2020, {who} held a peaceful protest in Nairobi over {why}."
        for who, why in [
            ("teachers", "unpaid salaries"),
            ("traders", "a new levy"),
            ("nurses", "delayed allowances"),
            ("students", "fee increases"),
            ("farmers", "maize prices"),
            ("residents", "water shortages"),
        ]
    ]
    clashes = [
        f"On 3 May 2020, police exchanged fire with {who} in Nairobi; the gun battle lasted {n} hours."
        for who, n in [
            ("robbers", 2),
            ("a gang", 3),
            ("gunmen", 1),
            ("bandits", 4),
            ("militiamen", 5),
            ("thugs", 6),
        ]
    ]
    base = {**gold_rows()[0], "event_date": "3-May-20"}
    rows = [{**base, "notes": t, "sub_event_type": "Peaceful protest"} for t in protests] + [
        {**base, "notes": t, "event_type": "Battles", "sub_event_type": "Armed clash"} for t in clashes
    ]
    gold = tmp_path / "gold.csv"
    pl.DataFrame(rows).write_csv(gold)
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", str(gold), "--cross-validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout[result.stdout.index("{") :])
    assert set(metrics) >= KEYS and metrics["n"] == 12
    assert metrics["event_type_accuracy"] is not None
    bad = runner.invoke(cli, ["eval", str(gold), "--cross-validate", "--holdout-only"])
    assert bad.exit_code == 2 and "--cross-validate" in bad.output
