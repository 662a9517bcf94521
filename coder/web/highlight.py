"""The article text cut into pieces, each knowing which fields' evidence covers it.

The template wraps every piece in its own element (escaped by Jinja), so clicking a field can
light up exactly its spans. Paragraphs are kept apart so each gets its own text direction
(`dir="auto"`): an Arabic paragraph reads right to left, an English quote inside it stays put.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from coder.models import Span


@dataclass(frozen=True)
class Piece:
    text: str
    fields: tuple[str, ...]  # the fields whose evidence covers this piece, in form order


def _valid(span: Span, length: int) -> bool:
    return 0 <= span.start < span.end <= length


def paragraphs(text: str, evidence: dict[str, list[Span]]) -> list[list[Piece]]:
    """Non-empty lines of `text` as lists of pieces; spans outside the text are ignored."""
    spans = [(field, s) for field, found in evidence.items() for s in found if _valid(s, len(text))]
    out: list[list[Piece]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            cuts = {start, end}
            cuts.update(p for _, s in spans for p in (s.start, s.end) if start < p < end)
            ordered = sorted(cuts)
            pieces = []
            for a, b in pairwise(ordered):
                covering = tuple(dict.fromkeys(f for f, s in spans if s.start <= a and b <= s.end))
                pieces.append(Piece(text[a:b], covering))
            out.append(pieces)
        start = end + 1
    return out


def fields_with_evidence(text: str, evidence: dict[str, list[Span]]) -> set[str]:
    return {field for field, found in evidence.items() if any(_valid(s, len(text)) for s in found)}
