"""instructor's "no async validators" check, done once per response model instead of per call.

instructor 1.17's v2 runtime does not run `@async_field_validator`s and refuses models that
declare them (fail closed). It checks by walking the model's classes, fields and type
annotations — seven times per request (client, patch, request preparation, retry loop,
response parsing), about 5 ms of CPU per article for our three nested models, more than
the rest of the coder's own work. instructor offers no switch to skip it, so `install()`
puts a memo in front of it: a class that passed once is remembered (weakly, so it can still
be garbage-collected) and not walked again; anything else goes through instructor's check
unchanged, so a model with async validators is still refused.

A class's members do not change after it is defined, so the first answer holds.
"""

from __future__ import annotations

import weakref
from typing import Any

from instructor.v2.core import patch as v2_patch
from instructor.v2.validation import async_validators

_INSTRUCTOR_CHECK = async_validators.reject_async_validators
_PASSED: weakref.WeakSet[type] = weakref.WeakSet()


def reject_async_validators(response_model: Any) -> None:
    """instructor's check (raises ValueError for a model with async validators), memoised."""
    if isinstance(response_model, type) and response_model in _PASSED:
        return
    _INSTRUCTOR_CHECK(response_model)
    if isinstance(response_model, type):
        _PASSED.add(response_model)


def install() -> None:
    """Route instructor's calls through the memo; idempotent.

    Most call sites import the function from its module at call time; patch.py imported it
    at load time, so both names are replaced.
    """
    async_validators.reject_async_validators = reject_async_validators  # type: ignore[assignment]
    v2_patch.reject_async_validators = reject_async_validators  # type: ignore[assignment]
