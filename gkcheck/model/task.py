from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Task(BaseModel):
    """One row of the plan's task decomposition table."""

    model_config = ConfigDict(extra="forbid")

    number: int
    section: str  # e.g. "一、以高质量公开助推重点工作落实"
    group: str  # e.g. "（一）以公开助推高水平开放、高质量招商引资"
    requirement: str
    # Selectors (unit ids, names, aliases or group names) as the seed writes them.
    lead: list[str] = Field(default_factory=list)
    cooperating: list[str] = Field(default_factory=list)
    deadline: dt.date
    deadline_text: str = ""

    @property
    def short(self) -> str:
        text = self.requirement
        return text if len(text) <= 40 else text[:38] + "…"


class Requirement(BaseModel):
    """A general requirement from the notice's body (not a numbered task)."""

    model_config = ConfigDict(extra="forbid")

    id: str  # e.g. "G1"
    title: str
    text: str
    units: list[str] = Field(default_factory=list)
    deadline: dt.date | None = None
