"""Building model instances from trusted values without validating them again.

Validation is for data from outside (files, rules, pages). Records the program has just
read and typed itself (posts from the crawl store, catalog rows already parsed) are made
in their millions in a province-wide audit; `pydantic.BaseModel.model_construct` skips
validation but still costs about as much in Python bookkeeping. `builder(Model)` returns
a function that makes an instance from a dict of field values, filling absent fields with
their defaults: the same instance `model_construct` makes (equal, same fields set), for
models without validators that transform values, private attributes or post-init hooks.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from pydantic import BaseModel
from pydantic.fields import FieldInfo

M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__


def builder(cls: type[M]) -> Callable[[dict], M]:
    """`build(values)` -> an instance of `cls` whose fields are `values` (taken as they
    are, not copied or checked), absent fields set to their defaults."""
    if cls.__pydantic_post_init__ or cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
        raise TypeError(f"{cls.__name__}: use model_construct")
    fields = cls.model_fields
    names = tuple(fields)
    count = len(names)
    new = cls.__new__

    # name -> a function giving the field's default (a fresh one where it may be changed)
    defaults = {name: _default_maker(info) for name, info in fields.items() if not info.is_required()}

    def fill(values: dict) -> dict:
        full = {}
        for name in names:
            if name in values:
                full[name] = values[name]
            elif name in defaults:
                full[name] = defaults[name]()
        return full

    # Instances given every field share one set of their names (as findings do, see
    # engine.evaluate._finding): setting a field later leaves it unchanged.
    every = set(names)

    def build(values: dict) -> M:
        if len(values) == count:
            given = every
        else:
            given = set(values)
            values = fill(values)
        m = new(cls)
        _set(m, "__dict__", values)
        _set(m, "__pydantic_fields_set__", given)
        _set(m, "__pydantic_extra__", None)
        _set(m, "__pydantic_private__", None)
        return m

    return build


# Defaults of these types cannot be changed in place: shared, as pydantic shares them.
_IMMUTABLE = (type(None), str, int, float, bool, bytes, tuple, frozenset, dt.date, dt.datetime, dt.time, Enum)


def _default_maker(info: FieldInfo) -> Callable[[], object]:
    """What `info.get_default(call_default_factory=True)` gives, as a function made once:
    the factory's value, the default itself if it cannot change, else a deep copy of it."""
    if info.default_factory is not None:
        if _takes_data(info.default_factory):
            raise TypeError("a default_factory taking the validated data: use model_construct")
        return info.default_factory
    default = info.default
    if isinstance(default, _IMMUTABLE):
        return lambda: default
    return lambda: copy.deepcopy(default)


def _takes_data(factory: Callable) -> bool:
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # a builtin such as list or dict
        return False
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
