"""A small sub-event-type classifier: hashed character and word n-grams, TF-IDF, linear SVM.

Trained by `coder train GOLD.csv` from an ACLED-format file the user points to (rows' `notes`
and `sub_event_type`); the training data never enters the repository. Features are hashed,
so the model file holds numbers only, no text from the training rows. The file is a NumPy
`.npz` (no pickle): the non-zero feature columns, their IDF weights, the class weights and a
JSON header with the feature settings, the training counts and the held-out bucket.

Rows are split by a hash of their text into ten buckets; the bucket named `holdout` is never
trained on, so `coder eval --holdout-only` can report an honest figure for the shipped model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

MODEL_PATH = Path(__file__).resolve().parent.parent / "datasets" / "models" / "sub_event_en.npz"
FORMAT_VERSION = 1
N_FEATURES = 2**18
CHAR_NGRAMS = (1, 5)
WORD_NGRAMS = (1, 3)

_LEADING_DATE = re.compile(r"^\s*on (?:or (?:about|around) )?\S+ \S+ \d{4},?\s*", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def prepare(text: str) -> str:
    """What the classifier reads: lower case, digits folded, the notes' leading date dropped."""
    return _DIGITS.sub("0", _LEADING_DATE.sub("", text)).lower()


def bucket(text: str) -> int:
    """Stable 0-9 bucket of a text, used to hold rows out of training."""
    return int(hashlib.sha256(text.strip().encode()).hexdigest()[:8], 16) % 10


@cache
def _vectorizers() -> tuple[Any, Any]:
    # Imported lazily: scikit-learn takes a while to import and many commands never classify.
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"alternate_sign": False, "norm": None, "n_features": N_FEATURES, "dtype": np.float32}
    return (
        HashingVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, **common),
        HashingVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, **common),
    )


def counts(texts: list[str]) -> sp.csr_matrix:
    """Hashed n-gram counts, character block then word block."""
    prepared = [prepare(t) for t in texts]
    chars, words = _vectorizers()
    return sp.hstack([chars.transform(prepared), words.transform(prepared)], format="csr")


@dataclass(frozen=True)
class Prediction:
    label: str
    margin: float  # decision value of the winner minus the runner-up: small means doubt


@dataclass(eq=False)
class SubEventModel:
    classes: list[str]
    columns: np.ndarray  # feature columns with a non-zero weight
    idf: np.ndarray  # IDF of those columns
    coef: np.ndarray  # (classes, columns)
    intercept: np.ndarray
    meta: dict[str, Any]

    def __post_init__(self) -> None:
        # Scatter the kept columns into full-width arrays once, so prediction is one sparse
        # product instead of a slow column selection per call.
        width = 2 * N_FEATURES
        self._idf = np.zeros(width, dtype=np.float32)
        self._idf[self.columns] = self.idf
        self._weights = np.zeros((width, len(self.classes)), dtype=np.float32)
        self._weights[self.columns] = self.coef.T

    def scores(self, texts: list[str]) -> np.ndarray:
        x = counts(texts)
        x.data = (1.0 + np.log(x.data)) * self._idf[x.indices]  # sublinear tf-idf
        squares = x.copy()
        squares.data **= 2
        norms = np.sqrt(np.asarray(squares.sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return np.asarray(x @ self._weights) / norms[:, None] + self.intercept

    def predict(self, texts: list[str]) -> list[Prediction]:
        out = []
        for row in self.scores(texts):
            order = np.argsort(row)[::-1]
            out.append(Prediction(self.classes[order[0]], float(row[order[0]] - row[order[1]])))
        return out

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = json.dumps({**self.meta, "classes": self.classes, "format": FORMAT_VERSION})
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                header=np.frombuffer(header.encode(), dtype=np.uint8),
                columns=self.columns.astype(np.int32),
                idf=self.idf.astype(np.float32),
                coef=self.coef.astype(np.float16),
                intercept=self.intercept.astype(np.float32),
            )

    @classmethod
    def load(cls, path: Path) -> SubEventModel:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode())
            if header.get("format") != FORMAT_VERSION:
                raise ValueError(f"{path}: model format {header.get('format')}, expected {FORMAT_VERSION}")
            classes = header.pop("classes")
            return cls(
                classes=classes,
                columns=data["columns"].astype(np.int64),
                idf=data["idf"].astype(np.float64),
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                meta=header,
            )


def train(
    texts: list[str], labels: list[str], *, c: float = 1.0, meta: dict[str, Any] | None = None
) -> SubEventModel:
    """Fit the classifier; only columns some class weighs are kept, so the file stays small."""
    return _fit(counts(texts), labels, c=c, meta=meta, rows=len(texts))


def _fit(
    x: sp.csr_matrix, labels: list[str], *, c: float, meta: dict[str, Any] | None, rows: int
) -> SubEventModel:
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.svm import LinearSVC

    tfidf = TfidfTransformer(sublinear_tf=True).fit(x)
    svm = LinearSVC(C=c, class_weight="balanced").fit(tfidf.transform(x), labels)
    coef = np.atleast_2d(svm.coef_)
    columns = np.flatnonzero(np.abs(coef).max(axis=0) > 1e-4)
    return SubEventModel(
        classes=[str(c) for c in svm.classes_],
        columns=columns,
        idf=tfidf.idf_[columns],
        coef=coef[:, columns],
        intercept=np.atleast_1d(svm.intercept_),
        meta={
            "trained": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": rows,
            "C": c,
            "features": {"n_features": N_FEATURES, "char": CHAR_NGRAMS, "word": WORD_NGRAMS},
            **(meta or {}),
        },
    )


@cache
def shipped_model() -> SubEventModel | None:
    """The model in datasets/models/, or None when it has not been built."""
    return SubEventModel.load(MODEL_PATH) if MODEL_PATH.exists() else None


def _training_rows(path: Path) -> list[tuple[str, str]]:
    """(notes, sub_event_type) of an ACLED-format file's rows that have both."""
    import polars as pl

    frame = pl.read_csv(path, infer_schema_length=0, columns=["notes", "sub_event_type"])
    frame = frame.filter(
        pl.col("notes").str.strip_chars().str.len_chars() > 0, pl.col("sub_event_type").is_not_null()
    )
    return list(zip(frame["notes"], frame["sub_event_type"], strict=True))


def fold_models(path: Path, *, c: float = 1.0, jobs: int = 2) -> dict[int, SubEventModel]:
    """Ten models, one per text bucket, each trained on the file's other nine buckets.

    Coding every row with the model that never saw it scores a whole file honestly (10-fold
    cross-validation), where the shipped model, trained on 90 % of it, would recall its rows.
    """
    from concurrent.futures import ThreadPoolExecutor

    rows = _training_rows(path)
    labels = np.array([y for _, y in rows])
    buckets = np.array([bucket(t) for t, _ in rows])
    x = counts([t for t, _ in rows])

    def fit(k: int) -> SubEventModel:
        keep = np.flatnonzero(buckets != k)
        return _fit(x[keep], list(labels[keep]), c=c, meta={"holdout_bucket": k}, rows=len(keep))

    # liblinear releases the GIL while it trains, so threads share the one count matrix
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(zip(range(10), pool.map(fit, range(10)), strict=True))


def train_file(
    path: Path, out: Path = MODEL_PATH, *, holdout: int | None = 9, c: float = 1.0
) -> dict[str, Any]:
    """Train from an ACLED-format file (`notes`, `sub_event_type`), save, and score the held-out rows."""
    rows = _training_rows(path)
    kept = [(t, y) for t, y in rows if holdout is None or bucket(t) != holdout]
    held = [(t, y) for t, y in rows if holdout is not None and bucket(t) == holdout]
    source = hashlib.sha256(path.read_bytes()).hexdigest()
    model = train(
        [t for t, _ in kept],
        [y for _, y in kept],
        c=c,
        meta={"holdout_bucket": holdout, "source_sha256": source, "source_name": path.name},
    )
    model.save(out)
    report: dict[str, Any] = {"model": str(out), "trained_rows": len(kept), "holdout_rows": len(held)}
    if held:
        predicted = [p.label for p in model.predict([t for t, _ in held])]
        gold = [y for _, y in held]
        report["holdout_accuracy"] = round(
            sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold), 4
        )
    report["size_bytes"] = out.stat().st_size
    return report
