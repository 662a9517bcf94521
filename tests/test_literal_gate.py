"""The literal gate: a pattern is skipped only on texts where it cannot match."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from coder import dates, fatalities, offline
from coder.ingest import ingest_paths
from coder.literal_gate import GatedPattern, required_literals
from coder.textnorm import normalize

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\w)(?:killed|dead)\s+\d", {"killed", "dead"}),
        (r"(?<!\w)at least (?P<n>\d+) killed", {"at least "}),  # the longest run wins
        (r"(?:the\s+)?(?:bodies|corpses)\s+of", {"bodies", "corpses"}),  # optional part skipped
        (r"x(?=y)y", {"xy"}),  # a look-ahead consumes nothing: x and y stay adjacent
        (r"(?:ab)+c", {"ab"}),
        (r"[ab]\d", {"a", "b"}),
        (r"today|tonight", {"day", "night"}),  # re factors out the shared "to"
    ],
)
def test_required_literals(pattern: str, expected: set[str]) -> None:
    assert required_literals(re.compile(pattern)) == expected


@pytest.mark.parametrize("pattern", [r"\d+", r"a*", r"(?:x|\w)", r"[^a]b?", r"(?i)killed", r"\w+\s"])
def test_no_gate_when_no_literal_is_required(pattern: str) -> None:
    assert required_literals(re.compile(pattern)) is None


def test_a_gated_pattern_runs_only_where_a_literal_occurs() -> None:
    gated = GatedPattern.compile(r"(?<!\w)(?:killed|dead)\s+\d")
    assert [m.group() for m in gated.finditer("two killed 3 dead 4")] == ["killed 3", "dead 4"]
    assert list(gated.finditer("nothing happened")) == []
    assert gated.search("nothing happened") is None


def _project_patterns() -> list[GatedPattern]:
    cues = [p for _, latin, arabic in offline._compiled_cues() for p in (latin, arabic) if p]
    return [
        *cues,
        *(p.regex for p in dates._AR_PATTERNS + dates._EN_PATTERNS),
        *(p.regex for p in fatalities._AR_PATTERNS + fatalities._EN_PATTERNS),
    ]


def test_gates_never_hide_a_match_in_the_seeds_or_in_shuffled_seed_text() -> None:
    texts = [normalize(a.text) for a in ingest_paths([ROOT / "seeds"]).articles]
    rng = random.Random(3)
    words = " ".join(texts).split()
    # word salads mix the seeds' dates, tolls and cues into contexts the articles don't have
    texts += [" ".join(rng.choice(words) for _ in range(200)) for _ in range(40)]
    patterns = _project_patterns()
    matched = 0
    for gated in patterns:
        for text in texts:
            plain = [m.span() for m in gated.regex.finditer(text)]
            assert [m.span() for m in gated.finditer(text)] == plain, gated.regex.pattern[:80]
            matched += bool(plain)
    assert matched > 100  # the check saw real matches, not only empty texts
