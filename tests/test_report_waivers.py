"""Waivers: loading with Chinese errors, matching, expiry, unmatched, record-specific."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from test_report_sample import make_result

from gkcheck.errors import ConfigError
from gkcheck.report import exit_code, render
from gkcheck.report.scores import score_units
from gkcheck.report.waivers import Waiver, apply_waivers, load_waivers

TODAY = dt.date(2025, 1, 2)


def w(rule="NAT-catalog-items", unit="mzj", record=None, expires=dt.date(2025, 3, 31), reason="目录正在修订"):
    return Waiver(rule=rule, unit=unit, record=record, reason=reason, owner="张三", expires=expires)


def by(result, unit_id, rule):
    return [f for f in result.findings if f.unit_id == unit_id and f.rule == rule]


# ---------------------------------------------------------------- loading


def test_load_waivers_list_and_mapping(tmp_path):
    p = tmp_path / "waivers.yaml"
    p.write_text(
        "- rule: NAT-catalog-items\n  unit: 市民政局\n  record: 最低生活保障标准\n  reason: 目录正在修订\n"
        "  owner: 张三\n  expires: 2025-03-31\n",
        encoding="utf-8",
    )
    [one] = load_waivers(p)
    assert (one.rule, one.unit, one.record, one.expires) == (
        "NAT-catalog-items",
        "市民政局",
        "最低生活保障标准",
        dt.date(2025, 3, 31),
    )
    q = tmp_path / "w2.yaml"
    q.write_text(
        "waivers:\n  - {rule: R, unit: u, reason: r, owner: o, expires: 2025-01-01}\n", encoding="utf-8"
    )
    assert [x.rule for x in load_waivers(q)] == ["R"]
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert load_waivers(empty) == []


@pytest.mark.parametrize(
    "text, fragment",
    [
        (
            "- {rule: R, unit: u, reason: r, owner: o, expires: 2025-01-01}\n- {rule: R, unit: u, owner: o, expires: 2025-01-01}\n",
            "第2条豁免: 缺少必填字段“reason”",
        ),
        ("- {rule: R, unit: u, reason: r, owner: o, expires: 明年}\n", "第1条豁免: 字段“expires”应为日期"),
        (
            "- {rule: R, unit: u, reason: '  ', owner: o, expires: 2025-01-01}\n",
            "第1条豁免: 字段“reason”取值无效（不能为空）",
        ),
        (
            "- {rule: R, unit: u, reason: r, owner: o, expires: 2025-01-01, until: x}\n",
            "第1条豁免: 未知字段“until”",
        ),
        ("- just a string\n", "第1条豁免: 应为键值映射"),
        ("rule: R\nunit: u\n", "豁免文件应为列表"),
        ("- {rule: R\n", "第"),
    ],
)
def test_load_waivers_errors_name_file_and_entry(tmp_path, text, fragment):
    p = tmp_path / "豁免.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_waivers(p)
    assert str(p) in exc.value.render()
    assert fragment in exc.value.render()


def test_load_waivers_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="文件不存在"):
        load_waivers(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- applying


def test_matching_waiver_marks_findings_waived_and_never_fails():
    r = make_result()
    out = apply_waivers(r, [w(unit="市民政局"), w(unit="fgj")], TODAY)
    statuses = {f.record: f.status for f in by(out, "mzj", "NAT-catalog-items")}
    assert statuses == {"最低生活保障标准": "waived", "特困人员救助供养": "pass"}
    waived = next(f for f in out.findings if f.status == "waived" and f.unit_id == "mzj")
    assert waived.waiver == {
        "reason": "目录正在修订",
        "owner": "张三",
        "expires": "2025-03-31",
        "record": None,
    }
    assert out.units[0].counts["waived"] == 1 and out.units[0].counts["fail"] == 1
    assert out.counts()["waived"] == 2
    assert out.notes == []
    assert r.counts()["waived"] == 0  # input untouched
    # the remaining errors are T17 (mzj) and T36 (fgj, severity warning)
    assert exit_code(out, "error") == 1
    only = apply_waivers(r, [w(), w(unit="fgj"), w(rule="ZC24-T17-standards")], TODAY)
    assert exit_code(only, "error") == 0
    assert exit_code(only, "warning") == 1


def test_waiver_is_reported_with_its_reason_and_counted_apart():
    out = score_units(apply_waivers(make_result(), [w()], TODAY))
    text = render(out, "text").decode()
    assert "免 已豁免 [严重] 任务19  NAT-catalog-items" in text
    assert "豁免：目录正在修订（张三，有效期至 2025-03-31）" in text
    assert "已豁免 1" in text.splitlines()[-1]
    # scoring leaves the waived rule outcome out: mzj keeps T17 fail(3) + catalog pass(3) + warn(2) + G1 pass(1)
    assert out.units[0].score == round(100 * (0 + 3 + 1 + 1) / 9, 1)
    root = ET.fromstring(render(out, "junit"))
    case = next(
        c
        for c in root.iter("testcase")
        if c.get("classname") == "市民政局" and c.get("name").startswith("NAT-catalog")
    )
    assert case.find("failure") is None and case.find("skipped") is None  # pass + waived -> pass
    assert "目录正在修订" in render(out, "html").decode()


def test_waiver_on_the_day_of_expiry_still_applies():
    out = apply_waivers(make_result(), [w(expires=TODAY)], TODAY)
    assert any(f.status == "waived" for f in out.findings)


def test_expired_waiver_stops_applying_and_says_so():
    out = apply_waivers(make_result(), [w(expires=dt.date(2024, 12, 31))], TODAY)
    f = next(f for f in by(out, "mzj", "NAT-catalog-items") if f.record == "最低生活保障标准")
    assert f.status == "fail"
    assert f.waiver["expired"] is True
    assert out.counts()["waived"] == 0
    assert len(out.notes) == 1 and out.notes[0].startswith(
        "豁免已过期：规则 NAT-catalog-items、单位“mzj”的豁免已于 2024-12-31 到期"
    )
    assert "1 项问题照常计入" in out.notes[0]
    assert exit_code(out, "error") == 1
    assert "豁免已于 2024-12-31 过期，不再适用" in render(out, "text").decode()


def test_unmatched_waivers_are_reported():
    out = apply_waivers(
        make_result(),
        [
            w(rule="NO-SUCH-RULE"),
            w(unit="nobody"),
            w(rule="ZC24-G1-meeting"),  # only a pass finding: nothing to waive
            w(record="不存在的事项"),
        ],
        TODAY,
    )
    assert out.counts()["waived"] == 0
    assert out.notes == [
        "豁免未匹配任何问题：规则 NO-SUCH-RULE、单位“mzj”（规则不存在），如问题已整改请删除该豁免",
        "豁免未匹配任何问题：规则 NAT-catalog-items、单位“nobody”（单位不存在），如问题已整改请删除该豁免",
        "豁免未匹配任何问题：规则 ZC24-G1-meeting、单位“mzj”，如问题已整改请删除该豁免",
        "豁免未匹配任何问题：规则 NAT-catalog-items、单位“mzj”、记录“不存在的事项”，如问题已整改请删除该豁免",
    ]


def test_record_specific_waiver_leaves_other_records_alone():
    r = make_result()
    extra = r.findings[1].model_copy(update={"record": "临时救助标准", "message": "目录缺少“临时救助标准”"})
    r.findings.append(extra)
    out = apply_waivers(r, [w(record="最低生活保障标准")], TODAY)
    statuses = {f.record: f.status for f in by(out, "mzj", "NAT-catalog-items")}
    assert statuses == {"最低生活保障标准": "waived", "特困人员救助供养": "pass", "临时救助标准": "fail"}
    assert out.findings[1].waiver["record"] == "最低生活保障标准"
