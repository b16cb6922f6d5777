from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from gkcheck.model.finding import STATUSES, Finding

SCHEMA = "gkcheck.audit/1"


class UnitSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    kind: str = "department"
    counts: dict[str, int] = Field(default_factory=lambda: {s: 0 for s in STATUSES})
    score: float | None = None
    # Filled with `score`: rules scored / unknown / waived and the weights behind the score.
    score_detail: dict | None = None


class AuditResult(BaseModel):
    """The one result every renderer reads. Its JSON form is the versioned contract."""

    model_config = ConfigDict(extra="forbid")

    schema_: str = Field(default=SCHEMA, alias="schema")
    tool: str = "gkcheck"
    version: str = ""
    pack: str
    pack_name: str = ""
    plan_year: int | None = None
    as_of: dt.date
    generated_at: dt.datetime | None = None
    units: list[UnitSummary] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    tasks: list[dict] = Field(default_factory=list)  # number, requirement, deadline (for reports)
    rules: list[dict] = Field(default_factory=list)  # id, title, severity, weight, basis, fix
    # General requirements of the notice (G1 …): id, title, text, deadline (for reports).
    requirements: list[dict] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)  # non-fatal problems met while reading sources
    notes: list[str] = Field(default_factory=list)
    # Set by gkcheck.report.baseline.apply_baseline: the baseline file read and the
    # findings it hid (already known problems, not counted in `findings`).
    baseline_file: str | None = None
    baseline_hidden: list[Finding] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for f in self.findings:
            out[f.status] += 1
        return out

    def to_json_dict(self) -> dict:
        if not isinstance(self.findings, list):  # PackedFindings
            return self.model_copy(update={"findings": list(self.findings)}).to_json_dict()
        return self.model_dump(mode="json", by_alias=True)
