"""The Zoucheng 2024 pack's data files against the data model and against the seed.

rules/zoucheng-2024/units.yaml and tasks.yaml transcribe 邹政办字〔2024〕8号 (the seed).
These tests validate every row with the pydantic models, spot-check rows against the
seed by hand-read values, and prove word-for-word transcription by finding every
requirement, heading and 责任部门 cell in the seed text itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from gkcheck.engine.pack import load_pack
from gkcheck.engine.yamlio import read_yaml
from gkcheck.model import Requirement, Task, Unit, UnitGroup

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "rules" / "zoucheng-2024"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_e3ee1ab34cb46471.txt"

DEPARTMENTS = [
    "市发展和改革局", "市商务局", "市投资促进服务中心", "市工业和信息化局", "市应急管理局",
    "市民政局", "市行政审批服务局", "市卫生健康局", "市教育和体育局", "市文化和旅游局",
    "市住房和城乡建设局", "市综合行政执法局", "市农业农村局", "济宁市生态环境局邹城市分局",
    "市自然资源和规划局", "市财政局", "市人力资源和社会保障局", "市退役军人事务局",
    "市医疗保障局", "市市场监督管理局", "市水务局", "市交通运输局", "市司法局", "市信访局",
    "市政府办公室",
]
SUBDISTRICTS = ["钢山街道", "千泉街道", "凫山街道"]
TOWNS = ["太平镇", "北宿镇", "中心店镇", "唐村镇", "香城镇", "城前镇", "大束镇",
         "田黄镇", "石墙镇", "峄山镇", "张庄镇", "郭里镇", "看庄镇"]

# Rows whose 责任部门 cell is merged with an earlier row: row -> row that prints it.
MERGED = {46: 45, 48: 47, 49: 47, 50: 47, 52: 51, 53: 51}
# Cells printed as "X牵头，Y配合".
LEAD_COOP_CELLS = {38: "市司法局牵头，市政府各部门配合", 51: "市政府办公室牵头，各镇街、部门配合"}

SECTIONS = {
    "一、以高质量公开助推重点工作落实": range(1, 24),
    "二、全力提升依申请公开办理质效": range(24, 28),
    "三、深入推进政策公开与解读回应": range(28, 38),
    "四、全面深化政民互动与公众参与": range(38, 45),
    "五、持续提高公开平台建管水平": range(45, 54),
}
GROUPS = {
    "（一）以公开助推高水平开放、高质量招商引资": range(1, 6),
    "（二）以公开助推社会治理精细化": range(6, 11),
    "（三）以公开助推人民群众生活品质提高": range(11, 19),
    "（四）以公开助推监管效能提升": range(19, 24),
    "（五）规范依申请公开办理工作": range(24, 28),
    "（六）提升政策集中发布质效": range(28, 34),
    "（七）持续加大政策解读力度": range(34, 38),
    "（八）深化重大决策公众参与": range(38, 42),
    "（九）增强政民互动交流实效": range(42, 45),
    "（十）持续优化政府网站功能": range(45, 47),
    "（十一）切实强化政府网站和政务新媒体管理": range(47, 51),
    "（十二）务实推进政务公开专区特色化建设": range(51, 54),
}
FIVE = ["市教育和体育局", "市卫生健康局", "市住房和城乡建设局", "市水务局", "市交通运输局"]


def _load(name: str):
    return yaml.safe_load((PACK / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def units_doc():
    return _load("units.yaml")


@pytest.fixture(scope="module")
def tasks_doc():
    return _load("tasks.yaml")


@pytest.fixture(scope="module")
def units(units_doc) -> list[Unit]:
    return [Unit.model_validate(row) for row in units_doc["units"]]


@pytest.fixture(scope="module")
def groups(units_doc) -> list[UnitGroup]:
    return [UnitGroup.model_validate(row) for row in units_doc["groups"]]


@pytest.fixture(scope="module")
def tasks(tasks_doc) -> dict[int, Task]:
    rows = [Task.model_validate(row) for row in tasks_doc["tasks"]]
    return {t.number: t for t in rows}


@pytest.fixture(scope="module")
def requirements(tasks_doc) -> dict[str, Requirement]:
    return {r.id: r for r in (Requirement.model_validate(x) for x in tasks_doc["requirements"])}


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---- units.yaml -------------------------------------------------------------------


def test_pack_files_have_no_duplicate_keys():
    # The pack loader's reader refuses duplicate keys, which safe_load would hide.
    assert len(read_yaml(PACK / "units.yaml")["units"]) == 41
    assert len(read_yaml(PACK / "tasks.yaml")["tasks"]) == 53


def test_units_cover_every_department_of_the_table_and_the_16_towns(units):
    names = [u.name for u in units]
    assert names == DEPARTMENTS + SUBDISTRICTS + TOWNS
    assert len(units) == 41


def test_unit_ids_are_unique_ascii(units):
    ids = [u.id for u in units]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z]+", i) for i in ids), ids
    by_name = {u.name: u.id for u in units}
    assert by_name["市民政局"] == "mzj"
    assert by_name["市政府办公室"] == "zfb"


def test_names_and_aliases_are_unique_across_units_and_groups(units, groups):
    every = [n for u in units for n in (u.name, *u.aliases)]
    every += [n for g in groups for n in (g.name, *g.aliases)]
    dupes = [n for n, k in Counter(every).items() if k > 1]
    assert dupes == []


def test_town_level_units(units):
    towns = [u for u in units if u.kind == "town"]
    assert len(towns) == 16
    assert sorted(u.name for u in towns if u.name.endswith("街道")) == sorted(SUBDISTRICTS)
    assert sorted(u.name for u in towns if u.name.endswith("镇")) == sorted(TOWNS)
    assert all(u.groups == ["各镇街"] for u in towns)
    taiping = next(u for u in towns if u.name == "太平镇")
    assert {"太平镇人民政府", "邹城市太平镇"} <= set(taiping.aliases)
    gangshan = next(u for u in towns if u.name == "钢山街道")
    assert {"钢山街道办事处", "邹城市钢山街道"} <= set(gangshan.aliases)


def test_departments_and_office(units, groups):
    assert [g.id for g in groups] == ["市政府各部门", "各镇街"]
    depts = [u for u in units if u.kind != "town"]
    assert all(u.groups == ["市政府各部门"] for u in depts)
    assert [u.name for u in depts if u.kind == "office"] == ["市政府办公室"]
    by_name = {u.name: u for u in units}
    assert "社会救助" in by_name["市民政局"].domains
    assert {"就业", "社会保险"} <= set(by_name["市人力资源和社会保障局"].domains)
    assert by_name["市发展和改革局"].issues_policies is True


# ---- tasks.yaml -------------------------------------------------------------------


def test_the_pack_loader_accepts_both_files(tmp_path):
    # Load through the engine (without `extends`, so only these two files are judged).
    for name in ("units.yaml", "tasks.yaml"):
        (tmp_path / name).write_bytes((PACK / name).read_bytes())
    (tmp_path / "pack.yaml").write_text("id: t\nplan_year: 2024\n", encoding="utf-8")
    pack = load_pack(tmp_path)
    assert (len(pack.units), len(pack.groups), len(pack.tasks), len(pack.requirements)) == (41, 2, 53, 7)
    assert pack.plan["document"] == "邹政办字〔2024〕8号"
    assert len(pack.index.expand("市政府各部门")) == 25
    assert len(pack.index.expand("各镇街")) == 16
    assert pack.index.expand("部门") == pack.index.expand("市政府各部门")
    lead, coop = pack.task_roles(51)
    assert lead == {"zfb"} and len(coop) == 40
    lead, coop = pack.task_roles(38)
    assert lead == {"sfj"} and len(coop) == 24
    assert pack.task_roles(17) == ({"mzj"}, frozenset())
    assert pack.index.expand("民政局") == pack.index.expand("邹城市民政局") == ["mzj"]


def test_plan_header(tasks_doc):
    plan = tasks_doc["plan"]
    assert plan["document"] == "邹政办字〔2024〕8号"
    assert plan["issued"] == dt.date(2024, 6, 24)
    assert plan["year"] == 2024
    assert plan["title"].endswith("关于印发2024年邹城市政务公开工作要点任务分解表的通知")


def test_exactly_53_tasks_numbered_in_order(tasks_doc, tasks):
    assert [row["number"] for row in tasks_doc["tasks"]] == list(range(1, 54))
    assert len(tasks) == 53


def test_every_responsible_name_resolves(units, groups, tasks, requirements):
    known = {n for u in units for n in u.all_names()}
    known |= {n for g in groups for n in (g.id, g.name, *g.aliases)}
    for t in tasks.values():
        assert t.lead, t.number
        assert set(t.lead + t.cooperating) <= known, t.number
    for r in requirements.values():
        assert set(r.units) <= known, r.id


def test_sections_and_groups_span_the_right_rows(tasks):
    for section, rows in SECTIONS.items():
        assert [n for n, t in tasks.items() if t.section == section] == list(rows)
    # 四 starts at row 38: rows 34-37 (（七）) still belong to 三.
    assert tasks[37].section == "三、深入推进政策公开与解读回应"
    for group, rows in GROUPS.items():
        assert [n for n, t in tasks.items() if t.group == group] == list(rows)


def test_deadlines(tasks):
    texts = Counter(t.deadline_text for t in tasks.values())
    assert texts == {"12月底前": 49, "11月底前": 2, "6月底前": 2}
    expected = {"6月底前": dt.date(2024, 6, 30), "11月底前": dt.date(2024, 11, 30),
                "12月底前": dt.date(2024, 12, 31)}
    for t in tasks.values():
        assert t.deadline == expected[t.deadline_text], t.number
    assert sorted(n for n, t in tasks.items() if t.deadline_text == "11月底前") == [22, 23]
    assert sorted(n for n, t in tasks.items() if t.deadline_text == "6月底前") == [52, 53]


def test_spot_checks_against_the_seed(tasks):
    t1 = tasks[1]
    assert t1.section == "一、以高质量公开助推重点工作落实"
    assert t1.group == "（一）以公开助推高水平开放、高质量招商引资"
    assert t1.lead == ["市发展和改革局", "市商务局", "市投资促进服务中心"]
    assert t1.requirement.startswith("围绕“深化大开放、拓展大招商”做好信息发布工作")

    t17 = tasks[17]
    assert (t17.lead, t17.cooperating) == (["市民政局"], [])
    assert t17.deadline == dt.date(2024, 12, 31)
    assert t17.requirement == "动态调整并公开社会救助标准"

    for n in (22, 23):
        assert tasks[n].lead == FIVE
        assert tasks[n].deadline == dt.date(2024, 11, 30)
    assert tasks[52].deadline == tasks[53].deadline == dt.date(2024, 6, 30)
    assert (tasks[38].lead, tasks[38].cooperating) == (["市司法局"], ["市政府各部门"])
    assert tasks[8].lead == ["济宁市生态环境局邹城市分局"]
    assert {"各镇街", "市人力资源和社会保障局"} <= set(tasks[25].lead)
    assert tasks[11].lead == ["市人力资源和社会保障局", "市退役军人事务局"]
    assert tasks[41].requirement.count("每年至少开展2次专题性政策评价工作") == 1
    assert "政府网站IPv6改造任务" in tasks[48].requirement


def test_merged_cells_repeat_the_row_above(tasks):
    assert tasks[45].lead == tasks[46].lead == ["市政府办公室"]
    for n in (47, 48, 49, 50):
        assert (tasks[n].lead, tasks[n].cooperating) == (["市政府办公室"], [])
    for n in (51, 52, 53):
        assert tasks[n].lead == ["市政府办公室"]
        assert tasks[n].cooperating == ["各镇街", "市政府各部门"]


def test_requirement_texts_have_no_line_breaks_or_stray_spaces(tasks, requirements):
    texts = [t.requirement for t in tasks.values()] + [r.text for r in requirements.values()]
    for text in texts:
        assert not re.search(r"\s", text), text


def test_general_requirements(requirements):
    assert list(requirements) == ["G1", "G2", "G3", "G4", "G5", "G6", "G7"]
    assert requirements["G1"].units == ["各镇街", "市政府各部门"]
    assert "每年至少召开1次专题会议" in requirements["G1"].text
    assert requirements["G1"].deadline == dt.date(2024, 12, 31)
    assert requirements["G2"].units == ["市政府办公室"]
    assert requirements["G2"].text == "每年组织全市政务公开业务培训不少于1次。"
    assert "年底前形成主动公开事项目录" in requirements["G3"].text
    assert requirements["G3"].deadline == dt.date(2024, 12, 31)
    assert "纳入政府信息公开工作年度报告予以公开" in requirements["G4"].text
    assert requirements["G4"].deadline is None
    assert "梳理形成本单位工作台账" in requirements["G5"].text


# ---- against the seed itself --------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed not present: {SEED}")
    return _compact(SEED.read_text(encoding="utf-8"))


def test_every_requirement_is_word_for_word_in_the_seed(seed, tasks, requirements):
    pos = 0
    for n, t in tasks.items():
        text = _compact(t.requirement)
        found = seed.find(text, pos)
        assert found >= 0, f"task {n} not in the seed (or out of order): {t.requirement}"
        # The 完成时限 cell follows the 具体要求 cell in every row.
        assert seed.startswith(_compact(t.deadline_text), found + len(text)), n
        pos = found + len(text)
    for r in requirements.values():
        assert _compact(r.text) in seed, r.id


def test_responsible_cells_match_the_seed(seed, tasks):
    for n, t in tasks.items():
        req = _compact(t.requirement)
        if n in MERGED:
            # The cell is empty in this row: the row number runs straight into the text.
            assert f"{n}{req}" in seed, n
        elif n in LEAD_COOP_CELLS:
            assert LEAD_COOP_CELLS[n] + req in seed, n
            assert LEAD_COOP_CELLS[n].startswith(t.lead[0] + "牵头，"), n
        else:
            assert t.cooperating == [], n
            assert "".join(t.lead) + req in seed, n


def test_headings_and_plan_are_in_the_seed(seed, tasks, tasks_doc):
    for t in tasks.values():
        assert t.section in seed
        assert _compact(t.group) in seed
    plan = tasks_doc["plan"]
    assert plan["document"] in seed
    assert plan["title"] in seed
    assert "2024年6月24日印发" in seed


def test_every_unit_named_in_the_seed_table_is_listed(seed, units, tasks):
    # test_responsible_cells_match_the_seed proves the lead/cooperating lists are the
    # seed's cells; so the units they name are exactly the table's units.
    named = {n for t in tasks.values() for n in t.lead + t.cooperating}
    named -= {"市政府各部门", "各镇街"}
    departments = {u.name for u in units if u.kind != "town"}
    assert named == departments
    table = seed[seed.index("2024年邹城市政务公开工作要点任务分解表序号"):seed.index("抄送")]
    for name in departments:
        assert name in table, name
