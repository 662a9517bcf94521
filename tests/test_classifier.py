"""The sub-event classifier: features, training, the model file, and the coder's run context."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from coder.classifier import SubEventModel, bucket, fold_models, prepare, shipped_model, train, train_file
from coder.models import Article
from coder.offline import OfflineCoder, code_article

# Short descriptions written for these tests, three kinds of event.
PROTEST = [
    "Teachers marched peacefully to the county offices demanding unpaid salaries.",
    "Residents held a peaceful demonstration against the closure of the market.",
    "Students staged a sit-in outside the ministry to protest fee increases.",
    "Farmers gathered peacefully to protest low maize prices.",
    "Traders protested the new levy with a march through the town centre.",
    "Nurses demonstrated outside the hospital over delayed allowances.",
]
STRIKE = [
    "Warplanes carried out air strikes on the village, destroying several houses.",
    "A drone strike hit a vehicle on the highway.",
    "Government helicopters dropped barrel bombs on the town.",
    "Fighter jets bombed positions near the river crossing.",
    "An air raid struck the market in the early morning.",
    "Military aircraft conducted airstrikes on the outskirts of the city.",
]
CLASH = [
    "Soldiers clashed with militants near the border post for several hours.",
    "Police exchanged fire with an armed gang in the estate.",
    "Rebels and government troops fought heavy battles around the hill.",
    "An armed group ambushed a patrol and a gun battle followed.",
    "Fighting broke out between two militias over the checkpoint.",
    "Security forces engaged gunmen in a shootout on the main road.",
]


def _model() -> SubEventModel:
    texts = PROTEST + STRIKE + CLASH
    labels = ["Peaceful protest"] * 6 + ["Air/drone strike"] * 6 + ["Armed clash"] * 6
    return train(texts, labels)


def test_prepare_drops_the_notes_date_and_folds_digits() -> None:
    assert prepare("On 9 May 2020, 12 Protesters marched.") == "0 protesters marched."
    assert prepare("On or about 1 January 2019, police fired") == "police fired"


def test_bucket_is_stable_and_spreads() -> None:
    assert bucket("some text") == bucket("  some text ")
    assert len({bucket(f"text number {i}") for i in range(200)}) == 10


def test_trained_model_classifies_unseen_descriptions() -> None:
    model = _model()
    predictions = model.predict(
        [
            "Hundreds of workers marched to protest job cuts.",
            "Jets launched air strikes on the hills overnight.",
            "Troops clashed with fighters near the bridge.",
        ]
    )
    assert [p.label for p in predictions] == ["Peaceful protest", "Air/drone strike", "Armed clash"]
    assert all(p.margin > 0 for p in predictions)


def test_model_file_round_trips_and_holds_no_text(tmp_path: Path) -> None:
    model = _model()
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = SubEventModel.load(path)
    texts = ["Police exchanged fire with bandits.", "Residents protested peacefully."]
    assert [p.label for p in loaded.predict(texts)] == [p.label for p in model.predict(texts)]
    # no pickles, and no training sentence anywhere in the archive
    with zipfile.ZipFile(path) as archive:
        blob = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Teachers marched" not in blob and b"barrel bombs" not in blob


def test_the_second_head_learns_which_side_the_coders_name_first(tmp_path: Path) -> None:
    # clashes written with the police first were coded with the state as actor1 (1), those
    # written with the gang first with the gang (3): the head learns the coders' habit
    police_first = [
        "Officers of the police traded fire with a gang near the estate.",
        "Police shot two robbers after a chase through the market.",
        "Police repulsed an armed gang that raided a petrol station.",
        "Police engaged bandits in a gun battle near the river.",
        "Police officers killed a suspected robber in a shootout.",
        "Police fought raiders who had stolen goats from a farm.",
    ]
    gang_first = [
        "A gang raided a police post, wounding one officer.",
        "A gang ambushed a police patrol on the highway at night.",
        "Armed robbers shot a police reservist guarding a bank.",
        "Bandits raided a police camp and took three rifles.",
        "A gang opened fire on officers at a roadblock.",
        "Raiders attacked a police vehicle with arrows.",
    ]
    texts = police_first + gang_first + PROTEST
    labels = ["Armed clash"] * 12 + ["Peaceful protest"] * 6
    inters = [1] * 6 + [3] * 6 + [6] * 6
    model = train(texts, labels, inters=inters)
    assert model.inter_classes == ["1", "3", "6"]
    unseen = [
        "Police exchanged fire with robbers in the estate.",
        "A gang raided a police patrol at night.",
    ]
    assert [p.actor1_inter for p in model.predict(unseen)] == [1, 3]
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = SubEventModel.load(path)
    assert [(p.label, p.actor1_inter) for p in loaded.predict(unseen)] == [
        (p.label, p.actor1_inter) for p in model.predict(unseen)
    ]
    # without inter1 there is no head, and no guess
    headless = _model()
    assert headless.inter_classes == [] and headless.predict(unseen)[0].actor1_inter is None
    # training is deterministic: the same rows give the same weights
    again = train(texts, labels, inters=inters)
    assert np.array_equal(again.inter_coef, model.inter_coef) and np.array_equal(again.coef, model.coef)


def test_train_file_reads_inter1_as_numbers_or_words(tmp_path: Path) -> None:
    texts = PROTEST + STRIKE + CLASH
    labels = ["Peaceful protest"] * 6 + ["Air/drone strike"] * 6 + ["Armed clash"] * 6
    # newer exports write the type in words, older ones as a number; an unreadable one is skipped
    inter1 = ["Protesters"] * 6 + ["1"] * 6 + ["State forces"] * 5 + ["a typo"]
    gold = tmp_path / "gold.csv"
    pl.DataFrame({"notes": texts, "sub_event_type": labels, "inter1": inter1}).write_csv(gold)
    report = train_file(gold, tmp_path / "m.npz", holdout=None)
    model = SubEventModel.load(tmp_path / "m.npz")
    assert model.inter_classes == ["1", "6"]
    assert report["trained_rows"] == 18
    assert [p.actor1_inter for p in model.predict(["Workers marched peacefully to protest job cuts."])] == [6]


def test_train_file_holds_a_bucket_out(tmp_path: Path) -> None:
    texts = PROTEST + STRIKE + CLASH
    labels = ["Peaceful protest"] * 6 + ["Air/drone strike"] * 6 + ["Armed clash"] * 6
    gold = tmp_path / "gold.csv"
    pl.DataFrame({"notes": texts, "sub_event_type": labels, "country": ["Kenya"] * 18}).write_csv(gold)
    held = {t for t in texts if bucket(t) == 3}
    report = train_file(gold, tmp_path / "m.npz", holdout=3)
    assert report["holdout_rows"] == len(held)
    assert report["trained_rows"] == len(texts) - len(held)
    assert SubEventModel.load(tmp_path / "m.npz").meta["holdout_bucket"] == 3


def test_fold_models_hold_each_bucket_out(tmp_path: Path) -> None:
    texts = PROTEST + STRIKE + CLASH
    labels = ["Peaceful protest"] * 6 + ["Air/drone strike"] * 6 + ["Armed clash"] * 6
    gold = tmp_path / "gold.csv"
    pl.DataFrame({"notes": texts, "sub_event_type": labels}).write_csv(gold)
    folds = fold_models(gold)
    assert sorted(folds) == list(range(10))
    for k, model in folds.items():
        assert model.meta["holdout_bucket"] == k
        assert model.meta["rows"] == sum(bucket(t) != k for t in texts)


def test_the_coder_types_with_the_model_it_is_given() -> None:
    # a model that learned the protests as arrests: the coder follows it, not the shipped one
    swapped = train(PROTEST + CLASH, ["Arrests"] * 6 + ["Armed clash"] * 6)
    text = "Teachers marched peacefully to the county offices in Nairobi demanding unpaid salaries."
    [coded] = OfflineCoder(choose=lambda article: swapped)(_article(text))
    assert coded.event.sub_event_type == "Arrests"
    [shipped] = OfflineCoder()(_article(text))
    assert shipped.event.sub_event_type == "Peaceful protest"


def _article(text: str, n: int = 0) -> Article:
    return Article(
        id=f"a{n}", text=text, language="en", published=dt.date(2020, 5, 10), source_path=f"t{n}.txt"
    )


def test_country_comes_from_the_text_when_it_names_one() -> None:
    events = code_article(_article("On 9 May 2020, protesters marched in Nairobi against police brutality."))
    assert events and events[0].event.country == "Kenya"
    assert events[0].event.admin1 == "Nairobi"
    # an apostrophe-less possessive still names the country
    events = code_article(_article("Rioters clashed with police over Kenyas election results."))
    assert events and events[0].event.country == "Kenya"


def test_placeless_report_takes_the_runs_country_and_says_so() -> None:
    placeless = "Mob lynches a man suspected of stealing a motorcycle."
    assert all(e.event.country is None for e in code_article(_article(placeless)))
    coder = OfflineCoder()
    for n, town in enumerate(["Nairobi", "Kisumu", "Mombasa"]):
        coder(_article(f"On 9 May 2020, protesters marched in {town} against police brutality.", n))
    events = coder(_article(placeless, 9))
    assert events and events[0].event.country == "Kenya"
    assert "COUNTRY_FROM_CONTEXT" in [f.code for f in events[0].flags]
    # a country the user states wins over the run's memory
    events = OfflineCoder(country="Uganda")(_article(placeless, 10))
    assert events[0].event.country == "Uganda"


def test_a_run_that_moves_to_another_country_follows_it() -> None:
    placeless = "Mob lynches a man suspected of stealing a motorcycle."
    coder = OfflineCoder()
    towns = ["Beirut"] * 15 + ["Bamako"] * 15 + ["New Delhi"] * 12 + ["Nairobi"] * 8
    for n, town in enumerate(towns):
        coder(_article(f"On 9 May 2020, protesters marched in {town} against prices ({n}).", n))
    # no country holds 40 % of the last 50 articles, but the latest ten agree on Kenya
    events = coder(_article(placeless, 99))
    assert events and events[0].event.country == "Kenya"


def test_shipped_model_if_built_is_small() -> None:
    model = shipped_model()
    if model is None:
        pytest.skip("datasets/models/sub_event_en.npz not built (coder train GOLD.csv)")
    from coder.classifier import MODEL_PATH

    assert MODEL_PATH.stat().st_size < 50 * 1024 * 1024
    assert model.meta["holdout_bucket"] is not None
    assert len(model.classes) >= 20


def test_unknown_context_country_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown country"):
        OfflineCoder(country="Kenia")
    assert OfflineCoder(country="KEN").country == "Kenya"
