from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UnitKind = Literal["department", "town", "office"]


class UnitGroup(BaseModel):
    """A named set of units the plan addresses at once (市政府各部门, 各镇街)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    description: str = ""


class Unit(BaseModel):
    """A unit that owes disclosure duties: a department, a town/sub-district, or an office."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    kind: UnitKind = "department"
    aliases: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    # Policy domains the unit is responsible for (社会救助, 义务教育, 就业 …); national
    # rules select units by domain so that they work for any city's unit list.
    domains: list[str] = Field(default_factory=list)
    # Whether the unit issues policy documents (规范性文件 / 政策性文件); task 41 applies.
    issues_policies: bool = False

    def all_names(self) -> list[str]:
        return [self.id, self.name, *self.aliases]
