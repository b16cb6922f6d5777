"""rules/national: the pack loads, every rule is well formed, and it judges catalogs as
the standard directories expect when a yearly pack extends it with its units."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gkcheck.engine.evaluate import evaluate
from gkcheck.engine.pack import load_pack
from gkcheck.model import Catalog, CatalogItem, SourcePos, UnitEvidence

NATIONAL = Path(__file__).resolve().parents[1] / "rules" / "national"

FULL = {
    "basis": "《社会救助暂行办法》（国务院令第649号）",
    "time_limit": "制定或获取信息之日起10个工作日内",
    "subject": "市民政局",
    "channels": "■政府网站 ■政务服务中心",
    "audience": "全社会",
    "mode": "主动",
}
# 民办函〔2019〕52号, 社会救助 directory, 一级 / 二级 / 公开内容（要素）
SOCIAL = [
    ("综合业务", "政策法规文件", "《社会救助暂行办法》、各地配套政策法规文件"),
    ("综合业务", "监督检查", "社会救助信访通讯地址、社会救助投诉举报电话"),
    ("最低生活保障", "政策法规文件", "《最低生活保障审核审批办法（试行）》"),
    ("最低生活保障", "办事指南", "办理事项、办理条件、最低生活保障标准、申请材料、办理流程、办理时间、地点、联系方式"),
    ("最低生活保障", "审核信息", "初审对象名单及相关信息"),
    ("最低生活保障", "审批信息", "低保对象名单及相关信息"),
    ("特困人员救助供养", "政策法规文件", "《特困人员认定办法》"),
    ("特困人员救助供养", "办事指南", "办理事项、办理条件、救助供养标准、申请材料、办理流程"),
    ("特困人员救助供养", "审核信息", "初审对象名单及相关信息、终止供养名单"),
    ("特困人员救助供养", "审批信息", "特困人员名单及相关信息"),
    ("临时救助", "政策法规文件", "《国务院关于全面建立临时救助制度的通知》"),
    ("临时救助", "办事指南", "办理事项、办理条件、救助标准、申请材料、办理流程"),
    ("临时救助", "审核审批信息", "救助对象名单、救助金额、救助事由"),
]


def catalog(path: str, rows, updated=dt.date(2024, 9, 1), **override) -> Catalog:
    items = [
        CatalogItem(level1=a, level2=b, content=c, pos=SourcePos(file=path, row=i + 3), **{**FULL, **override})
        for i, (a, b, c) in enumerate(rows)
    ]
    return Catalog(path=path, items=items, updated=updated)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    d = tmp_path_factory.mktemp("pack")
    (d / "pack.yaml").write_text(f"id: t\nname: 测试\nextends: [{NATIONAL}]\n", encoding="utf-8")
    (d / "units.yaml").write_text(
        """
units:
  - {id: mzj, name: 市民政局, domains: [社会救助, 养老服务]}
  - {id: jyj, name: 市教育和体育局, domains: [义务教育]}
  - {id: rsj, name: 市人力资源和社会保障局, domains: [就业, 社会保险]}
  - {id: gq, name: 钢山街道, kind: town, domains: [社会救助, 就业]}
  - {id: czj, name: 市财政局, domains: [财政预决算]}
""",
        encoding="utf-8",
    )
    return load_pack(d)


def test_national_pack_rules():
    p = load_pack(NATIONAL)
    assert p.id == "national" and p.plan_year is None
    ids = [r.id for r in p.rules]
    assert ids == [
        "NAT-CAT-001", "NAT-CAT-002", "NAT-CAT-003", "NAT-CAT-004", "NAT-CAT-005", "NAT-CAT-006",
        "NAT-SJ-001", "NAT-SJ-002", "NAT-SJ-003", "NAT-SJ-004", "NAT-SJ-101",
        "NAT-YJ-001", "NAT-YJ-002", "NAT-YJ-003", "NAT-JY-001", "NAT-JY-002",
    ]
    for r in p.rules:
        assert r.basis and r.fix and r.title and r.units, r.id
        assert not r.tasks, r.id
        assert "《" in r.basis, r.id
    checks = {r.check for r in p.rules}
    assert checks == {
        "catalog.exists", "catalog.fields_complete", "catalog.field_values", "catalog.basis_cites_law",
        "catalog.no_duplicates", "catalog.updated_within", "catalog.has_item",
    }


def test_domain_rules_select_units_by_domain_and_kind(pack):
    units = {r.id: sorted(pack.units_of_rule(r)) for r in pack.rules}
    assert units["NAT-CAT-001"] == ["czj", "gq", "jyj", "mzj", "rsj"]
    assert units["NAT-SJ-002"] == ["mzj"]  # the town is excluded from county rules
    assert units["NAT-SJ-101"] == ["gq"]
    assert units["NAT-YJ-002"] == ["jyj"]
    assert units["NAT-JY-001"] == ["rsj"]


def test_full_social_assistance_directory_passes_every_rule(pack):
    ev = {"mzj": UnitEvidence(unit_id="mzj", catalogs=[catalog("民政局目录.xlsx", SOCIAL)])}
    result = evaluate(pack, ev, as_of=dt.date(2024, 12, 31), units=["mzj"])
    bad = [(f.rule, f.status, f.message) for f in result.findings if f.status != "pass"]
    assert bad == []
    rules = {f.rule for f in result.findings}
    assert rules == {f"NAT-CAT-00{i}" for i in range(1, 7)} | {"NAT-SJ-001", "NAT-SJ-002", "NAT-SJ-003", "NAT-SJ-004"}
    assert len([f for f in result.findings if f.rule == "NAT-SJ-002"]) == 4


def test_town_catalog_missing_items_and_other_units(pack):
    town_rows = [r for r in SOCIAL if r[1] not in ("审核审批信息",)]
    town_rows = [("低保", "办事指南", "办理条件、低保标准")] + [r for r in town_rows if r[0] != "最低生活保障"]
    ev = {
        "gq": UnitEvidence(unit_id="gq", catalogs=[catalog("钢山街道目录.xlsx", town_rows, subject="钢山街道办事处")]),
        "jyj": UnitEvidence(unit_id="jyj", catalogs=[]),
        "czj": UnitEvidence(unit_id="czj"),
    }
    result = evaluate(pack, ev, as_of=dt.date(2024, 12, 31), units=["gq", "jyj", "czj"])
    by = {(f.unit_id, f.rule, f.record): f for f in result.findings}
    town = {k[2]: f.status for k, f in by.items() if k[0] == "gq" and k[1] == "NAT-SJ-101"}
    assert town == {
        "综合业务 / 监督检查": "pass",
        "最低生活保障 / 办事指南": "pass",  # 低保 is a listed synonym of the 一级事项
        "最低生活保障 / 审核信息": "fail",
        "特困人员救助供养 / 办事指南": "pass",
        "特困人员救助供养 / 审核信息": "pass",
        "临时救助 / 办事指南": "pass",
        "临时救助 / 审核审批信息": "fail",
    }
    # the town is not judged by the county-level 社会救助 rules nor by 就业 rules
    assert not any(k[0] == "gq" and k[1] in ("NAT-SJ-002", "NAT-JY-001") for k in by)
    # 教育局: configured, no catalog found -> the catalog rule fails, the field rules cannot check
    edu = {(k[1], f.status) for k, f in by.items() if k[0] == "jyj"}
    assert ("NAT-CAT-001", "fail") in edu and ("NAT-CAT-002", "unknown") in edu
    assert {f.status for k, f in by.items() if k[0] == "jyj" and k[1].startswith("NAT-YJ")} == {"fail"}
    # 财政局: no catalog source at all -> every catalog rule is unknown
    assert {f.status for k, f in by.items() if k[0] == "czj"} == {"unknown"}


def test_national_rule_tests_pass():
    from gkcheck.engine.rule_tests import pack_cases, run_case

    p = load_pack(NATIONAL)
    cases = pack_cases(p)
    assert {c.rule.id for c in cases} == {r.id for r in p.rules if not r.manual}
    assert [msg for c in cases if (msg := run_case(c, p))] == []
