"""Baselines: only new problems count; what the baseline hid is listed as such."""

from __future__ import annotations

import json

import pytest
from test_report_sample import catalog_ev, finding, make_result, web_ev

from gkcheck.errors import ConfigError
from gkcheck.report import exit_code, render
from gkcheck.report.baseline import apply_baseline, finding_key, write_baseline
from gkcheck.report.scores import score_units


@pytest.fixture
def baseline(tmp_path):
    path = tmp_path / "baseline.json"
    assert write_baseline(make_result(), path) == 5  # 4 fail + 1 warn
    return path


def test_baseline_file_lists_problems_by_key(baseline):
    doc = json.loads(baseline.read_text(encoding="utf-8"))
    assert doc["schema"] == "gkcheck.baseline/1"
    keys = [(e["unit_id"], e["rule"], e["source"], e["record"]) for e in doc["findings"]]
    assert keys == sorted(keys)
    assert ("mzj", "NAT-catalog-items", "catalog", "最低生活保障标准") in keys
    assert ("mzj", "ZC24-T17-standards", "web", "农村低保标准") in keys
    assert all(e["status"] in ("fail", "warn") for e in doc["findings"])


def test_same_run_against_its_baseline_has_nothing_new(baseline):
    r = make_result()
    assert exit_code(r, "error") == 1
    out, hidden = apply_baseline(r, baseline)
    assert len(hidden) == 5 and out.baseline_hidden == hidden
    assert {f.status for f in out.findings} == {"pass", "unknown"}
    assert exit_code(out, "error") == 0 and exit_code(out, "warning") == 0
    assert out.notes == [f"基线（{baseline}）：已有问题 5 项未计入，新问题 0 项"]
    assert out.units[0].counts["fail"] == 0
    text = render(score_units(out), "text").decode()
    assert "基线中已有，未计入（5 项）：" in text
    assert "不通过 市民政局 ZC24-T17-standards 未找到2024年调整后的农村低保标准" in text
    mz = text[text.index("■ 市民政局") : text.index("■ 市发展和改革局")]
    assert "没有新问题（基线中已有的 3 项问题见“基线中已有，未计入”）。" in mz
    assert "没有新问题（基线中已有的 2 项问题" in render(out, "md").decode()
    assert "基线中已有，未计入（5 项）" in render(out, "html").decode()
    assert "基线中已有，未计入（5 项）" in render(out, "md").decode()


def test_new_problems_fail_and_old_ones_stay_hidden(baseline):
    r = make_result()
    # same unit and rule, another record: new
    r.findings.append(
        finding(
            "mzj",
            "市民政局",
            "NAT-catalog-items",
            "fail",
            "目录缺少“临时救助标准”",
            evidence=[catalog_ev(14, "临时救助标准")],
            record="临时救助标准",
        )
    )
    # same unit, rule and record, but the evidence now comes from the web: new
    r.findings.append(
        finding(
            "fgj",
            "市发展和改革局",
            "NAT-catalog-items",
            "fail",
            "网页未见政府定价目录",
            evidence=[web_ev("http://127.0.0.1:8765/fgj/dj/", "价格")],
            record="政府定价目录",
        )
    )
    # an old problem whose catalog row moved: still the same problem
    r.findings[1] = r.findings[1].model_copy(update={"evidence": [catalog_ev(40, "最低生活保障标准")]})
    out, hidden = apply_baseline(r, baseline)
    new = [(f.unit_id, f.record) for f in out.findings if f.status in ("fail", "warn")]
    assert new == [("mzj", "临时救助标准"), ("fgj", "政府定价目录")]
    assert len(hidden) == 5
    assert exit_code(out, "error") == 1
    assert out.notes[0].endswith("已有问题 5 项未计入，新问题 2 项")


def test_fixed_problems_are_noted(baseline):
    r = make_result()
    r.findings = [f for f in r.findings if f.rule != "ZC24-T17-standards"]
    out, hidden = apply_baseline(r, baseline)
    assert len(hidden) == 4
    assert out.notes[1] == "基线中有 1 项问题本次未再出现（已整改或不再适用），可重新生成基线"


def test_findings_without_record_are_counted_not_collapsed(tmp_path):
    r = make_result()
    r.findings = [finding("tjj", "市统计局", "NAT-catalog-items", "fail", "目录为空")]
    path = tmp_path / "b.json"
    write_baseline(r, path)
    r.findings.append(finding("tjj", "市统计局", "NAT-catalog-items", "fail", "目录为空（第二份）"))
    assert finding_key(r.findings[0]) == finding_key(r.findings[1])
    out, hidden = apply_baseline(r, path)
    assert [f.message for f in hidden] == ["目录为空"]
    assert [f.message for f in out.findings] == ["目录为空（第二份）"]


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("{not json", "基线文件不是有效的 JSON"),
        ('{"schema": "gkcheck.audit/1", "findings": []}', "不是 gkcheck 基线文件"),
        (
            '{"schema": "gkcheck.baseline/1", "findings": [{"rule": "R"}]}',
            "findings 第1项: 应含 unit_id 和 rule",
        ),
    ],
)
def test_bad_baseline_files(tmp_path, content, fragment):
    p = tmp_path / "基线.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        apply_baseline(make_result(), p)
    assert str(p) in exc.value.render() and fragment in exc.value.render()
    with pytest.raises(ConfigError, match="基线文件不存在"):
        apply_baseline(make_result(), tmp_path / "missing.json")


def test_baseline_hides_from_the_report_but_not_from_scores_and_matrix(baseline):
    from bs4 import BeautifulSoup

    full = score_units(make_result())
    out, _ = apply_baseline(make_result(), baseline)
    out = score_units(out)
    assert [u.score for u in out.units] == [u.score for u in full.units] == [22.2, 28.6, 100.0, None]
    assert out.units[0].counts["fail"] == 0 and full.units[0].counts["fail"] == 2
    soup = BeautifulSoup(render(out, "html"), "lxml")
    row = next(
        tr
        for tr in soup.find("table", class_="matrix").tbody.find_all("tr")
        if tr.th.get_text() == "市民政局"
    )
    t17 = row.find_all("td")[3]
    assert t17["class"][1] == "s-fail"
    assert "其中1项为基线中已有的问题" in t17["title"]


def test_a_waived_problem_still_in_the_baseline_is_not_counted_as_fixed(baseline):
    import datetime as dt

    from gkcheck.report.waivers import Waiver, apply_waivers

    waiver = Waiver(
        rule="ZC24-T17-standards", unit="mzj", reason="标准由市政府统一发布", owner="张三", expires=dt.date(2025, 6, 30)
    )
    r = apply_waivers(make_result(), [waiver], dt.date(2025, 1, 2))
    out, hidden = apply_baseline(r, baseline)
    assert len(hidden) == 4
    waived = [f for f in out.findings if f.status == "waived"]
    assert [(f.unit_id, f.rule) for f in waived] == [("mzj", "ZC24-T17-standards")]
    assert out.notes == [f"基线（{baseline}）：已有问题 4 项未计入，新问题 0 项"]
    # once the problem is gone for good, it is counted as fixed
    r.findings = [f for f in r.findings if f.rule != "ZC24-T17-standards"]
    out, _ = apply_baseline(r, baseline)
    assert out.notes[1] == "基线中有 1 项问题本次未再出现（已整改或不再适用），可重新生成基线"
