from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gkcheck.model.finding import Severity


class Rule(BaseModel):
    """A declarative rule: which check kind evaluates it, for whom, with which params."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    check: str | None = None  # registered check kind; None only when manual
    units: list[str] = Field(default_factory=list)  # selectors
    exclude: list[str] = Field(default_factory=list)  # selectors to leave out
    tasks: list[int] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list)  # general requirement ids (G1 …)
    severity: Severity = "error"
    weight: float | None = Field(default=None, ge=0)  # scoring weight; default by severity
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    basis: str = ""
    fix: str = ""
    manual: bool = False  # checked by hand / by ledger evidence only
    evidence_note: str = ""  # for manual rules: what proves it
    description: str = ""
    pack: str = ""  # filled by the loader
    file: str = ""  # filled by the loader

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
