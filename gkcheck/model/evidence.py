from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gkcheck.model.catalog import Catalog
from gkcheck.model.ledger import LedgerEntry
from gkcheck.model.web import Column


class AnnualReportDoc(BaseModel):
    """An annual report as found for a unit: where, when published, and its text/tables."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    year: int | None = None  # the year the report covers
    source: str  # file path or URL
    published: dt.date | None = None
    title: str = ""
    parsed: Any = None  # gkcheck.sources.annual_report.AnnualReport when readable
    error: str | None = None  # why it could not be read


class UnitEvidence(BaseModel):
    """Everything known about one unit, gathered before any check runs.

    `None` means "this kind of evidence was not provided at all" (checks answer
    `unknown`), an empty list means "provided and empty".
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    unit_id: str
    catalogs: list[Catalog] | None = None
    catalog_errors: list[str] = Field(default_factory=list)
    columns: dict[str, Column] | None = None
    ledger: list[LedgerEntry] | None = None
    annual_reports: list[AnnualReportDoc] | None = None
    history: dict[str, Any] = Field(default_factory=dict)  # e.g. standards of past years

    def column(self, name: str) -> Column | None:
        if self.columns is None:
            return None
        return self.columns.get(name)
