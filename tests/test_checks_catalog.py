"""The catalog check kinds, called directly with catalog rows built here.

Their case files (gkcheck/checks/cases/catalog.*.yaml) are run by tests/test_rule_cases.py;
here we only check that every catalog kind has passing, failing and unknown cases."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.engine.rule_tests import CASES_DIR, load_case_file
from gkcheck.model import Catalog, CatalogItem, Rule, SourcePos, Unit, UnitEvidence

UNIT = Unit(id="mzj", name="市民政局", domains=["社会救助"])
FILE = "catalogs/民政局目录.xlsx"

# The 社会救助 standard directory (民办函〔2019〕52号) as a county 民政局 writes it.
FULL = {
    "basis": "《社会救助暂行办法》（国务院令第649号）",
    "time_limit": "制定或获取信息之日起10个工作日内",
    "subject": "市民政局",
    "channels": "■政府网站 ■公开查阅点 ■政务服务中心",
    "audience": "全社会",
    "mode": "主动",
    "level": "县级、乡级",
}
DIRECTORY = [
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


def row(n: int, level1: str, level2: str = "", content: str = "", file: str = FILE, **fields) -> CatalogItem:
    return CatalogItem(
        level1=level1, level2=level2, content=content, pos=SourcePos(file=file, sheet="目录", row=n), **fields
    )


def directory(**override) -> list[CatalogItem]:
    return [row(i + 3, l1, l2, c, **{**FULL, **override}) for i, (l1, l2, c) in enumerate(DIRECTORY)]


def run(kind: str, params: dict | None = None, items=None, *, catalogs=None, as_of=dt.date(2024, 12, 31),
        errors=(), updated=None):
    k = get_kind(kind)
    p = k.params.model_validate(params or {})
    if catalogs is None and items is not None:
        catalogs = [Catalog(path=FILE, title="邹城市民政局主动公开事项目录", items=items, updated=updated)]
    ev = UnitEvidence(unit_id=UNIT.id, catalogs=catalogs, catalog_errors=list(errors))
    ctx = CheckContext(
        unit=UNIT, evidence=ev, as_of=as_of, plan_year=as_of.year,
        rule=Rule(id="T", title="t", check=kind, units=["all"]),
    )
    return list(k.func(ctx, p))


def statuses(outcomes) -> list[str]:
    return [o.status for o in outcomes]


# --------------------------------------------------------------------------- case files

CASES = [c for f in sorted(CASES_DIR.glob("catalog.*.yaml")) for c in load_case_file(f)]


def test_every_catalog_kind_has_passing_and_failing_cases():
    kinds = {c.kind for c in CASES}
    assert kinds == {
        "catalog.exists", "catalog.has_item", "catalog.fields_complete", "catalog.field_values",
        "catalog.basis_cites_law", "catalog.no_duplicates", "catalog.updated_within",
    }
    for kind in kinds:
        wanted = {c.spec["expect"]["status"] for c in CASES if c.kind == kind}
        assert {"pass", "fail", "unknown"} <= wanted, kind


# --------------------------------------------------------------------------- catalog.exists


def test_exists_states():
    assert statuses(run("catalog.exists", items=directory())) == ["pass"]
    assert "“邹城市民政局主动公开事项目录”（13项）" in run("catalog.exists", items=directory())[0].message
    # not configured / configured but none found / unreadable
    assert statuses(run("catalog.exists")) == ["unknown"]
    none = run("catalog.exists", catalogs=[])
    assert statuses(none) == ["fail"] and none[0].message == "未找到本单位的主动公开事项目录"
    broken = run("catalog.exists", catalogs=[], errors=["catalogs/民政局目录.xlsx: 文件已损坏"])
    assert statuses(broken) == ["unknown"] and "文件已损坏" in broken[0].message


def test_exists_lists_reading_notes_as_warnings():
    cat = Catalog(path=FILE, items=directory(), warnings=["第5行：合并单元格已向下填充", "未识别的列“备注”"])
    out = run("catalog.exists", catalogs=[cat])
    assert statuses(out) == ["pass", "warn"]
    assert out[1].message == "读取目录“民政局目录.xlsx”时有2条提示：第5行：合并单元格已向下填充；未识别的列“备注”"
    assert statuses(run("catalog.exists", {"reading_notes": "ignore"}, catalogs=[cat])) == ["pass"]


def test_exists_min_items_zero_is_a_parameter_error():
    with pytest.raises(ValidationError):
        get_kind("catalog.exists").params.model_validate({"min_items": 0})


# --------------------------------------------------------------------------- catalog.has_item

SOCIAL = {
    "items": [
        {"name": "监督检查", "level1": "综合业务", "contains": [["投诉举报电话", "举报电话"]]},
        {"name": "办事指南", "level1": "最低生活保障", "level1_synonyms": ["低保"], "contains": ["最低生活保障标准"]},
        {"name": "审批信息", "level1": "最低生活保障", "contains": ["低保对象名单"]},
        {"name": "办事指南", "level1": "特困人员救助供养", "contains": ["救助供养标准"]},
        {"name": "审核审批信息", "level1": "临时救助", "contains": ["对象名单", "金额", "事由"]},
    ]
}


def test_has_item_full_directory_passes_and_cites_rows():
    out = run("catalog.has_item", SOCIAL, directory())
    assert statuses(out) == ["pass"] * 5
    assert [o.record for o in out] == [
        "综合业务 / 监督检查", "最低生活保障 / 办事指南", "最低生活保障 / 审批信息",
        "特困人员救助供养 / 办事指南", "临时救助 / 审核审批信息",
    ]
    ref = out[1].evidence[0]
    assert (ref.source, ref.location, ref.row, ref.sheet, ref.file) == ("catalog", f"{FILE}:目录!6", 6, "目录", FILE)
    assert ref.title == "最低生活保障 / 办事指南"
    assert out[1].message == "已列入“最低生活保障 / 办事指南”：第6行（最低生活保障 / 办事指南）"


def test_has_item_missing_element_names_element_and_row():
    items = directory()
    items[3] = row(6, "最低生活保障", "办事指南", "办理事项、办理条件、申请材料、办理流程", **FULL)
    out = run("catalog.has_item", SOCIAL, items)
    bad = [o for o in out if o.status == "fail"]
    assert len(bad) == 1
    assert bad[0].message == "“最低生活保障 / 办事指南”（第6行：最低生活保障 / 办事指南）的公开内容未写明：最低生活保障标准"
    assert bad[0].fix == "在第6行的“公开内容（要素）”中写明最低生活保障标准"


def test_has_item_prefers_the_row_with_all_elements():
    items = [
        row(3, "最低生活保障", "办事指南", "办理条件"),
        row(4, "最低生活保障", "办事指南（城市）", "办理条件、最低生活保障标准"),
    ]
    out = run("catalog.has_item", {"items": [{"name": "办事指南", "level1": "最低生活保障", "contains": ["最低生活保障标准"]}]}, items)
    assert statuses(out) == ["pass"] and "第4行" in out[0].message


def test_has_item_suggests_a_near_name():
    items = [row(3, "临时救助", "办事指南", "救助标准"), row(4, "临时救助", "审核审批情况", "救助对象名单")]
    out = run("catalog.has_item", {"items": [{"name": "审核审批信息", "level1": "临时救助"}]}, items)
    assert statuses(out) == ["fail"]
    assert out[0].message == "未找到“临时救助 / 审核审批信息”，是否指“临时救助 / 审核审批情况”（第4行）？"
    assert out[0].evidence[0].row == 4
    assert "改为“临时救助 / 审核审批信息”" in out[0].fix


def test_has_item_does_not_suggest_rows_under_another_level1_or_a_bare_level1():
    items = [
        row(16, "特困人员救助供养", "办事指南", "救助供养标准"),
        row(17, "特困人员救助供养", "审核信息", "初审对象名单"),
        row(4, "招生入学", "招生计划", "各校招生计划"),
    ]
    out = run("catalog.has_item", {"items": [{"name": "办事指南", "level1": "临时救助"},
                                             {"name": "办事指南", "level1": "特困人员救助供养"},
                                             {"name": "政策法规文件", "level1": "特困人员救助供养"},
                                             {"name": "招生政策", "synonyms": ["招生入学政策"]}]}, items)
    assert [o.message for o in out] == [
        "目录中未找到“临时救助 / 办事指南”",
        "已列入“特困人员救助供养 / 办事指南”：第16行（特困人员救助供养 / 办事指南）",
        "目录中未找到“特困人员救助供养 / 政策法规文件”",  # the rows there are only 0.62 alike
        "目录中未找到“招生政策”",
    ]
    assert [o.evidence for o in out if o.status == "fail"] == [[], [], []]
    # a one-character difference is a suggestion
    near = run("catalog.has_item", {"items": [{"name": "审批信息", "level1": "特困人员救助供养"}]}, items)
    assert near[0].message == "未找到“特困人员救助供养 / 审批信息”，是否指“特困人员救助供养 / 审核信息”（第17行）？"


def test_has_item_three_level_catalog_and_numbered_names():
    items = [CatalogItem(level1="社会救助", level2="（一）最低生活保障", level3="2.办事指南",
                         content="最低生活保障标准", pos=SourcePos(file=FILE, row=9))]
    out = run("catalog.has_item", {"items": [{"name": "办事指南", "level1": "最低生活保障", "contains": ["最低生活保障标准"]}]}, items)
    assert statuses(out) == ["pass"] and "第9行" in out[0].message


def test_has_item_names_the_file_when_a_unit_has_two_catalogs():
    a = Catalog(path="catalogs/a.xlsx", items=[row(3, "综合业务", "监督检查", "投诉举报电话", file="catalogs/a.xlsx")])
    b = Catalog(path="catalogs/b.csv", items=[row(7, "临时救助", "办事指南", "救助标准", file="catalogs/b.csv")])
    out = run("catalog.has_item", {"items": [{"name": "办事指南", "level1": "临时救助"}]}, catalogs=[a, b])
    assert out[0].message == "已列入“临时救助 / 办事指南”：b.csv 第7行（临时救助 / 办事指南）"


def test_has_item_states_without_catalog():
    assert statuses(run("catalog.has_item", SOCIAL)) == ["unknown"]
    none = run("catalog.has_item", SOCIAL, catalogs=[])  # one finding for the missing catalog
    assert statuses(none) == ["fail"] and none[0].record == "目录"
    assert none[0].message.startswith("未找到本单位的主动公开事项目录，应列入的") and "等5个事项" not in none[0].message
    broken = run("catalog.has_item", SOCIAL, catalogs=[], errors=["x.xlsx: 不是 Excel 文件"])
    assert statuses(broken) == ["unknown"]


def test_has_item_params_accept_plain_names_and_reject_unknown_keys():
    p = get_kind("catalog.has_item").params.model_validate({"items": ["监督检查"]})
    assert p.items[0].name == "监督检查"
    with pytest.raises(ValidationError):
        get_kind("catalog.has_item").params.model_validate({"items": [{"name": "x", "elements": []}]})
    with pytest.raises(ValidationError):
        get_kind("catalog.has_item").params.model_validate({"items": []})


# --------------------------------------------------------------------------- catalog.fields_complete


def test_fields_complete_one_fail_per_row_with_a_record_free_of_row_numbers():
    items = directory()
    items[4] = row(7, "最低生活保障", "审核信息", "初审对象名单", **{**FULL, "basis": "", "channels": "—"})
    items[8] = row(11, "特困人员救助供养", "审核信息", "", **FULL)
    out = run("catalog.fields_complete", {}, items)
    assert statuses(out) == ["fail", "fail"]
    assert out[0].message == "第7行（最低生活保障 / 审核信息）缺少：公开依据、公开渠道和载体"
    assert out[0].record == "最低生活保障 / 审核信息：初审对象名单"
    assert out[1].record == "特困人员救助供养 / 审核信息"
    assert out[1].message == "第11行（特困人员救助供养 / 审核信息）缺少：公开内容"


def test_fields_complete_all_good_and_unknown_field():
    assert run("catalog.fields_complete", {}, directory())[0].message == "全部13行的9个必填字段均已填写"
    with pytest.raises(ValidationError, match="未知的目录字段“更新日期”"):
        get_kind("catalog.fields_complete").params.model_validate({"fields": ["一级事项", "更新日期"]})


def test_fields_complete_missing_column_reported_once():
    out = run("catalog.fields_complete", {}, directory(subject=""))
    assert statuses(out) == ["fail"]
    assert out[0].message == "目录的“公开主体”一列全部为空（共13行）"
    assert out[0].record == "column:公开主体"


# --------------------------------------------------------------------------- catalog.field_values


def test_field_values_full_directory_passes():
    out = run("catalog.field_values", {}, directory())
    assert statuses(out) == ["pass"]


def test_field_values_one_outcome_per_row_and_field():
    items = directory()
    items[0] = row(3, "综合业务", "政策法规文件", "x", **{**FULL, "mode": "公开", "time_limit": "及时"})
    items[1] = row(4, "综合业务", "监督检查", "x", **{**FULL, "time_limit": "信息形成之日起30个工作日内"})
    out = run("catalog.field_values", {}, items)
    assert statuses(out) == ["fail", "fail", "warn"]
    assert out[0].message == "第3行（综合业务 / 政策法规文件）：公开方式“公开”不是“主动”或“依申请”"
    assert out[1].message == "第3行（综合业务 / 政策法规文件）：公开时限“及时”不是具体期限（“及时”没有写明多少日内或何时公开）"
    assert out[0].record == "综合业务 / 政策法规文件：x#公开方式"
    assert out[1].record == "综合业务 / 政策法规文件：x#公开时限"
    assert out[2].message == (
        "第4行（综合业务 / 监督检查）：公开时限“信息形成之日起30个工作日内”（30个工作日）长于20个工作日"
        "（《政府信息公开条例》第二十六条）"
    )


def test_field_values_level_variants():
    for value in ["县级", "乡级", "县级、乡级", "乡、村级", "县（市、区）级", "镇街级", "区级", "市级"]:
        assert statuses(run("catalog.field_values", {"fields": ["公开层级"]}, directory(level=value))) == ["pass"], value
    out = run("catalog.field_values", {"fields": ["公开层级"]}, directory(level="省级"))
    assert len(out) == 13 and set(statuses(out)) == {"fail"}


def test_field_values_params():
    kind = get_kind("catalog.field_values")
    with pytest.raises(ValidationError):
        kind.params.model_validate({"fields": ["公开主体"]})
    with pytest.raises(ValidationError):
        kind.params.model_validate({"accepted": {"公开依据": ["x"]}})


# --------------------------------------------------------------------------- catalog.basis_cites_law


def test_basis_cites_law():
    items = directory()
    items[2] = row(5, "最低生活保障", "政策法规文件", "x", **{**FULL, "basis": "相关规定"})
    items[5] = row(8, "最低生活保障", "审批信息", "x", **{**FULL, "basis": "根据上级文件精神办理"})
    items[6] = row(9, "特困人员救助供养", "政策法规文件", "x", **{**FULL, "basis": ""})
    out = run("catalog.basis_cites_law", {}, items)
    assert [o.message for o in out] == [
        "第5行（最低生活保障 / 政策法规文件）的公开依据“相关规定”未写明具体法律法规（泛指不能作为依据）",
        "第8行（最低生活保障 / 审批信息）的公开依据“根据上级文件精神办理”中没有法律法规名称（《…》）或文号（如国办发〔2019〕54号）",
        "第9行（特困人员救助供养 / 政策法规文件）未填写公开依据",
    ]
    assert out[1].evidence[0].quote == "根据上级文件精神办理"
    assert len(run("catalog.basis_cites_law", {"empty": "skip"}, items)) == 2


def test_row_records_stay_when_a_row_is_inserted_above():
    def catalog(first_row: int, extra: bool) -> list[CatalogItem]:
        rows = [("机构信息", "机构职能", "机构名称、主要职责")] if extra else []
        rows += DIRECTORY
        items = [row(first_row + i, l1, l2, c, **FULL) for i, (l1, l2, c) in enumerate(rows)]
        bad = items[-1]  # 临时救助 / 审核审批信息
        items[-1] = bad.model_copy(update={"basis": "相关规定", "time_limit": "及时", "subject": ""})
        return items

    before, after = catalog(3, extra=False), catalog(3, extra=True)
    assert before[-1].pos.row == 15 and after[-1].pos.row == 16
    for kind in ("catalog.fields_complete", "catalog.field_values", "catalog.basis_cites_law"):
        old, new = run(kind, {}, before), run(kind, {}, after)
        assert [o.status for o in old] == [o.status for o in new] == ["fail"], kind
        assert old[0].record == new[0].record, kind
        assert "15" not in old[0].record and old[0].record.startswith("临时救助 / 审核审批信息：救助对象名单")
        assert old[0].message.startswith("第15行") and new[0].message.startswith("第16行")
        assert (old[0].evidence[0].row, new[0].evidence[0].row) == (15, 16)


# --------------------------------------------------------------------------- catalog.no_duplicates


def test_no_duplicates_names_all_rows_of_a_group():
    items = directory()
    items.append(row(16, "最低生活保障 ", "办事 指南", items[3].content.replace("、", "，"), **FULL))
    items.append(row(17, "最低生活保障", "办事指南", items[3].content, **FULL))
    out = run("catalog.no_duplicates", {}, items)
    assert statuses(out) == ["fail"]
    assert out[0].message.startswith("第6行、第16行、第17行重复（一级事项、二级事项、公开内容相同）")
    assert [r.row for r in out[0].evidence] == [6, 16, 17]
    assert statuses(run("catalog.no_duplicates", {}, directory())) == ["pass"]


# --------------------------------------------------------------------------- catalog.updated_within


def test_updated_within_uses_newest_date_not_after_as_of():
    items = directory()
    items[0] = row(3, "综合业务", "政策法规文件", "x", updated=dt.date(2024, 3, 1), **FULL)
    items[1] = row(4, "综合业务", "监督检查", "x", updated=dt.date(2025, 3, 1), **FULL)
    out = run("catalog.updated_within", {}, items, updated=dt.date(2023, 1, 1))
    assert statuses(out) == ["pass"]
    assert out[0].message == "目录最近更新于2024-03-01（305天前），在365天内"
    assert out[0].evidence[0].row == 3


def test_updated_within_plan_year_window():
    params = {"window": "plan_year"}
    old = {"updated": dt.date(2023, 12, 20)}
    assert statuses(run("catalog.updated_within", params, directory(), **old)) == ["fail"]
    assert statuses(run("catalog.updated_within", params, directory(), as_of=dt.date(2024, 6, 30), **old)) == ["warn"]
    assert statuses(run("catalog.updated_within", params, directory(), updated=dt.date(2024, 1, 1))) == ["pass"]


def test_updated_within_undated_modes():
    assert statuses(run("catalog.updated_within", {}, directory())) == ["unknown"]
    assert statuses(run("catalog.updated_within", {"undated": "warn"}, directory())) == ["warn"]
    assert statuses(run("catalog.updated_within", {}, catalogs=[])) == ["unknown"]


def test_every_catalog_kind_documents_params_and_examples():
    for name in ["catalog.exists", "catalog.has_item", "catalog.fields_complete", "catalog.field_values",
                 "catalog.basis_cites_law", "catalog.no_duplicates", "catalog.updated_within"]:
        doc = get_kind(name).doc
        assert "通过" in doc and "不通过" in doc and "参数" in doc, name
        for field in get_kind(name).params.model_fields:
            assert field in doc, (name, field)
