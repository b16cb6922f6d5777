"""The data model (pydantic v2). Everything the pipeline passes between stages."""

from gkcheck.model.catalog import Catalog, CatalogItem, SourcePos
from gkcheck.model.evidence import AnnualReportDoc, UnitEvidence
from gkcheck.model.finding import EvidenceRef, Finding, Severity, Status
from gkcheck.model.ledger import LedgerEntry
from gkcheck.model.result import AuditResult, UnitSummary
from gkcheck.model.rule import Rule
from gkcheck.model.task import Requirement, Task
from gkcheck.model.unit import Unit, UnitGroup
from gkcheck.model.web import Attachment, Column, FetchStatus, Post

__all__ = [
    "AnnualReportDoc",
    "Attachment",
    "AuditResult",
    "Catalog",
    "CatalogItem",
    "Column",
    "EvidenceRef",
    "FetchStatus",
    "Finding",
    "LedgerEntry",
    "Post",
    "Requirement",
    "Rule",
    "Severity",
    "SourcePos",
    "Status",
    "Task",
    "Unit",
    "UnitEvidence",
    "UnitGroup",
    "UnitSummary",
]
