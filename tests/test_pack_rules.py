"""Every rule of the shipped packs (rules/national, rules/zoucheng-2024) has a basis, a fix
and rule tests: at least one passing and one failing case per non-manual rule, in the
tests folder of the pack that defines the rule.

The cases themselves are run by tests/test_rule_cases.py::test_pack_rule_cases (the
zoucheng pack, whose test folders include the national pack's); here we check coverage.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from gkcheck.checks.registry import get_kind, passed
from gkcheck.cli import main
from gkcheck.engine.pack import load_pack
from gkcheck.engine.rule_tests import Case, judge, load_case_file, pack_cases, run_case
from gkcheck.engine.rules_cmd import coverage
from gkcheck.errors import RuleError

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
    return tuple(
        c
        for f in sorted((tests_of / "tests").glob("*.yaml"))
        for c in load_case_file(f, pack)
    )


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


def test_zoucheng_inherits_every_national_rule(zoucheng, national):
    assert len(national.rules) == 16
    ids = [r.id for r in zoucheng.rules]
    assert len(ids) == len(set(ids))
    assert {r.id for r in national.rules} <= set(ids)
    assert len(own_rules(zoucheng)) == len(ids) - 16 >= 66


@pytest.mark.parametrize(
    "folder", [NATIONAL, ZOUCHENG], ids=["national", "zoucheng-2024"]
)
def test_every_rule_has_basis_and_fix(folder):
    pack = pack_of(folder)
    no_basis = [r.id for r in pack.rules if not r.basis.strip()]
    no_fix = [r.id for r in pack.rules if not r.fix.strip()]
    assert no_basis == [] and no_fix == []


def test_manual_rules_say_what_proves_them(zoucheng):
    manual = [r for r in zoucheng.rules if r.manual]
    assert {r.id for r in manual} >= {
        "ZC24-G6-confidentiality",
        "ZC24-T27-hard-cases",
        "ZC24-T45-search",
        "ZC24-T47-reporting-system",
        "ZC24-T48-ipv6-errors",
        "ZC24-T49-new-media",
        "ZC24-T52-brand-zone",
    }
    assert [r.id for r in manual if not r.evidence_note.strip()] == []


@pytest.mark.parametrize(
    "folder", [NATIONAL, ZOUCHENG], ids=["national", "zoucheng-2024"]
)
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
            assert c.rule is not None and c.rule.id in own, (
                f"{c.file.name}: {c.rule and c.rule.id}"
            )
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
    assert [d.resolve() for d in zoucheng.test_dirs] == [
        (NATIONAL / "tests").resolve(),
        (ZOUCHENG / "tests").resolve(),
    ]
    run = pack_cases(zoucheng)
    assert {r.id for r in zoucheng.rules if not r.manual} <= {c.rule.id for c in run}
    assert len(run) == len(cases_of(ZOUCHENG, NATIONAL)) + len(own_cases(ZOUCHENG))


def test_every_task_is_covered_by_tested_rules(zoucheng):
    """Each of the 53 tasks has its own tested rule or a manual rule. ZC24-DEADLINE
    (deadline.met, tasks 1–53) only reads the other rules' findings: it covers nothing."""
    tested = set(statuses_by_rule(cases_of(ZOUCHENG, NATIONAL) + own_cases(ZOUCHENG)))
    rows = coverage(zoucheng)
    assert [r["task"].number for r in rows] == list(range(1, 54))
    late = {r.id for r in zoucheng.rules if r.check and get_kind(r.check).late}
    assert late == {"ZC24-DEADLINE"}
    own = {
        r["task"].number: [rid for rid in r["rules"] if rid not in late] for r in rows
    }
    manual_only = [n for n, rules in own.items() if not rules]
    assert manual_only == [27, 45, 47, 48, 49, 52]
    assert all(r["manual"] for r in rows if r["task"].number in manual_only)
    untested = sorted({rid for rules in own.values() for rid in rules} - tested)
    assert untested == []


def test_rules_coverage_command_exits_0_with_53_of_53(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # reads gkcheck.yaml (pack: rules/zoucheng-2024)
    code = main(["rules", "coverage"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "覆盖 53/53 项任务" in out
    assert "未覆盖 0 项" in out


# ---- the `rules:` form of a pack test file (several rules in one file) -------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_mapping_holds_cases_of_several_rules(tmp_path, zoucheng):
    path = write(
        tmp_path,
        """
rules:
  ZC24-G1-meeting:
    - name: 开过专题会议
      evidence:
        ledger: [{kind: 专题会议, date: 2024-03-22, title: 政务公开工作专题会议}]
      expect: {status: pass}
  ZC24-G2-training:
    - name: 没有培训
      evidence:
        ledger: [{kind: 专题会议, date: 2024-03-22, title: 政务公开工作专题会议}]
      expect: {status: fail, contains: 2024年没有培训记录}
    - name: 有业务培训
      evidence:
        ledger: [{kind: 业务培训, date: 2024-08-27, title: 全市政务公开业务培训}]
      expect: {status: pass, contains: 2024年有1次培训}
""",
    )
    cases = load_case_file(path, zoucheng)
    assert [(c.rule.id, c.kind, c.index, c.name) for c in cases] == [
        ("ZC24-G1-meeting", "ledger.count", 0, "开过专题会议"),
        ("ZC24-G2-training", "ledger.count", 0, "没有培训"),
        ("ZC24-G2-training", "ledger.count", 1, "有业务培训"),
    ]
    assert [run_case(c, zoucheng) for c in cases] == [None, None, None]
    # a wrong expectation names the file, the rule and the case
    cases[0].spec["expect"] = {"status": "fail"}
    problem = run_case(cases[0], zoucheng)
    assert problem.startswith(
        "cases.yaml · ZC24-G1-meeting · 开过专题会议: 期望有 fail"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("rules:\n  ZC24-NOPE: []\n", "规则“ZC24-NOPE”不在规则包中"),
        (
            "rules:\n  ZC24-T45-search:\n    - {name: x, expect: {status: pass}}\n",
            "为人工核验，不能写用例",
        ),
        ("rules:\n  ZC24-G1-meeting: {name: x}\n", "每条规则的用例应为列表"),
        ("rules: [ZC24-G1-meeting]\n", "“rules:”应为“规则编号: 用例列表”的映射"),
        (
            "rule: ZC24-G1-meeting\nrules:\n  ZC24-G2-training: []\ncases: []\n",
            "不能同时使用",
        ),
        (
            "rules:\n  ZC24-G1-meeting:\n    - {name: 没写期望}\n",
            "每个用例应为键值映射并含 expect",
        ),
    ],
)
def test_rules_mapping_errors_name_the_file(tmp_path, zoucheng, text, message):
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as err:
        load_case_file(path, zoucheng)
    assert message in err.value.message
    assert err.value.path == str(path)


def test_rules_mapping_needs_a_pack(tmp_path):
    path = write(tmp_path, "rules:\n  ZC24-G1-meeting: []\n")
    with pytest.raises(RuleError, match="规则用例需要在规则包中运行"):
        load_case_file(path)


def test_old_single_rule_form_still_loads(zoucheng):
    cases = load_case_file(NATIONAL / "tests" / "NAT-CAT-003.yaml", zoucheng)
    assert {c.rule.id for c in cases} == {"NAT-CAT-003"} and len(cases) == 2


def test_contains_may_be_read_as_a_date():
    outcome = passed("目录已于2024-07-02在2024年内更新")
    assert (
        judge([outcome], {"status": "pass", "contains": dt.date(2024, 7, 2)}, "x")
        is None
    )
    assert "期望 pass 的说明含“2024-07-03”" in judge(
        [outcome], {"status": "pass", "contains": dt.date(2024, 7, 3)}, "x"
    )
