"""A small sub-event-type classifier: hashed character and word n-grams, TF-IDF, linear SVM.

Trained by `coder train GOLD.csv` from an ACLED-format file the user points to (rows' `notes`
and `sub_event_type`); the training data never enters the repository. A second linear SVM on
the same features learns the type of actor1 (`inter1`, when the file has it): which side the
coders name first is a convention of theirs (who is listed first in a clash, an unnamed group
read as a communal militia) that the rows teach better than rules. Features are hashed,
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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from coder.codebook import parse_inter

MODEL_PATH = Path(__file__).resolve().parent.parent / "datasets" / "models" / "sub_event_en.npz"
FORMAT_VERSION = 2  # 2: the actor1-type head; files of format 1 load without it
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
    actor1_inter: int | None = None  # the type of actor1 the second head expects, if it has one
    actor1_margin: float = 0.0


def _best(row: np.ndarray, classes: list[str]) -> tuple[str, float]:
    order = np.argsort(row)[::-1]
    return classes[order[0]], float(row[order[0]] - row[order[1]])


@dataclass(eq=False)
class SubEventModel:
    classes: list[str]
    columns: np.ndarray  # feature columns with a non-zero weight
    idf: np.ndarray  # IDF of those columns
    coef: np.ndarray  # (classes, columns)
    intercept: np.ndarray
    meta: dict[str, Any]
    # the actor1-type head over the same columns: classes are inter codes ("1" .. "8")
    inter_classes: list[str] = field(default_factory=list)
    inter_coef: np.ndarray | None = None
    inter_intercept: np.ndarray | None = None

    def __post_init__(self) -> None:
        # Scatter the kept columns into full-width arrays once, so prediction is one sparse
        # product instead of a slow column selection per call; both heads in one matrix.
        width = 2 * N_FEATURES
        self._idf = np.zeros(width, dtype=np.float32)
        self._idf[self.columns] = self.idf
        n = len(self.classes)
        self._weights = np.zeros((width, n + len(self.inter_classes)), dtype=np.float32)
        self._weights[self.columns, :n] = self.coef.T
        self._intercept = self.intercept
        if self.inter_coef is not None and self.inter_intercept is not None:
            self._weights[self.columns, n:] = self.inter_coef.T
            self._intercept = np.concatenate([self.intercept, self.inter_intercept])

    def _all_scores(self, texts: list[str]) -> np.ndarray:
        x = counts(texts)
        x.data = (1.0 + np.log(x.data)) * self._idf[x.indices]  # sublinear tf-idf
        squares = x.copy()
        squares.data **= 2
        norms = np.sqrt(np.asarray(squares.sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return np.asarray(x @ self._weights) / norms[:, None] + self._intercept

    def scores(self, texts: list[str]) -> np.ndarray:
        """Decision values of the sub-event types, one row per text."""
        return self._all_scores(texts)[:, : len(self.classes)]

    def predict(self, texts: list[str]) -> list[Prediction]:
        out = []
        n = len(self.classes)
        for row in self._all_scores(texts):
            label, margin = _best(row[:n], self.classes)
            if len(self.inter_classes) < 2:
                out.append(Prediction(label, margin))
                continue
            inter, inter_margin = _best(row[n:], self.inter_classes)
            out.append(Prediction(label, margin, int(inter), inter_margin))
        return out

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = json.dumps(
            {
                **self.meta,
                "classes": self.classes,
                "inter_classes": self.inter_classes,
                "format": FORMAT_VERSION,
            }
        )
        heads = {}
        if self.inter_coef is not None and self.inter_intercept is not None:
            heads = {
                "inter_coef": self.inter_coef.astype(np.float16),
                "inter_intercept": self.inter_intercept.astype(np.float32),
            }
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                header=np.frombuffer(header.encode(), dtype=np.uint8),
                columns=self.columns.astype(np.int32),
                idf=self.idf.astype(np.float32),
                coef=self.coef.astype(np.float16),
                intercept=self.intercept.astype(np.float32),
                **heads,
            )

    @classmethod
    def load(cls, path: Path) -> SubEventModel:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode())
            if header.get("format") not in (1, FORMAT_VERSION):
                raise ValueError(
                    f"{path}: model format {header.get('format')}, expected {FORMAT_VERSION};"
                    " train it again with `coder train`"
                )
            classes = header.pop("classes")
            inter_classes = header.pop("inter_classes", [])
            has_head = "inter_coef" in data.files
            return cls(
                classes=classes,
                columns=data["columns"].astype(np.int64),
                idf=data["idf"].astype(np.float64),
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                meta=header,
                inter_classes=inter_classes if has_head else [],
                inter_coef=data["inter_coef"].astype(np.float64) if has_head else None,
                inter_intercept=data["inter_intercept"].astype(np.float64) if has_head else None,
            )


def train(
    texts: list[str],
    labels: list[str],
    *,
    c: float = 1.0,
    meta: dict[str, Any] | None = None,
    inters: list[int | None] | None = None,
) -> SubEventModel:
    """Fit the classifier; only columns some class weighs are kept, so the file stays small.

    `inters`, the gold inter1 of each text (None where unknown), trains the actor1-type head.
    """
    return _fit(counts(texts), labels, c=c, meta=meta, rows=len(texts), inters=inters)


def _fit(
    x: sp.csr_matrix,
    labels: list[str],
    *,
    c: float,
    meta: dict[str, Any] | None,
    rows: int,
    inters: list[int | None] | None = None,
) -> SubEventModel:
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True).fit(x)
    weighted = tfidf.transform(x)
    classes, coef, intercept = _svm(weighted, labels, c)
    used = np.abs(coef).max(axis=0) > 1e-4
    head: dict[str, Any] = {}
    known = [i for i, v in enumerate(inters or []) if v is not None]
    if inters is not None and len({inters[i] for i in known}) >= 2:
        inter_classes, inter_coef, inter_intercept = _svm(weighted[known], [str(inters[i]) for i in known], c)
        used |= np.abs(inter_coef).max(axis=0) > 1e-4
        head = {"inter_classes": inter_classes, "inter_coef": inter_coef, "inter_intercept": inter_intercept}
    columns = np.flatnonzero(used)
    if head:
        head["inter_coef"] = head["inter_coef"][:, columns]
    return SubEventModel(
        classes=classes,
        columns=columns,
        idf=tfidf.idf_[columns],
        coef=coef[:, columns],
        intercept=intercept,
        **head,
        meta={
            "trained": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": rows,
            "C": c,
            "features": {"n_features": N_FEATURES, "char": CHAR_NGRAMS, "word": WORD_NGRAMS},
            **(meta or {}),
        },
    )


def _svm(x: sp.csr_matrix, labels: list[str], c: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Classes, one row of weights per class, intercepts; seeded, so training is repeatable."""
    from sklearn.svm import LinearSVC

    svm = LinearSVC(C=c, class_weight="balanced", random_state=0).fit(x, labels)
    coef = np.atleast_2d(svm.coef_)
    intercept = np.atleast_1d(svm.intercept_)
    if coef.shape[0] == 1:  # two classes: liblinear gives one row, for the second
        coef = np.vstack([-coef, coef])
        intercept = np.array([-intercept[0], intercept[0]])
    return [str(k) for k in svm.classes_], coef, intercept


@cache
def shipped_model() -> SubEventModel | None:
    """The model in datasets/models/, or None when it has not been built."""
    return SubEventModel.load(MODEL_PATH) if MODEL_PATH.exists() else None


def _training_rows(path: Path) -> list[tuple[str, str, int | None]]:
    """(notes, sub_event_type, inter1) of an ACLED-format file's rows that have notes and a type;
    inter1 (a number or ACLED's words) is None where the file has none or it is unreadable."""
    import polars as pl

    header = pl.read_csv(path, infer_schema_length=0, n_rows=0).columns
    wanted = ["notes", "sub_event_type", *(["inter1"] if "inter1" in header else [])]
    frame = pl.read_csv(path, infer_schema_length=0, columns=wanted)
    frame = frame.filter(
        pl.col("notes").str.strip_chars().str.len_chars() > 0, pl.col("sub_event_type").is_not_null()
    )
    inters = [_inter_or_none(v) for v in frame["inter1"]] if "inter1" in header else None
    return list(zip(frame["notes"], frame["sub_event_type"], inters or [None] * frame.height, strict=True))


def _inter_or_none(value: str | None) -> int | None:
    try:
        return parse_inter(value)
    except ValueError:
        return None


def fold_models(path: Path, *, c: float = 1.0, jobs: int = 2) -> dict[int, SubEventModel]:
    """Ten models, one per text bucket, each trained on the file's other nine buckets.

    Coding every row with the model that never saw it scores a whole file honestly (10-fold
    cross-validation), where the shipped model, trained on 90 % of it, would recall its rows.
    """
    from concurrent.futures import ThreadPoolExecutor

    rows = _training_rows(path)
    labels = np.array([y for _, y, _ in rows])
    inters = [i for _, _, i in rows]
    buckets = np.array([bucket(t) for t, _, _ in rows])
    x = counts([t for t, _, _ in rows])

    def fit(k: int) -> SubEventModel:
        keep = np.flatnonzero(buckets != k)
        return _fit(
            x[keep],
            list(labels[keep]),
            c=c,
            meta={"holdout_bucket": k},
            rows=len(keep),
            inters=[inters[i] for i in keep],
        )

    # liblinear releases the GIL while it trains, so threads share the one count matrix
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(zip(range(10), pool.map(fit, range(10)), strict=True))


def train_file(
    path: Path, out: Path = MODEL_PATH, *, holdout: int | None = 9, c: float = 1.0
) -> dict[str, Any]:
    """Train from an ACLED-format file (`notes`, `sub_event_type`), save, and score the held-out rows."""
    rows = _training_rows(path)
    kept = [r for r in rows if holdout is None or bucket(r[0]) != holdout]
    held = [r for r in rows if holdout is not None and bucket(r[0]) == holdout]
    source = hashlib.sha256(path.read_bytes()).hexdigest()
    model = train(
        [t for t, _, _ in kept],
        [y for _, y, _ in kept],
        c=c,
        meta={"holdout_bucket": holdout, "source_sha256": source, "source_name": path.name},
        inters=[i for _, _, i in kept],
    )
    model.save(out)
    report: dict[str, Any] = {"model": str(out), "trained_rows": len(kept), "holdout_rows": len(held)}
    if held:
        predicted = model.predict([t for t, _, _ in held])
        report["holdout_accuracy"] = round(
            sum(p.label == y for p, (_, y, _) in zip(predicted, held, strict=True)) / len(held), 4
        )
        scored = [(p.actor1_inter, i) for p, (_, _, i) in zip(predicted, held, strict=True) if i is not None]
        if model.inter_classes and scored:
            report["holdout_actor1_type_accuracy"] = round(sum(p == i for p, i in scored) / len(scored), 4)
    report["size_bytes"] = out.stat().st_size
    return report
