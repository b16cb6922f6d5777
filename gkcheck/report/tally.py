"""Keep each unit's status counts in step with the findings after they change."""

from __future__ import annotations

from gkcheck.model import AuditResult
from gkcheck.model.finding import STATUSES
from gkcheck.report.view import unit_summaries


def recount(result: AuditResult) -> AuditResult:
    """Recompute every UnitSummary.counts from result.findings (in place); returns result."""
    units = unit_summaries(result)
    counts = {u.id: {s: 0 for s in STATUSES} for u in units}
    for f in result.findings:
        counts[f.unit_id][f.status] += 1
    for u in units:
        u.counts = counts[u.id]
    result.units = units
    return result
