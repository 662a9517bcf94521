"""Skip a regular expression on a text that cannot match it.

Python's `re` tries a pattern that opens with a look-behind at every position of the text, so
fifty such patterns over a 5 KB article cost tens of milliseconds although most of them find
nothing there. `required_literals` reads a compiled pattern and returns strings of which every
match must contain at least one; a substring test for those (C speed, microseconds) tells when
the pattern cannot match and need not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

try:  # the parser moved in Python 3.11; the old name warns
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

Literals = frozenset[str] | None  # None: no gate, the pattern must always run

_MAX_CHARSET = 12  # a class of more characters than this gates nothing worth the test
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}


def required_literals(pattern: re.Pattern[str]) -> Literals:
    """Strings of which every match of `pattern` contains at least one, or None if unknown.

    Case-insensitive patterns get no gate: their literals would need case folding.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    return _sequence(_p.parse(pattern.pattern, pattern.flags))


def _better(a: Literals, b: Literals) -> Literals:
    """The more selective of two gates: longer shortest string, then fewer strings."""
    if a is None:
        return b
    if b is None:
        return a
    key_a = (min(len(s) for s in a), -len(a))
    key_b = (min(len(s) for s in b), -len(b))
    return a if key_a >= key_b else b


def _sequence(items: Iterable[tuple[Any, Any]]) -> Literals:  # a parsed SubPattern: (op, av)
    best: Literals = None
    run = ""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the literals on either side stay adjacent
        if run:
            best = _better(best, frozenset({run}))
            run = ""
        best = _better(best, _element(op, av))
    if run:
        best = _better(best, frozenset({run}))
    return best


def _element(op: Any, av: Any) -> Literals:
    if op is _c.SUBPATTERN:
        add_flags = av[1]
        return None if add_flags & re.IGNORECASE else _sequence(av[-1])
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(branch)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op in _REPEATS:
        low, _high, item = av
        return _sequence(item) if low >= 1 else None
    if op is _c.IN:
        return _charset(av)
    return None


def _charset(items: Iterable[tuple[Any, Any]]) -> Literals:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _MAX_CHARSET:
            chars.update(chr(i) for i in range(av[0], av[1] + 1))
        else:
            # negated or wide classes and categories (\d matches every script's digits)
            return None
    return frozenset(chars) if len(chars) <= _MAX_CHARSET else None


@dataclass(frozen=True)
class GatedPattern:
    """A compiled pattern that is only run on texts holding one of its required literals."""

    regex: re.Pattern[str]
    literals: Literals

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> GatedPattern:
        return cls(regex, required_literals(regex))

    @classmethod
    def compile(cls, pattern: str) -> GatedPattern:
        return cls.of(re.compile(pattern))

    def may_match(self, text: str) -> bool:
        return self.literals is None or any(s in text for s in self.literals)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.may_match(text) else iter(())

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.may_match(text) else None
