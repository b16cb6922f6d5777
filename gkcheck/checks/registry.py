"""The registry of check kinds: a dict filled at import, no magic.

A check kind is a params model plus a pure function

    func(ctx: CheckContext, params: ParamsModel) -> Iterable[Outcome]

yielding nothing means the rule does not apply to this unit (yet): no finding is made.

registered under a dotted name with `@check_kind("catalog.has_item", Params, needs="catalog")`.
The function's docstring is the kind's user documentation (`gkcheck rules show`).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from gkcheck.model import EvidenceRef, Finding, Rule, Task, Unit, UnitEvidence
from gkcheck.model.finding import Status

Needs = Literal["catalog", "columns", "ledger", "annual_reports", "findings", "none"]


class Params(BaseModel):
    """Base of every params model: unknown parameters are an error."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class Outcome:
    """What a check function yields; the engine turns it into a `Finding`."""

    status: Status
    message: str
    evidence: list[EvidenceRef] = field(default_factory=list)
    record: str | None = None  # stable key of the record (item name, URL …) for baselines
    fix: str | None = None  # overrides the rule's fix text when set
    tasks: list[int] | None = None  # the plan rows this outcome is about (default: the rule's)


def passed(message: str, evidence=(), record=None) -> Outcome:
    return Outcome("pass", message, list(evidence), record)


def failed(message: str, evidence=(), record=None, fix=None) -> Outcome:
    return Outcome("fail", message, list(evidence), record, fix)


def warned(message: str, evidence=(), record=None, fix=None) -> Outcome:
    return Outcome("warn", message, list(evidence), record, fix)


def unknown(message: str, evidence=(), record=None, fix=None) -> Outcome:
    return Outcome("unknown", message, list(evidence), record, fix)


@dataclass(frozen=True)
class CheckContext:
    """What a check may read: the unit, its evidence, the audit date and the plan."""

    unit: Unit
    evidence: UnitEvidence
    as_of: dt.date
    plan_year: int
    rule: Rule
    tasks: tuple[Task, ...] = ()  # the plan rows the rule refers to
    role: Literal["lead", "cooperating"] | None = None
    # The unit's role in each of `tasks` (task number -> lead | cooperating).
    task_roles: dict[int, str] = field(default_factory=dict)
    # Findings already produced for this unit by earlier rules (for `deadline.met`).
    prior: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class CheckKind:
    name: str
    params: type[Params]
    func: Callable[[CheckContext, Params], Iterable[Outcome]]
    needs: Needs
    doc: str
    late: bool = False  # evaluated after all other rules of the unit (reads ctx.prior)


REGISTRY: dict[str, CheckKind] = {}


def check_kind(name: str, params: type[Params], needs: Needs = "none", late: bool = False):
    """Register `func` as check kind `name`."""

    def deco(func):
        if name in REGISTRY:
            raise ValueError(f"check kind registered twice: {name}")
        REGISTRY[name] = CheckKind(
            name=name,
            params=params,
            func=func,
            needs=needs,
            doc=inspect.cleandoc(func.__doc__ or ""),
            late=late,
        )
        return func

    return deco


def get_kind(name: str) -> CheckKind | None:
    load_all()
    return REGISTRY.get(name)


_LOADED = False


def load_all() -> dict[str, CheckKind]:
    """Import every family module so that its kinds register themselves."""
    global _LOADED
    if not _LOADED:
        import importlib
        import pkgutil

        import gkcheck.checks as pkg

        for mod in pkgutil.iter_modules(pkg.__path__):
            if mod.name not in ("registry", "cases") and not mod.name.startswith("_"):
                importlib.import_module(f"gkcheck.checks.{mod.name}")
        _LOADED = True
    return REGISTRY
