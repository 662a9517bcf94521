from __future__ import annotations

import pytest

from coder.codebook import disorder_type_for, interaction_code, parse_inter, parse_interaction


def test_interaction_puts_the_smaller_code_first() -> None:
    assert interaction_code(7, 1) == 17
    assert interaction_code(2, 3) == 23
    assert interaction_code(6, None) == 60
    assert interaction_code(None, 1) is None


def test_inter_and_interaction_read_numbers_and_words() -> None:
    assert parse_inter("1") == parse_inter("State forces") == parse_inter(1) == 1
    assert parse_inter("External/Other forces") == 8
    assert parse_inter("") is None and parse_inter("0") is None
    assert parse_interaction("State forces-Civilians") == parse_interaction("17") == 17
    assert parse_interaction("Protesters only") == 60
    with pytest.raises(ValueError):
        parse_inter("Pirates")
    with pytest.raises(ValueError):
        parse_interaction("Pirates-Civilians")


def test_disorder_type_follows_the_sub_event_type() -> None:
    assert disorder_type_for("Excessive force against protesters") == "Political violence; Demonstrations"
    assert disorder_type_for("Mob violence") == "Political violence"
    assert disorder_type_for("Violent demonstration") == "Demonstrations"
    assert disorder_type_for("Other") == "Strategic developments"
    assert disorder_type_for("Picnic") is None
