"""The command line end to end, as a user runs it: real subprocesses, real files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd=ROOT, timeout=120):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "gkcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
    )


def assert_clean_error(proc, *fragments):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    err = proc.stderr.strip().splitlines()
    assert err, "expected a message on stderr"
    line = err[-1]
    assert line.startswith("gkcheck:")
    for f in fragments:
        assert f in line, line


def test_check_on_demo_json_contract(tmp_path):
    out = tmp_path / "r.json"
    proc = run("check", "--format", "json", "--output", str(out))
    assert proc.returncode == 1, proc.stderr  # the demo has planted problems at level error
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "gkcheck.audit/1"
    assert data["pack"] == "zoucheng-2024"
    assert data["as_of"] == "2024-12-31"
    names = {u["name"] for u in data["units"]}
    assert {"市民政局", "钢山街道", "市卫生健康局"} <= names
    for f in data["findings"]:
        for key in ("rule", "check", "unit", "unit_id", "status", "severity", "tasks", "message", "evidence"):
            assert key in f
    # a planted catalog gap is reported with the file, sheet and row
    basis = [
        f
        for f in data["findings"]
        if f["rule"] == "NAT-CAT-004" and f["unit"] == "市民政局" and f["status"] == "fail"
    ]
    assert basis and basis[0]["evidence"][0]["location"] == "catalogs/市民政局主动公开事项目录.xlsx:社会救助!13"
    # the compliant unit has no failing catalog finding
    health = [f for f in data["findings"] if f["unit"] == "市卫生健康局" and f["check"].startswith("catalog.")]
    assert health and not [f for f in health if f["status"] == "fail"]


def test_check_timings_lists_each_phase_and_keeps_the_result(tmp_path):
    import re

    out = tmp_path / "r.json"
    proc = run("check", "--format", "json", "--output", str(out), "--timings", "--unit", "市民政局")
    assert proc.returncode == 1, proc.stderr  # the same exit code as without --timings
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("用时："), line
    phases = [re.fullmatch(r"(.+) (\d+\.\d) 秒", part).groups() for part in line.removeprefix("用时：").split("；")]
    assert [p[0] for p in phases] == ["读取配置和规则", "准备证据", "检查 1 个单位", "豁免、基线和计分", "输出结果", "合计"]
    total = float(phases[-1][1])
    assert sum(float(p[1]) for p in phases[:-1]) <= total + 0.5
    assert json.loads(out.read_text(encoding="utf-8"))["units"][0]["name"] == "市民政局"
    plain = run("check", "--format", "json", "--output", str(tmp_path / "p.json"), "--unit", "市民政局")
    assert "用时：" not in plain.stderr


def test_validate_names_real_rows_and_fails_on_errors():
    proc = run("validate", "catalogs/市民政局主动公开事项目录.xlsx", "--unit", "民政局")
    assert proc.returncode == 1
    assert "第13行" in proc.stdout and "相关规定" in proc.stdout
    assert "临时救助" in proc.stdout


def test_validate_clean_catalog_passes_with_fail_on_error():
    proc = run("validate", "catalogs/市卫生健康局.yaml", "--unit", "市卫生健康局", "--fail-on", "error")
    assert proc.returncode == 0, proc.stdout


def test_rules_coverage_lists_all_53_tasks():
    proc = run("rules", "coverage")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "覆盖 53/53 项任务" in proc.stdout
    for n in (1, 17, 36, 53):
        assert f"\n│ {n:<2}" in proc.stdout or f"│ {n} " in proc.stdout


def test_rules_show_prints_kind_documentation():
    proc = run("rules", "show", "catalog.has_item")
    assert proc.returncode == 0
    assert "参数" in proc.stdout
    proc = run("rules", "show", "ZC24-T17-standards")
    assert proc.returncode == 0 and "市民政局" in proc.stdout and "社会救助暂行办法" in proc.stdout


def test_rules_test_runs_all_cases():
    proc = run("rules", "test", timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "失败 0 个" in proc.stdout


def test_broken_rule_file_exit_2_one_line(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "zoucheng-2024", pack)
    shutil.copytree(ROOT / "rules" / "national", tmp_path / "national")
    (pack / "broken.yaml").write_text("rules:\n  - id: X\n    title: [\n", encoding="utf-8")
    proc = run("check", "--rules", str(pack), "--catalogs", str(ROOT / "catalogs"))
    assert_clean_error(proc, "broken.yaml", "YAML 格式错误")


def test_unknown_check_kind_names_file_and_rule(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "zoucheng-2024", pack)
    shutil.copytree(ROOT / "rules" / "national", tmp_path / "national")
    (pack / "extra.yaml").write_text(
        "rules:\n  - {id: X-1, title: t, units: [all], check: catalog.nonexistent}\n", encoding="utf-8"
    )
    proc = run("rules", "list", "--rules", str(pack))
    assert_clean_error(proc, "extra.yaml", "X-1", "未知的检查类型")


def test_broken_catalog_exit_2_and_names_file(tmp_path):
    bad = tmp_path / "市民政局目录.xlsx"
    bad.write_bytes(b"this is not a zip file")
    proc = run("validate", str(bad), "--unit", "市民政局")
    assert_clean_error(proc, "市民政局目录.xlsx")


def test_broken_catalog_in_check_is_reported_and_others_still_audited(tmp_path):
    cats = tmp_path / "catalogs"
    shutil.copytree(ROOT / "catalogs", cats)
    (cats / "市民政局主动公开事项目录.xlsx").write_bytes(b"PK\x03\x04 broken")
    out = tmp_path / "r.json"
    proc = run("check", "--catalogs", str(cats), "--format", "json", "--output", str(out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "市民政局主动公开事项目录.xlsx" in proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    mz = [f for f in data["findings"] if f["unit"] == "市民政局" and f["check"].startswith("catalog.")]
    # an unreadable catalog is never reported as a missing one
    assert mz and all(f["status"] != "fail" for f in mz if f["check"] == "catalog.exists")
    assert [f for f in data["findings"] if f["unit"] == "市卫生健康局"]


def test_unknown_unit_and_bad_usage_exit_2():
    assert_clean_error(run("check", "--unit", "市公安局"), "市公安局")
    proc = run("check", "--format", "pdf")
    assert_clean_error(proc, "pdf")
    proc = run("frobnicate")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_fail_on_never_prints_everything_and_exits_0():
    proc = run("check", "--fail-on", "never")
    assert proc.returncode == 0
    assert "不通过" in proc.stdout


def test_crawl_takes_the_unit_names_an_audit_takes(tmp_path):
    """`gkcheck crawl --unit` with a gkcheck.yaml reads its pack's names: an alias
    (邹城市民政局) picks the unit the sites config calls 市民政局, and only it is crawled."""
    import sqlite3

    db = tmp_path / "one.db"
    proc = run("crawl", "--unit", "邹城市民政局", "--store", str(db), "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with sqlite3.connect(db) as conn:
        units = {u for (u,) in conn.execute("SELECT DISTINCT unit FROM columns")}
    assert units == {"市民政局"}
    # a plain sites config has no pack: names as written there, and a clean error otherwise
    proc = run("crawl", "fixtures/sites.yaml", "--unit", "邹城市民政局", "--base", "http://127.0.0.1:9", "--store", str(tmp_path / "x.db"), "-q")
    assert_clean_error(proc, "邹城市民政局", "不在网站栏目配置中")
