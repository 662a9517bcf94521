"""Long articles split into overlapping chunks that fit the model's context; events merged after.

Chunks end at sentence (or paragraph) boundaries; each chunk repeats the last sentences of
the previous one (up to `overlap` tokens), so an event told across a boundary is whole in at
least one chunk. Events found twice are merged like the offline coder merges them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coder.llm.pricing import estimate_tokens

_UNIT_END = re.compile(r"(?<=[.!?؟])\s+|\n+")


@dataclass(frozen=True)
class Chunk:
    text: str
    offset: int  # where the chunk starts in the article text


def _units(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) covering the text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _UNIT_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _split_long(start: int, end: int, text: str, budget: int) -> list[tuple[int, int]]:
    """A sentence longer than the budget, cut at spaces into budget-sized pieces."""
    pieces: list[tuple[int, int]] = []
    while start < end:
        stop = start
        while stop < end and estimate_tokens(text[start:stop]) < budget:
            nxt = text.find(" ", stop + 1, end)
            stop = end if nxt < 0 else nxt
        if stop == start:
            stop = end
        pieces.append((start, stop))
        start = stop
    return pieces


def chunk_text(text: str, budget: int, overlap: int) -> list[Chunk]:
    """Chunks of at most ~`budget` estimated tokens; one chunk when the text fits."""
    if estimate_tokens(text) <= budget:
        return [Chunk(text, 0)]
    units: list[tuple[int, int]] = []
    for s, e in _units(text):
        units.extend(_split_long(s, e, text, budget) if estimate_tokens(text[s:e]) > budget else [(s, e)])
    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        start = units[i][0]
        j = i + 1  # the chunk holds units i..j-1: at least one, more while the text fits
        while j < len(units) and estimate_tokens(text[start : units[j][1]]) <= budget:
            j += 1
        chunks.append(Chunk(text[start : units[j - 1][1]], start))
        if j >= len(units):
            break
        # the next chunk starts with as many trailing sentences as fit in `overlap`
        back = j
        while back - 1 > i and estimate_tokens(text[units[back - 1][0] : units[j - 1][1]]) <= overlap:
            back -= 1
        i = back
    return chunks
