"""A baseline survives rows moving in a catalog: the demo catalogs, copied, checked once
with --write-baseline, then a valid row is inserted at the top of each and checked again
with --baseline. Nothing may come back as new. Also: the SARIF of such a run gives every
result a repository file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.cell_range import CellRange

from gkcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "rules" / "zoucheng-2024"
UNITS = ["市民政局", "钢山街道", "市教育和体育局"]
NEW_ITEM = ("机构信息", "机构职能", "机构名称、主要职责、办公地址、办公时间、联系方式")
BASIS = "《中华人民共和国政府信息公开条例》（国务院令第711号）第二十条"


def insert_xlsx_row(path: Path, at: int) -> None:
    """Insert a copy of row `at` (the first item) above it, renamed to NEW_ITEM; merged
    ranges below move down with their rows."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    template = [c.value for c in ws[at]]
    merged = [CellRange(str(r)) for r in ws.merged_cells.ranges]
    for r in merged:
        ws.merged_cells.remove(r)
    ws.insert_rows(at)
    for r in merged:
        if r.min_row >= at:
            r.shift(row_shift=1)
        ws.merge_cells(r.coord)
    values = list(template)
    values[1:5] = [NEW_ITEM[0], NEW_ITEM[1], NEW_ITEM[2], BASIS]
    for col, v in enumerate(values, 1):
        ws.cell(row=at, column=col, value=v)
    wb.save(path)


def insert_csv_row(path: Path) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(
        1,
        f"0,{NEW_ITEM[0]},{NEW_ITEM[1]},{NEW_ITEM[2]},{BASIS},信息形成或者变更之日起20个工作日内,"
        "邹城市教育和体育局,政府网站,全社会,主动,县级,",
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def check(tmp_path: Path, *extra: str) -> tuple[int, dict]:
    argv = ["check", "--rules", str(PACK), "--catalogs", "catalogs", "--as-of", "2024-12-31"]
    for u in UNITS:
        argv += ["--unit", u]
    argv += ["--format", "json,sarif", "--output-dir", "out", "--fail-on", "error", *extra]
    code = main(argv)
    return code, json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "catalogs", tmp_path / "catalogs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(result: dict) -> list[dict]:
    return [f for f in result["findings"] if f["status"] in ("fail", "warn")]


def test_inserting_a_row_above_old_problems_makes_nothing_new(project, capsys):
    code, first = check(project, "--write-baseline", "baseline.json")
    assert code == 1
    old = problems(first)
    by_rule = {f["rule"] for f in old}
    # the row-level catalog rules are among the recorded problems, keyed without row numbers
    assert {"NAT-CAT-002", "NAT-CAT-003", "NAT-CAT-004"} <= by_rule
    basis = next(f for f in old if f["rule"] == "NAT-CAT-004" and f["unit"] == "市民政局")
    assert basis["evidence"][0]["row"] == 13 and basis["message"].startswith("第13行")
    assert basis["record"] == "最低生活保障 / 资金发放信息：" + basis["record"].split("：", 1)[1]
    recorded = json.loads((project / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert len(recorded) == len(old)
    assert not [e for e in recorded if e["record"] and ("xlsx:" in e["record"] or ".csv:" in e["record"])]

    insert_xlsx_row(project / "catalogs" / "市民政局主动公开事项目录.xlsx", 5)
    insert_xlsx_row(project / "catalogs" / "钢山街道.xlsx", 5)
    insert_csv_row(project / "catalogs" / "市教育和体育局.csv")

    code, second = check(project, "--baseline", "baseline.json")
    assert problems(second) == []
    assert code == 0
    assert second["notes"][0] == f"基线（baseline.json）：已有问题 {len(second['baseline_hidden'])} 项未计入，新问题 0 项"
    moved = next(
        f for f in second["baseline_hidden"] if f["rule"] == "NAT-CAT-004" and f["unit"] == "市民政局"
    )
    assert moved["record"] == basis["record"]
    assert moved["evidence"][0]["row"] == 14 and moved["message"].startswith("第14行")

    sarif = json.loads((project / "out" / "result.sarif").read_text(encoding="utf-8"))
    first_sarif = sarif["runs"][0]
    assert first_sarif["properties"]["baselineHidden"] == len(second["baseline_hidden"])


def test_sarif_of_a_real_run_locates_every_result_in_a_file(project):
    code, result = check(project)
    assert code == 1
    sarif = json.loads((project / "out" / "result.sarif").read_text(encoding="utf-8"))
    run = sarif["runs"][0]
    unknown = sum(1 for f in result["findings"] if f["status"] == "unknown")
    assert unknown > 0 and run["properties"]["unknownOmitted"] == unknown
    assert len(run["results"]) == sum(1 for f in result["findings"] if f["status"] in ("fail", "warn", "waived"))
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"] for res in run["results"] for loc in res["locations"]
    ]
    assert uris and all(uris)
    assert all(u.startswith(("catalogs/", "file:///")) for u in uris), sorted(set(uris))
    missing = [r for r in run["results"] if r["message"]["text"].split("\n")[0].endswith("目录中未找到“重大建设项目”")]
    assert missing and missing[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
        "catalogs/"
    )
