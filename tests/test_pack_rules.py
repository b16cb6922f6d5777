"""Every rule of the shipped packs (rules/national, rules/zoucheng-2024) has a basis, a fix
and rule tests: at least one passing and one failing case per non-manual rule, in the
tests folder of the pack that defines the rule.

The cases themselves are run by tests/test_rule_cases.py::test_pack_rule_cases (the
zoucheng pack, whose test folders include the national pack's); here we check coverage.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from gkcheck.cli import main
from gkcheck.engine.pack import load_pack
from gkcheck.engine.rule_tests import Case, load_case_file, pack_cases
from gkcheck.engine.rules_cmd import coverage

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "rules" / "national"
ZOUCHENG = ROOT / "rules" / "zoucheng-2024"


@cache
def pack_of(folder: Path):
    return load_pack(folder)


@cache
def cases_of(folder: Path, tests_of: Path) -> tuple[Case, ...]:
    """The cases in `tests_of`/tests, read against the pack in `folder` (which may extend it)."""
    pack = pack_of(folder)
    return tuple(c for f in sorted((tests_of / "tests").glob("*.yaml")) for c in load_case_file(f, pack))


@pytest.fixture(scope="module")
def zoucheng():
    return pack_of(ZOUCHENG)


@pytest.fixture(scope="module")
def national():
    return pack_of(NATIONAL)


def own_rules(pack):
    """The rules a pack defines itself (not those it inherits)."""
    return [r for r in pack.rules if r.pack == pack.id]


def own_cases(folder: Path) -> tuple[Case, ...]:
    """The cases in a pack's own tests folder."""
    return cases_of(folder, folder)


def statuses_by_rule(cases: list[Case]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in cases:
        out.setdefault(c.rule.id, set()).add(c.spec["expect"]["status"])
    return out


def test_pack_sizes(zoucheng, national):
    assert len(national.rules) == 16
    assert len(zoucheng.rules) == 82  # 66 own + 16 inherited
    assert len(own_rules(zoucheng)) == 66
    assert sum(r.manual for r in zoucheng.rules) == 7


@pytest.mark.parametrize("folder", [NATIONAL, ZOUCHENG], ids=["national", "zoucheng-2024"])
def test_every_rule_has_basis_and_fix(folder):
    pack = pack_of(folder)
    no_basis = [r.id for r in pack.rules if not r.basis.strip()]
    no_fix = [r.id for r in pack.rules if not r.fix.strip()]
    assert no_basis == [] and no_fix == []


def test_manual_rules_say_what_proves_them(zoucheng):
    manual = [r for r in zoucheng.rules if r.manual]
    assert {r.id for r in manual} == {
        "ZC24-G6-confidentiality",
        "ZC24-T27-hard-cases",
        "ZC24-T45-search",
        "ZC24-T47-reporting-system",
        "ZC24-T48-ipv6-errors",
        "ZC24-T49-new-media",
        "ZC24-T52-brand-zone",
    }
    assert [r.id for r in manual if not r.evidence_note.strip()] == []


@pytest.mark.parametrize("folder", [NATIONAL, ZOUCHENG], ids=["national", "zoucheng-2024"])
def test_every_checked_rule_has_pass_and_fail_case_in_its_pack(folder):
    pack = pack_of(folder)
    seen = statuses_by_rule(own_cases(folder))
    checked = [r for r in own_rules(pack) if not r.manual]
    assert checked, "pack defines no checked rules"
    missing = {r.id: sorted({"pass", "fail"} - seen.get(r.id, set())) for r in checked}
    assert {k: v for k, v in missing.items() if v} == {}


def test_cases_name_only_checked_rules_of_their_pack(zoucheng, national):
    for folder, pack in ((NATIONAL, national), (ZOUCHENG, zoucheng)):
        own = {r.id for r in own_rules(pack)}
        for c in own_cases(folder):
            assert c.rule is not None and c.rule.id in own, f"{c.file.name}: {c.rule and c.rule.id}"
            assert not c.rule.manual and c.rule.check == c.kind
            assert c.spec["expect"]["status"] in ("pass", "fail", "warn", "unknown")


def test_case_names_are_unique_per_rule(zoucheng):
    names: dict[tuple[str, str], int] = {}
    for c in cases_of(ZOUCHENG, NATIONAL) + own_cases(ZOUCHENG):
        names[(c.rule.id, c.name)] = names.get((c.rule.id, c.name), 0) + 1
    assert [k for k, n in names.items() if n > 1] == []


def test_zoucheng_run_includes_national_cases(zoucheng):
    """test_rule_cases.py::test_pack_rule_cases runs pack_cases(zoucheng): that must hold
    every case of both packs (the national ones through `extends`)."""
    assert [d.resolve() for d in zoucheng.test_dirs] == [(NATIONAL / "tests").resolve(), (ZOUCHENG / "tests").resolve()]
    run = pack_cases(zoucheng)
    assert {r.id for r in zoucheng.rules if not r.manual} <= {c.rule.id for c in run}
    assert len(run) == len(cases_of(ZOUCHENG, NATIONAL)) + len(own_cases(ZOUCHENG))


def test_every_task_is_covered_by_tested_rules(zoucheng):
    tested = set(statuses_by_rule(cases_of(ZOUCHENG, NATIONAL) + own_cases(ZOUCHENG)))
    rows = coverage(zoucheng)
    assert [r["task"].number for r in rows] == list(range(1, 54))
    uncovered = [r["task"].number for r in rows if not (r["rules"] or r["manual"])]
    assert uncovered == []
    untested = sorted({rid for r in rows for rid in r["rules"]} - tested)
    assert untested == []


def test_rules_coverage_command_exits_0_with_53_of_53(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # reads gkcheck.yaml (pack: rules/zoucheng-2024)
    code = main(["rules", "coverage"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "覆盖 53/53 项任务" in out
    assert "未覆盖 0 项" in out
