"""Write the demo xlsx catalogs in catalogs/ the way units really publish them.

    python tools/make_demo_catalogs.py [--out catalogs]

Three layouts:
- 市民政局主动公开事项目录.xlsx: the State Council's 基层政务公开标准目录 table (title
  row, unit/date line, two header rows with merged parents, "√" marks, 一级事项
  merged down, a blank row and a note row merged across the table).
- 市人力资源和社会保障局.xlsx: a variant without title row (公开内容(要素) in half-width
  parentheses, 公开渠道, sub-headers 特定群众 and 依申请公开) and a second sheet of
  filling instructions without a header.
- 钢山街道.xlsx: a township (乡级) catalog whose channels are a ■/□ checklist and
  whose rows carry an 更新日期 date cell.

The planted gaps (a missing 办事指南, 公开依据 "相关规定", a blank 公开时限, a
duplicate row, 公开时限 "及时", a row without any 公开方式 mark …) are deliberate:
the demo audit must find them.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

TIAOLI = "《中华人民共和国政府信息公开条例》"
JIUZHU = "《社会救助暂行办法》（国务院令第649号）"
DIBAO = "《最低生活保障审核确认办法》（民发〔2021〕57号）"
TEKUN = "《特困人员认定办法》（民发〔2021〕43号）"
LINSHI = "《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）"
JIUYE = "《中华人民共和国就业促进法》"
JIUYE_GL = "《就业服务与就业管理规定》（劳动和社会保障部令第28号）"
BUZHU = "《就业补助资金管理办法》（财社〔2017〕164号）"
T20 = "信息形成或者变更之日起20个工作日内"
T10 = "信息形成或变更之日起10个工作日内"
GS7 = "审核后公示7个工作日"

CHANNELS = (
    "政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点",
    "政务服务中心", "便民服务站", "入户/现场", "社区/企事业单位/村公示栏（电子屏）", "精准推送", "其他",
)


@dataclass
class Row:
    level1: str
    level2: str
    content: str
    basis: str
    time_limit: str
    subject: str
    channels: str
    audience: tuple[str, ...] = ("全社会",)
    mode: tuple[str, ...] = ("主动",)
    level: tuple[str, ...] = ("县级",)
    note: str = ""
    updated: dt.date | None = None


@dataclass
class Layout:
    """Header texts of one catalog layout."""

    content: str = "公开内容（要素）"
    channels: str = "公开渠道和载体"
    audience: tuple[str, str] = ("全社会", "特定群体")
    mode: tuple[str, str] = ("主动", "依申请")
    level: tuple[str, str] = ("县级", "乡级")
    note_column: bool = True
    updated_column: bool = False


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_table(ws: Worksheet, first_row: int, rows: list[Row], layout: Layout) -> int:
    """Write the two header rows at `first_row` and the items below; return the next free row."""
    top = ["序号", "公开事项", "", layout.content, "公开依据", "公开时限", "公开主体", layout.channels,
           "公开对象", "", "公开方式", "", "公开层级", ""]
    sub = ["", "一级事项", "二级事项", "", "", "", "", "", *layout.audience, *layout.mode, *layout.level]
    if layout.updated_column:
        top.append("更新日期")
        sub.append("")
    if layout.note_column:
        top.append("备注")
        sub.append("")
    width = len(top)
    h1, h2 = first_row, first_row + 1
    for c, (a, b) in enumerate(zip(top, sub), start=1):
        for r, text in ((h1, a), (h2, b)):
            cell = ws.cell(r, c, text or None)
            cell.font = Font(bold=True)
            cell.alignment = CENTER
            cell.border = BOX
        if a and not b:  # a single column header spans both header rows
            ws.merge_cells(start_row=h1, start_column=c, end_row=h2, end_column=c)
    for c in (2, 9, 11, 13):  # 公开事项, 公开对象, 公开方式, 公开层级 over their two sub-columns
        ws.merge_cells(start_row=h1, start_column=c, end_row=h1, end_column=c + 1)

    r = h2 + 1
    block_start = r
    for i, row in enumerate(rows, start=1):
        values = [i, row.level1, row.level2, row.content, row.basis, row.time_limit, row.subject,
                  row.channels]
        for options, chosen in ((layout.audience, row.audience), (layout.mode, row.mode),
                                (layout.level, row.level)):
            canonical = {"特定群众": "特定群体", "依申请公开": "依申请"}
            values += ["√" if canonical.get(o, o) in chosen else None for o in options]
        if layout.updated_column:
            values.append(row.updated)
        if layout.note_column:
            values.append(row.note or None)
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, v if v != "" else None)
            cell.alignment = CENTER if c in (1,) or c >= 9 else WRAP
            cell.border = BOX
            if isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
        # 一级事项 is merged down over its block (only the block's first row holds it).
        last = i == len(rows) or rows[i].level1 != row.level1
        if r > block_start:
            ws.cell(r, 2).value = None
        if last:
            if r > block_start:
                ws.merge_cells(start_row=block_start, start_column=2, end_row=r, end_column=2)
            block_start = r + 1
        r += 1
    widths = [6, 14, 16, 40, 36, 22, 18, 26, 7, 7, 7, 7, 7, 7, 12, 20]
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]
    return r


def title_rows(ws: Worksheet, title: str, width: int, unit_line: str, updated: object) -> None:
    ws.cell(1, 1, title).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(2, 1, unit_line)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    if isinstance(updated, str):
        ws.cell(2, width - 2, updated)
        ws.merge_cells(start_row=2, start_column=width - 2, end_row=2, end_column=width)
    else:
        ws.cell(2, width - 2, "更新日期")
        ws.cell(2, width - 1, updated).number_format = "yyyy年m月d日"


def note_row(ws: Worksheet, r: int, width: int, text: str) -> None:
    ws.cell(r, 1, text).alignment = WRAP
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.row_dimensions[r].height = 36


def minzheng_rows() -> list[Row]:
    site = "政府网站、政务新媒体、公开查阅点"
    bureau = "邹城市民政局"
    towns = "各镇人民政府（街道办事处）"
    approve = Row("最低生活保障", "审批信息", "低保对象名单（户主姓名、保障人数、保障金额）", DIBAO, T10,
                  bureau, "政府网站、村（居）务公开栏", note="公示时隐去身份证号码等个人隐私")
    return [
        Row("综合业务", "政策法规文件", "社会救助相关法律、法规、规章和规范性文件；政策解读", TIAOLI + JIUZHU,
            T20, bureau, site),
        Row("综合业务", "监督检查", "社会救助监督检查结果；投诉举报电话、通信地址、电子邮箱", JIUZHU, T10,
            bureau, "政府网站、政务服务中心", level=("县级", "乡级")),
        Row("综合业务", "社会救助服务热线", "社会救助服务热线号码及受理时间；12345政务服务便民热线", JIUZHU,
            "实时", bureau, "政府网站、政务服务中心、便民服务站", level=("县级", "乡级")),
        Row("最低生活保障", "政策法规文件", "最低生活保障相关政策文件及解读", JIUZHU + DIBAO, T20, bureau, site),
        Row("最低生活保障", "办事指南", "最低生活保障标准；申请条件；申请材料；办理流程；办理时限；咨询及监督电话",
            JIUZHU + DIBAO, T10, f"{bureau}、{towns}", "政府网站、政务服务中心、便民服务站",
            level=("县级", "乡级")),
        Row("最低生活保障", "审核信息", "初审对象名单（姓名、家庭人口、拟保障金额）", DIBAO, GS7, towns,
            "村（居）务公开栏", level=("乡级",), note="公示时隐去身份证号码等个人隐私"),
        approve,
        approve,  # planted: the same row twice
        Row("最低生活保障", "资金发放信息", "低保资金发放时间、发放总额、保障人数", "相关规定",
            "每季度结束后15个工作日内", bureau, "政府网站"),
        Row("最低生活保障", "动态管理信息", "低保对象增发、减发、停发情况", DIBAO, T10, bureau,
            "入户/现场", audience=("特定群体",)),
        Row("特困人员救助供养", "政策法规文件", "特困人员救助供养相关政策文件及解读", JIUZHU + TEKUN, T20,
            bureau, site),
        Row("特困人员救助供养", "办事指南", "救助供养标准（基本生活标准、照料护理标准）；申请条件；申请材料；"
            "办理流程；办理时限", JIUZHU + TEKUN, T10, f"{bureau}、{towns}",
            "政府网站、政务服务中心、便民服务站", level=("县级", "乡级")),
        Row("特困人员救助供养", "审核信息", "初审对象名单（姓名、供养方式）", TEKUN, GS7, towns,
            "村（居）务公开栏", level=("乡级",)),
        Row("特困人员救助供养", "审批信息", "特困人员名单（姓名、供养方式、供养标准）", TEKUN, T10, bureau,
            "政府网站、村（居）务公开栏"),
        Row("特困人员救助供养", "供养服务机构", "特困人员供养服务机构名称、地址、床位数、联系电话", TEKUN,
            "", bureau, "政府网站"),  # planted: blank 公开时限
        Row("临时救助", "政策法规文件", "临时救助相关政策文件及解读", JIUZHU + LINSHI, T20, bureau, site),
        # planted: no 临时救助 / 办事指南 row
        Row("临时救助", "审核审批信息", "救助对象名单（姓名）、救助金额、救助事由", JIUZHU + LINSHI, T10,
            f"{bureau}、{towns}", "政府网站、村（居）务公开栏", level=("县级", "乡级")),
    ]


def renshe_rows() -> list[Row]:
    bureau = "邹城市人力资源和社会保障局"
    web = "政府网站、两微一端"
    hall = "政府网站、政务服务中心、便民服务站"
    return [
        Row("就业信息服务", "就业政策法规咨询", "政策项目、对象范围、申请条件、申请材料、办理流程、办理地点、咨询电话",
            TIAOLI + JIUYE, T20, bureau, hall, level=("县级", "乡级")),
        Row("就业信息服务", "岗位信息发布", "招聘单位、岗位要求、福利待遇、招聘流程、应聘方式、咨询电话", JIUYE, "实时",
            bureau, "政府网站、两微一端、便民服务站", level=("县级", "乡级")),
        Row("就业信息服务", "职业培训信息发布", "职业培训机构名录、培训项目、培训补贴标准、报名方式",
            "《国务院关于推行终身职业技能培训制度的意见》（国发〔2018〕11号）", T20, bureau, web),
        Row("就业信息服务", "招聘会信息", "招聘会时间、地点、参会企业及岗位", JIUYE, "及时", bureau, web),  # planted
        Row("就业失业登记", "办事指南", "办理条件、所需材料、办理流程、办理时限", JIUYE_GL, T20, bureau, hall,
            level=("县级", "乡级")),
        Row("就业援助", "就业困难人员认定", "认定条件、认定程序、援助措施", JIUYE_GL, T20, bureau, hall,
            level=("县级", "乡级")),
        Row("创业服务", "创业担保贷款", "申请条件、贷款额度、贴息标准、办理流程",
            "《关于进一步做好创业担保贷款财政贴息工作的通知》（财金〔2020〕21号）", T20, bureau, web),
        Row("创业服务", "一次性创业补贴", "申领条件、补贴标准、申领材料、申领程序", BUZHU, T20, bureau, web),
        Row("高校毕业生就业服务", "就业见习", "见习单位、见习岗位、见习补贴标准、报名方式", BUZHU, T20, bureau, web),
        Row("公共就业服务专项活动", "活动信息", "春风行动、民营企业招聘月等专项活动的时间、地点、内容", JIUYE,
            "活动开始前5个工作日", bureau, web),
        Row("就业补贴", "补贴发放情况", "享受补贴人员（单位）名单、补贴类别、补贴金额", BUZHU,
            "每季度结束后10个工作日内", bureau, "政府网站", mode=()),  # planted: no 公开方式 mark
        Row("公共就业服务机构", "机构名录", "公共就业服务机构名称、地址、联系方式、服务内容", JIUYE, T20, bureau,
            "政府网站、政务服务中心", level=("县级", "乡级")),
    ]


def checklist(*ticked: str) -> str:
    return " ".join(("■" if c in ticked else "□") + c for c in CHANNELS)


def gangshan_rows() -> list[Row]:
    office = "钢山街道办事处"
    board = checklist("政府网站", "公开查阅点", "便民服务站", "社区/企事业单位/村公示栏（电子屏）")
    web = checklist("政府网站", "两微一端", "便民服务站")
    town = ("乡级",)
    d = dt.date
    return [
        Row("综合业务", "监督检查", "社会救助投诉举报电话、通信地址；监督检查结果", JIUZHU, T10, office, board,
            level=town, updated=d(2024, 2, 26)),
        Row("最低生活保障", "办事指南", "最低生活保障标准；申请条件；申请材料；办理流程；办理时限", JIUZHU + DIBAO,
            T10, office, web, level=town, updated=d(2024, 7, 3)),
        Row("最低生活保障", "审核信息", "初审对象名单（姓名、家庭人口、拟保障金额）", DIBAO, GS7, office, board,
            level=town, updated=d(2024, 9, 12)),
        # planted: no 特困人员救助供养 / 办事指南 row
        Row("特困人员救助供养", "审核信息", "初审对象名单（姓名、供养方式）", TEKUN, GS7, office, board, level=town,
            updated=d(2024, 9, 12)),
        Row("临时救助", "办事指南", "救助标准；申请条件；申请材料；办理流程", LINSHI, T10, office, web, level=town,
            updated=d(2024, 3, 18)),
        Row("临时救助", "审核审批信息", "街道临时救助备用金使用情况：救助对象、救助金额、救助事由", LINSHI, T10,
            office, board, level=town, updated=d(2024, 10, 8)),
        Row("农村危房改造", "政策文件", "农村危房改造补助政策、补助标准、申请条件", TIAOLI, T20, office, web,
            level=town, updated=d(2024, 4, 2)),
        Row("农村危房改造", "对象认定", "申请对象名单、评议结果、审核结果", TIAOLI, GS7, office, board, level=town,
            updated=d(2024, 6, 20)),
        Row("农村危房改造", "补助资金发放", "补助对象、补助金额、发放时间", "", T20, office, board, level=town,
            updated=d(2024, 8, 30)),  # planted: blank 公开依据
        Row("涉农补贴", "耕地地力保护补贴", "补贴政策、补贴标准、补贴对象、补贴面积、补贴金额",
            "《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）", T20, office, board,
            level=town, updated=d(2024, 5, 15)),
        Row("涉农补贴", "补贴发放名单", "享受补贴农户姓名、补贴面积、补贴金额", TIAOLI, GS7, office, board,
            audience=(), level=town, updated=d(2024, 6, 5)),  # planted: no 公开对象 mark
    ]


def make_minzheng(out: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "社会救助"
    layout = Layout()
    width = 15
    title_rows(ws, "邹城市民政局主动公开事项目录（社会救助领域）", width, "填报单位：邹城市民政局（盖章）",
               "更新日期：2024年11月20日")
    r = write_table(ws, 3, minzheng_rows(), layout)
    note_row(ws, r + 1, width, "注：1.本目录依据《民政部办公厅关于印发〈社会救助领域基层政务公开标准指引〉的通知》"
             "（民办函〔2019〕52号）编制；2.公示信息应隐去身份证号码、银行账号等个人隐私信息。")
    return _save(wb, out / "市民政局主动公开事项目录.xlsx")


def make_renshe(out: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "就业"
    layout = Layout(content="公开内容(要素)", channels="公开渠道", audience=("全社会", "特定群众"),
                    mode=("主动", "依申请公开"), note_column=False)
    write_table(ws, 1, renshe_rows(), layout)
    info = wb.create_sheet("填报说明")
    for i, line in enumerate([
        "填报说明",
        "1.本表依据人力资源社会保障部就业领域基层政务公开标准目录编制。",
        "2.公开对象、公开方式、公开层级请在对应栏内打“√”。",
        "3.公开时限应写明具体期限，不得填写“及时”“适时”等表述。",
    ], start=1):
        info.cell(i, 1, line)
    return _save(wb, out / "市人力资源和社会保障局.xlsx")


def make_gangshan(out: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "钢山街道"
    layout = Layout(updated_column=True)
    width = 16
    title_rows(ws, "钢山街道主动公开事项目录", width, "填报单位：钢山街道办事处", dt.date(2024, 10, 8))
    r = write_table(ws, 3, gangshan_rows(), layout)
    note_row(ws, r, width, "注：“公开渠道和载体”栏中■表示采用该渠道，□表示未采用。")
    return _save(wb, out / "钢山街道.xlsx")


def _save(wb: Workbook, path: Path) -> Path:
    fixed = dt.datetime(2024, 11, 20, 9, 0, 0)
    wb.properties.creator = "gkcheck demo"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成演示用的 xlsx 主动公开事项目录")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "catalogs",
                        help="输出目录（默认 catalogs/）")
    args = parser.parse_args(argv)
    for make in (make_minzheng, make_renshe, make_gangshan):
        print(make(args.out))


if __name__ == "__main__":
    main()
