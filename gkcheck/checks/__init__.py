"""Check kinds, one module per family (catalog, column, interpretation, standards,
annual_report, ledger, deadline). See `registry.py` for the contract."""

from gkcheck.checks.registry import (
    REGISTRY,
    CheckContext,
    CheckKind,
    Outcome,
    Params,
    check_kind,
    failed,
    get_kind,
    load_all,
    passed,
    unknown,
    warned,
)

__all__ = [
    "REGISTRY",
    "CheckContext",
    "CheckKind",
    "Outcome",
    "Params",
    "check_kind",
    "failed",
    "get_kind",
    "load_all",
    "passed",
    "unknown",
    "warned",
]
