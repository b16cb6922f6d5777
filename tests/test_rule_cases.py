"""Every check kind's case file (gkcheck/checks/cases/*.yaml) and every pack rule test,
run through the same runner as `gkcheck rules test`."""

from pathlib import Path

import pytest

from gkcheck.checks.registry import load_all
from gkcheck.engine.rule_tests import all_kind_cases, pack_cases, run_case

ROOT = Path(__file__).resolve().parents[1]

load_all()
KIND_CASES = all_kind_cases()


@pytest.mark.parametrize("case", KIND_CASES, ids=[c.id for c in KIND_CASES])
def test_kind_case(case):
    assert run_case(case) is None


def test_every_kind_has_pass_and_fail_cases():
    kinds = load_all()
    by_kind: dict[str, set[str]] = {}
    for c in KIND_CASES:
        by_kind.setdefault(c.kind, set()).add(c.spec["expect"]["status"])
    missing = [k for k in kinds if not {"pass", "fail"} <= by_kind.get(k, set())]
    assert missing == []


def _zoucheng_cases():
    from gkcheck.engine.pack import load_pack

    pack = load_pack(ROOT / "rules" / "zoucheng-2024")
    return pack, pack_cases(pack)


def test_pack_rule_cases():
    pack, cases = _zoucheng_cases()
    problems = [p for c in cases if (p := run_case(c, pack))]
    assert problems == []
