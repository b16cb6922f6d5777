"""`gkcheck report RESULT.json …` and exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from test_report_sample import finding, make_result

from gkcheck.errors import GkError
from gkcheck.report import exit_code, render
from gkcheck.report.cli import add_report_parser, run_report


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gkcheck")
    sub = parser.add_subparsers(dest="command")
    add_report_parser(sub)
    return parser.parse_args(["report", *argv])


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "result.json"
    path.write_bytes(render(make_result(), "json"))
    return path


def test_report_writes_several_formats(tmp_path, saved, capsys):
    out = tmp_path / "out"
    args = parse(str(saved), "--format", "html,xlsx", "-f", "junit", "--output-dir", str(out))
    assert args.func is run_report
    assert run_report(args) == 0
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "ledger.xlsx", "report.html"]
    printed = capsys.readouterr().out
    assert "已写入：" in printed and "report.html" in printed
    assert "不通过 4 · 提醒 1 · 无法核验 2 · 已豁免 0 · 通过 4" in printed
    wb = load_workbook(out / "ledger.xlsx")
    assert wb["汇总"]["D4"].value == 100  # scored on re-render: 钢山街道 first
    assert "市民政局" in wb.sheetnames


def test_report_text_to_terminal(saved, capsys):
    assert run_report(parse(str(saved), "--no-color")) == 0
    text = capsys.readouterr().out
    assert "■ 市民政局  得分 22.2  已核验 4/4  第3名" in text
    assert "■ 钢山街道  得分 100  已核验 1/2  第1名" in text
    assert "\x1b[" not in text


def test_report_single_format_to_stdout(saved, capsysbinary):
    assert run_report(parse(str(saved), "--format", "sarif")) == 0
    log = json.loads(capsysbinary.readouterr().out)
    assert log["version"] == "2.1.0"


def test_report_fail_on(saved):
    assert run_report(parse(str(saved), "--format", "json", "--fail-on", "error")) == 1
    assert run_report(parse(str(saved), "--format", "json", "--fail-on", "never")) == 0


def test_report_waivers_and_baseline(tmp_path, saved, capsys):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- {rule: ZC24-T17-standards, unit: 市民政局, reason: 市政府统一发布, owner: 张三, expires: 2025-03-31}\n",
        encoding="utf-8",
    )
    base = tmp_path / "baseline.json"
    args = parse(
        str(saved),
        "--format",
        "md",
        "-o",
        str(tmp_path / "a"),
        "--waivers",
        str(waivers),
        "--today",
        "2025-01-02",
        "--write-baseline",
        str(base),
    )
    assert run_report(args) == 0
    assert (
        len(json.loads(base.read_text(encoding="utf-8"))["findings"]) == 4
    )  # the waived one is not a problem
    md = (tmp_path / "a" / "report.md").read_text(encoding="utf-8")
    assert "豁免：市政府统一发布" in md
    args = parse(
        str(saved),
        "--format",
        "text",
        "--baseline",
        str(base),
        "--fail-on",
        "error",
        "--waivers",
        str(waivers),
        "--today",
        "2025-01-02",
    )
    assert run_report(args) == 0
    text = capsys.readouterr().out
    assert "基线中已有，未计入（4 项）" in text
    # after the waiver expires, the T17 problem is new again
    args.today = dt.date(2025, 4, 1)
    assert run_report(args) == 1
    assert "豁免已过期" in capsys.readouterr().out


def test_report_several_formats_need_an_output_dir(saved):
    with pytest.raises(GkError, match="--output-dir"):
        run_report(parse(str(saved), "--format", "html,md"))


def test_report_unknown_format(saved):
    with pytest.raises(GkError, match="未知的报告格式“pdf”"):
        run_report(parse(str(saved), "--format", "pdf"))


def test_report_bad_date_is_an_argparse_error(saved, capsys):
    with pytest.raises(SystemExit):
        parse(str(saved), "--today", "明天")
    assert "应为日期（如 2024-12-31）" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"{oops", "不是有效的 JSON"),
        (b"[1, 2]", "不是 gkcheck 检查结果"),
        (
            b'{"schema": "gkcheck.audit/2", "pack": "p", "as_of": "2024-12-31"}',
            "结果格式版本 gkcheck.audit/2 与本工具支持的 gkcheck.audit/1 不同",
        ),
        (b'{"schema": "sarif", "pack": "p"}', "schema 为“sarif”"),
        (b'{"schema": "gkcheck.audit/1", "pack": "p", "as_of": "yesterday"}', "字段“as_of”应为日期"),
        (b'{"schema": "gkcheck.audit/1", "as_of": "2024-12-31"}', "缺少必填字段“pack”"),
        ("\ufeff{bad".encode("utf-16"), "不是 UTF-8"),
    ],
)
def test_report_bad_result_files(tmp_path, content, fragment):
    p = tmp_path / "结果.json"
    p.write_bytes(content)
    with pytest.raises(GkError) as exc:
        run_report(parse(str(p)))
    assert str(p) in exc.value.render()
    assert fragment in exc.value.render()


def test_report_missing_result_file(tmp_path):
    with pytest.raises(GkError, match="结果文件不存在"):
        run_report(parse(str(tmp_path / "none.json")))


# ---------------------------------------------------------------- exit codes


def _only(*findings):
    r = make_result()
    r.findings = list(findings)
    return r


def test_exit_codes_follow_levels():
    err_fail = finding("mzj", "市民政局", "NAT-catalog-items", "fail", "x")
    warn_rule_fail = finding("mzj", "市民政局", "NAT-column-fresh", "fail", "x")  # severity warning
    info_fail = finding("mzj", "市民政局", "ZC24-G1-meeting", "fail", "x")  # severity info
    err_warn = finding("mzj", "市民政局", "NAT-catalog-items", "warn", "x")
    unknown = finding("mzj", "市民政局", "NAT-catalog-items", "unknown", "x")
    waived = finding("mzj", "市民政局", "NAT-catalog-items", "waived", "x")
    cases = [
        ((err_fail,), {"error": 1, "warning": 1, "never": 0}),
        ((warn_rule_fail,), {"error": 0, "warning": 1, "never": 0}),
        ((info_fail,), {"error": 0, "warning": 0, "never": 0}),
        ((err_warn,), {"error": 0, "warning": 1, "never": 0}),
        ((unknown, waived), {"error": 0, "warning": 0, "never": 0}),
        ((), {"error": 0, "warning": 0, "never": 0}),
    ]
    for findings, expected in cases:
        r = _only(*findings)
        assert {k: exit_code(r, k) for k in expected} == expected, findings


def test_exit_code_rejects_unknown_threshold():
    with pytest.raises(GkError, match="--fail-on 取值应为 error | warning | never"):
        exit_code(make_result(), "fatal")
