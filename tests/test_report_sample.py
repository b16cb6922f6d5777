"""A synthetic AuditResult for the report tests (imported by the other test_report_* files).

Outside data is hostile on purpose: a crawled post titled <script>alert(1)</script>,
catalog values that a spreadsheet would run as formulas, a javascript: link.
"""

from __future__ import annotations

import datetime as dt

from gkcheck.model import AuditResult, EvidenceRef, Finding, UnitSummary

SCRIPT_TITLE = "<script>alert(1)</script>"
FORMULA_VALUES = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]
EVIL_URL = "javascript:alert(2)"

RULES = [
    {
        "id": "ZC24-T17-standards",
        "title": "动态调整并公开社会救助标准",
        "severity": "error",
        "weight": 3.0,
        "check": "standards.published",
        "tasks": [17],
        "basis": "《社会救助暂行办法》",
        "fix": "在“社会救助”栏目发布本年度调整后的标准，注明金额和执行日期",
        "manual": False,
    },
    {
        "id": "NAT-catalog-items",
        "title": "主动公开目录包含法定事项",
        "severity": "error",
        "weight": None,
        "check": "catalog.has_item",
        "tasks": [19],
        "basis": "《政府信息公开条例》第二十条",
        "fix": "在主动公开事项目录中补充该事项",
        "manual": False,
    },
    {
        "id": "NAT-column-fresh",
        "title": "栏目按时更新",
        "severity": "warning",
        "weight": 2.0,
        "check": "column.fresh",
        "tasks": [1, 2],
        "basis": "国办秘函〔2019〕19号",
        "fix": "及时更新栏目内容",
        "manual": False,
    },
    {
        "id": "ZC24-G1-meeting",
        "title": "每年至少召开1次政务公开专题会议",
        "severity": "info",
        "weight": 1.0,
        "check": "ledger.count",
        "tasks": [],
        "requirements": ["G1"],
        "basis": "邹政办字〔2024〕8号",
        "fix": "召开专题会议并记入台账",
        "manual": False,
    },
    {
        "id": "ZC24-T36-interp",
        "title": "政策文件与解读同步发布",
        "severity": "warning",
        "weight": 2.0,
        "check": "interpretation.paired",
        "tasks": [36],
        "basis": "邹政办字〔2024〕8号",
        "fix": "补发政策解读",
        "manual": False,
    },
]

TASKS = [
    {
        "number": 1,
        "section": "一、以高质量公开助推重点工作落实",
        "group": "（一）以公开助推高水平开放、高质量招商引资",
        "requirement": "围绕“深化大开放、拓展大招商”做好信息发布工作",
        "deadline": "2024-12-31",
        "deadline_text": "12月底前",
        "lead": ["市发展和改革局"],
        "cooperating": [],
    },
    {
        "number": 2,
        "section": "一、以高质量公开助推重点工作落实",
        "group": "（一）以公开助推高水平开放、高质量招商引资",
        "requirement": "加大支持民间投资发展政策举措宣传发布力度",
        "deadline": "2024-12-31",
        "deadline_text": "12月底前",
        "lead": ["市发展和改革局"],
        "cooperating": [],
    },
    {
        "number": 17,
        "section": "一、以高质量公开助推重点工作落实",
        "group": "（三）以公开助推人民群众生活品质提高",
        "requirement": "动态调整并公开社会救助标准",
        "deadline": "2024-12-31",
        "deadline_text": "12月底前",
        "lead": ["市民政局"],
        "cooperating": [],
    },
    {
        "number": 19,
        "section": "一、以高质量公开助推重点工作落实",
        "group": "（四）以公开助推监管效能提升",
        "requirement": "做好政府部门权责清单和机构职能信息的调整和公开工作",
        "deadline": "2024-12-31",
        "deadline_text": "12月底前",
        "lead": ["市政府各部门"],
        "cooperating": [],
    },
    {
        "number": 36,
        "section": "三、持续加强政策解读",
        "group": "（八）提升政策解读质效",
        "requirement": "政策文件与解读材料同步组织、同步审签、同步部署",
        "deadline": "2024-06-30",
        "deadline_text": "6月底前",
        "lead": ["市政府各部门"],
        "cooperating": [],
    },
]


def catalog_ev(
    row: int, title: str, quote: str | None = None, file: str = "catalogs/民政局.xlsx"
) -> EvidenceRef:
    return EvidenceRef(
        source="catalog",
        location=f"{file}:目录!{row}",
        file=file,
        sheet="目录",
        row=row,
        title=title,
        quote=quote,
    )


def web_ev(url: str, title: str, date: dt.date | None = None) -> EvidenceRef:
    return EvidenceRef(source="web", location=url, url=url, title=title, date=date)


def finding(unit_id: str, unit: str, rule: str, status: str, message: str, **kw) -> Finding:
    r = next(r for r in RULES if r["id"] == rule)
    return Finding(
        rule=rule,
        check=r["check"],
        title=r["title"],
        unit=unit,
        unit_id=unit_id,
        status=status,
        severity=kw.pop("severity", r["severity"]),
        tasks=kw.pop("tasks", list(r["tasks"])),
        requirements=kw.pop("requirements", list(r.get("requirements", []))),
        message=message,
        fix=kw.pop("fix", r["fix"]),
        basis=r["basis"],
        **kw,
    )


def make_findings() -> list[Finding]:
    mz, fg, gs, tj = ("mzj", "市民政局"), ("fgj", "市发展和改革局"), ("gsjd", "钢山街道"), ("tjj", "市统计局")
    return [
        finding(
            *mz,
            "ZC24-T17-standards",
            "fail",
            "未找到2024年调整后的农村低保标准",
            evidence=[web_ev("http://127.0.0.1:8765/shjz/art/1.html", SCRIPT_TITLE, dt.date(2024, 6, 1))],
            record="农村低保标准",
        ),
        finding(
            *mz,
            "NAT-catalog-items",
            "fail",
            "目录缺少“最低生活保障标准”",
            evidence=[catalog_ev(12, FORMULA_VALUES[0], quote="@SUM(A1)")],
            record="最低生活保障标准",
        ),
        finding(
            *mz,
            "NAT-catalog-items",
            "pass",
            "目录包含“特困人员救助供养”",
            evidence=[catalog_ev(13, "特困人员救助供养")],
            record="特困人员救助供养",
        ),
        finding(
            *mz,
            "NAT-column-fresh",
            "warn",
            "“社会救助”栏目最近更新于 2024-07-02，已超过5个月",
            evidence=[web_ev(EVIL_URL, "社会救助")],
            record="社会救助",
        ),
        finding(
            *mz,
            "ZC24-G1-meeting",
            "pass",
            "台账记有专题会议 1 次",
            evidence=[
                EvidenceRef(
                    source="ledger",
                    location="ledger/民政局.yaml",
                    file="ledger/民政局.yaml",
                    row=3,
                    title="政务公开专题会议",
                    date=dt.date(2024, 5, 1),
                )
            ],
        ),
        finding(
            *fg,
            "NAT-catalog-items",
            "fail",
            "目录缺少“政府定价目录”",
            evidence=[catalog_ev(5, FORMULA_VALUES[1], file="catalogs/发改局.xlsx")],
            record="政府定价目录",
        ),
        finding(
            *fg,
            "NAT-column-fresh",
            "pass",
            "栏目按时更新",
            evidence=[web_ev("http://127.0.0.1:8765/fgj/", "政策文件")],
            record="政策文件",
        ),
        finding(
            *fg,
            "ZC24-T36-interp",
            "fail",
            FORMULA_VALUES[2],
            evidence=[catalog_ev(7, "解读", quote=FORMULA_VALUES[3], file="catalogs/发改局.xlsx")],
            record="关于促进民间投资的若干措施",
        ),
        finding(
            *gs,
            "NAT-column-fresh",
            "unknown",
            "无法核验：栏目抓取失败（连接被拒绝）",
            evidence=[web_ev("http://127.0.0.1:9/col/", "政务动态")],
            record="政务动态",
        ),
        finding(*gs, "ZC24-G1-meeting", "pass", "台账记有专题会议 2 次"),
        finding(*tj, "NAT-catalog-items", "unknown", "无法核验：未提供主动公开目录"),
    ]


def make_result(**kw) -> AuditResult:
    units = [
        UnitSummary(id="mzj", name="市民政局"),
        UnitSummary(id="fgj", name="市发展和改革局"),
        UnitSummary(id="gsjd", name="钢山街道", kind="town"),
        UnitSummary(id="tjj", name="市统计局"),
    ]
    data = dict(
        version="0.1.0",
        pack="zoucheng-2024",
        pack_name="2024年邹城市政务公开工作要点",
        plan_year=2024,
        as_of=dt.date(2024, 12, 31),
        generated_at=dt.datetime(2025, 1, 2, 9, 30),
        units=units,
        findings=make_findings(),
        tasks=TASKS,
        rules=RULES,
        requirements=[{"id": "G1", "title": "加强组织领导", "text": "各镇街、部门每年至少召开1次专题会议"}],
        errors=["抓取失败：http://127.0.0.1:9/col/（连接被拒绝），钢山街道“政务动态”记为无法核验"],
    )
    data.update(kw)
    return AuditResult(**data)


def test_sample_is_consistent():
    r = make_result()
    assert r.counts() == {"pass": 4, "fail": 4, "warn": 1, "unknown": 2, "waived": 0}
    assert {f.unit_id for f in r.findings} == {u.id for u in r.units}
