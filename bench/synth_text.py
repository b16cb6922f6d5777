"""Vocabulary and builders of the synthetic province's records: catalog rows, posts
(titles, dates, bodies), ledger entries. Deterministic for a given `random.Random`.

The data looks like what real units publish (standard-directory rows, TRS-style post
titles, 政策文件 paired with 政策解读, social-assistance standards with amounts and
effective dates) and carries a realistic share of problems (a vague 公开时限, a basis
that cites no law, a missing required item, a stale column), so that every check kind
walks its failing paths as well as its passing ones.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

YEAR = 2024

# ----------------------------------------------------------------------------- catalog

LAWS = [
    "《中华人民共和国政府信息公开条例》（国务院令第711号）",
    "《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）",
    "《中华人民共和国行政许可法》",
    "《中华人民共和国行政处罚法》",
    "《中华人民共和国预算法》",
    "《社会救助暂行办法》（国务院令第649号）",
    "《重大行政决策程序暂行条例》（国务院令第713号）",
    "《优化营商环境条例》（国务院令第722号）",
    "《山东省政府信息公开办法》",
    "《国务院关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）",
]
TIME_LIMITS = [
    "信息形成或者变更之日起20个工作日内",
    "信息形成或者变更之日起20个工作日内",
    "信息形成或者变更之日起10个工作日内",
    "审核后公示7个工作日",
    "每年1月31日前",
    "实时更新",
]
CHANNELS = [
    "政府网站、两微一端",
    "政府网站、政务服务中心、便民服务站",
    "政府网站、公开查阅点",
    "政府网站、纸质媒体、两微一端",
]
# General disclosure categories (一级事项) and their 二级事项; a unit's filler rows are
# drawn from these combinations.
LEVEL1 = [
    "机构信息", "政策文件", "财政信息", "规划计划", "人事信息", "统计信息", "应急管理",
    "公共服务", "行政许可", "行政处罚", "行政检查", "建议提案办理", "重点领域信息", "政务服务",
    "公共资源配置", "环境保护", "安全生产", "价格收费", "政务督查", "审计信息",
]
LEVEL2 = [
    "工作动态", "工作规则", "政策解读", "办事指南", "结果公开", "年度计划", "实施情况",
    "执行情况", "统计数据", "通知公告", "监督检查", "咨询服务", "名单公示", "标准规范", "信息发布",
]
CONTENT_WORDS = [
    "事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程",
    "办理结果", "责任单位", "实施主体", "标准金额", "发放对象", "监督电话", "工作进展",
    "完成情况", "文件全文", "政策解读", "计划内容", "统计口径",
]


@dataclass
class Row:
    """One catalog row, in the standard directory's columns."""

    level1: str
    level2: str
    content: str
    basis: str
    time_limit: str
    subject: str
    channels: str
    audience: str  # 全社会 | 特定群体
    mode: str  # 主动 | 依申请
    level: str  # 县级 | 乡级 | 县级、乡级


def _content(rng: random.Random, must: list[str]) -> str:
    words = list(must) + rng.sample(CONTENT_WORDS, rng.randint(3, 6))
    return "、".join(dict.fromkeys(words))


def catalog_rows(rng: random.Random, subject: str, town: bool, required: list[tuple[str, str, list[str]]],
                 size: int) -> list[Row]:
    """About `size` rows: the required items (level1, name, content elements) first,
    then filler rows; a few cells carry the problems real catalogs have."""
    level = "乡级" if town else "县级"
    rows: list[Row] = []
    for level1, name, must in required:
        rows.append(Row(level1, name, _content(rng, must), rng.choice(LAWS[:3] + LAWS[5:6]),
                        TIME_LIMITS[0], subject, rng.choice(CHANNELS), "全社会", "主动", level))
    combos = [(a, b) for a in LEVEL1 for b in LEVEL2]
    rng.shuffle(combos)
    for level1, level2 in combos[: max(0, size - len(rows))]:
        rows.append(Row(level1, level2, _content(rng, []), rng.choice(LAWS), rng.choice(TIME_LIMITS), subject,
                        rng.choice(CHANNELS), "特定群体" if rng.random() < 0.1 else "全社会",
                        "依申请" if rng.random() < 0.05 else "主动", level))
    # The problems of real catalogs: about 1 % of rows each.
    for r in rows[len(required):]:
        x = rng.random()
        if x < 0.01:
            r.time_limit = "及时"
        elif x < 0.02:
            r.basis = "相关规定"
        elif x < 0.03:
            r.subject = ""
    if rows and rng.random() < 0.05:  # a duplicated row
        rows.append(Row(**vars(rows[-1])))
    return rows


# ----------------------------------------------------------------------------- columns

# The 20 columns every unit's site has (name, whether its post pages are crawled).
COLUMNS: list[tuple[str, bool]] = [
    ("工作动态", False), ("通知公告", False), ("政策文件", True), ("政策解读", True),
    ("社会救助", True), ("政府文件", False), ("政府公报", False), ("政策问答", False),
    ("意见征集", False), ("政府会议", False), ("人事信息", False), ("规划计划", False),
    ("财政预决算", False), ("年度报告", False), ("公开指南", False), ("公开制度", False),
    ("重大建设项目", False), ("行政执法公示", False), ("领导信箱", False), ("公共资源配置", False),
]

# Topics of news and notices: the words the plan's tasks look for, in the titles units write.
TOPICS = [
    "{u}召开招商引资工作推进会", "{u}扎实推进高水平对外开放", "关于支持民间投资发展的若干措施",
    "{u}解读促进经济巩固向好政策包", "{u}推进绿色低碳高质量发展", "{u}重大项目建设进展情况",
    "关于开展汽车以旧换新补贴的通知", "{u}部署城市更新十大工程", "{u}全力推进乡村振兴",
    "{u}开展生活垃圾分类宣传进社区活动", "{u}惠农补贴资金发放情况公示", "2024年就业创业政策清单",
    "{u}推进大规模设备更新", "{u}开展健康义诊进乡村活动", "关于住房公积金支持刚性住房消费的通知",
    "{u}2024年义务教育招生工作答问", "{u}推进一老一小服务保障", "新就业形态劳动者职业伤害保障政策问答",
    "{u}召开市场监管工作会议", "{u}学校信息公开规范", "{u}开展高效办成一件事集成式发布",
    "关于公开征求意见的公告", "{u}政府开放活动主题征集结果及采纳情况", "{u}邀请公众代表列席会议",
    "{u}政策实施效果评价报告", "{u}开展规范性文件清理结果的公告", "{u}一图读懂2024年重点工作",
    "{u}召开周例会", "{u}开展安全生产检查", "{u}召开党组理论学习中心组学习会",
    "{u}开展防汛演练", "{u}走访企业了解需求", "{u}召开年度工作总结会", "{u}开展志愿服务活动",
]
POLICY_TOPICS = [
    "城乡居民临时救助", "困难残疾人生活补贴", "创业担保贷款贴息", "农业机械购置补贴", "公共租赁住房保障",
    "职业技能提升补贴", "高校毕业生就业补助", "老年人助餐服务补助", "困境儿童保障", "城市更新项目奖补",
    "中小企业发展专项资金", "农村危房改造补助", "家庭医生签约服务", "义务教育学生资助", "企业稳岗返还",
]

TOPIC_SCOPES = ["", "重点群体", "农村地区"]


@dataclass
class SynthPost:
    title: str
    url: str
    date: dt.date
    body: str | None = None
    links: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)


def _date_in_year(rng: random.Random, latest: dt.date) -> dt.date:
    start = dt.date(YEAR, 1, 2)
    return start + dt.timedelta(days=rng.randint(0, (latest - start).days))


def _dates(rng: random.Random, n: int, fresh: bool) -> list[dt.date]:
    """n dates, newest first; a fresh column has a post in the last days of the year."""
    latest = dt.date(YEAR, 12, rng.randint(20, 30)) if fresh else dt.date(YEAR, rng.randint(3, 9), 15)
    days = sorted((_date_in_year(rng, latest) for _ in range(n - 1)), reverse=True)
    return [latest, *days]


def _policy_date(rng: random.Random) -> dt.date:
    """A policy document's date: a column lists the last 30 or so, which for most units
    go back four or five years."""
    start = dt.date(YEAR - 4, 7, 1)
    return start + dt.timedelta(days=rng.randint(0, (dt.date(YEAR, 12, 20) - start).days))


def _phone(rng: random.Random) -> str:
    return f"0537-{rng.randint(5100000, 5399999)}"


def _policy_body(topic: str, amount: int, phone: str, start: dt.date, link: str) -> str:
    return (
        f"为进一步做好{topic}工作，根据有关法律法规和上级文件规定，结合本市实际，制定本办法。"
        f"第一条 本办法适用于本市行政区域内的{topic}工作。"
        f"第二条 符合条件的对象可以向户籍所在地镇街便民服务中心提出申请，补助标准为每人每月{amount}元。"
        f"第三条 申请人应当提交身份证明、收入证明等材料，经办机构自受理之日起10个工作日内作出决定。"
        f"第四条 咨询电话：{phone}。"
        f"第五条 本办法自{start.year}年{start.month}月{start.day}日起施行，有效期至{start.year + 5}年12月31日。"
        f"相关解读：{link}"
    )


def _interp_body(topic: str, amount: int, phone: str, start: dt.date, link: str) -> str:
    return (
        f"一、起草背景。为规范{topic}工作，市有关部门起草了本办法。"
        f"二、主要内容。符合条件的对象可以提出申请，补助标准为每人每月{amount}元，"
        f"经办机构自受理之日起10个工作日内作出决定。"
        f"三、施行时间。本办法自{start.year}年{start.month}月{start.day}日起施行。"
        f"四、咨询方式。咨询电话：{phone}。原文链接：{link}"
    )


def _standards_body(rng: random.Random, start: dt.date) -> str:
    urban_old = rng.randint(84, 92) * 10
    rural_old = rng.randint(80, 86) * 100
    return (
        f"经市政府同意，决定调整{YEAR}年城乡最低生活保障标准和特困人员基本生活标准。"
        f"一、城市低保标准由每人每月{urban_old}元提高到{urban_old + 40}元，"
        f"农村低保标准由每人每年{rural_old}元提高到{rural_old + 400}元。"
        f"二、城市特困人员基本生活标准由每人每月{int(urban_old * 1.3)}元提高到{int((urban_old + 40) * 1.3)}元。"
        f"三、临时救助标准为每人每次不超过{(urban_old + 40) * 3}元。"
        f"以上标准自{start.year}年{start.month}月{start.day}日起执行。"
    )


def column_posts(rng: random.Random, host: str, unit: str, abbr: str, column: str, n: int) -> list[SynthPost]:
    """The posts of one column, newest first (the order a list page shows)."""
    stale = rng.random() < 0.04  # a column nobody updated since the autumn
    fresh = not stale and column in ("工作动态", "通知公告", "政策文件", "领导信箱", "政府文件")
    dates = _dates(rng, n, fresh)
    posts: list[SynthPost] = []
    for k, d in enumerate(dates):
        url = f"{host}/{column_slug(column)}/{d:%Y%m}/t{d:%Y%m%d}_{rng.randint(1000000, 9999999)}.html"
        posts.append(SynthPost(_title(rng, unit, column, k), url, d))
    if column == "社会救助":
        start = dt.date(YEAR, 7, 1)
        posts[-1].title = f"关于调整{YEAR}年城乡最低生活保障标准的通知"
        posts[-1].date = dt.date(YEAR, 6, rng.randint(10, 28))
        posts[-1].body = _standards_body(rng, start)
        for p in posts[:-1]:
            p.body = f"{p.title}。经审核，现予以公示，公示期7个工作日。监督电话：{_phone(rng)}。"
    return posts


def column_slug(column: str) -> str:
    return f"col{[c for c, _ in COLUMNS].index(column) + 1:02d}"


def _title(rng: random.Random, unit: str, column: str, k: int) -> str:
    if column in ("工作动态", "通知公告", "意见征集", "政府会议"):
        return rng.choice(TOPICS).format(u=unit)
    if column == "社会救助":
        return f"{YEAR}年{rng.randint(1, 12)}月城乡低保对象名单公示（第{k + 1}批）"
    if column == "人事信息":
        return f"{unit}关于{rng.choice(['干部任前公示', '公开招聘工作人员', '人事任免'])}的公告"
    return f"{unit}{column}（{YEAR}年第{k + 1}期）"


def policy_pairs(rng: random.Random, host: str, unit: str, abbr: str, n_docs: int,
                 n_interps: int) -> tuple[list[SynthPost], list[SynthPost]]:
    """政策文件 and 政策解读 posts. About a quarter of the documents are normative
    (管理办法 with a 规 document number); the first `n_interps` documents have a 解读
    published the same day that links both ways and repeats the document's figures,
    except that one 解读 in ten misstates the amount and one normative document in
    twelve has no 解读 at all."""
    docs: list[SynthPost] = []
    interps: list[SynthPost] = []
    normative = max(1, n_docs // 4)
    order = rng.sample(range(len(POLICY_TOPICS)), len(POLICY_TOPICS))
    for k in range(n_docs):
        topic = TOPIC_SCOPES[k // len(POLICY_TOPICS) % len(TOPIC_SCOPES)] + POLICY_TOPICS[order[k % len(order)]]
        d = _policy_date(rng)
        if k < normative:
            title = f"{unit}关于印发《邹城市{topic}管理办法》的通知（邹{abbr}规〔{d.year}〕{k + 1}号）"
        else:
            title = f"{unit}关于做好{d.year}年{topic}工作的通知（邹{abbr}发〔{d.year}〕{k + 1}号）"
        url = f"{host}/{column_slug('政策文件')}/{d:%Y%m}/t{d:%Y%m%d}_{k + 1:07d}.html"
        doc = SynthPost(title, url, d)
        docs.append(doc)
        amount = 100 + 10 * rng.randint(1, 50)
        phone = _phone(rng)
        start = d + dt.timedelta(days=30)
        if k >= n_interps or (k < normative and rng.random() < 0.08):
            doc.body = _policy_body(topic, amount, phone, start, "")
            continue
        i_url = f"{host}/{column_slug('政策解读')}/{d:%Y%m}/t{d:%Y%m%d}_{k + 9000001}.html"
        linked = rng.random() < 0.9
        told = amount + 50 if rng.random() < 0.1 else amount
        doc.body = _policy_body(topic, amount, phone, start, i_url if linked else "")
        doc.links = [i_url] if linked else []
        doc.attachments = [(url.replace(".html", ".pdf"), f"{topic}管理办法.pdf")]
        if k < normative:
            i_title = f"《邹城市{topic}管理办法》政策解读"
        else:
            i_title = f"图解：{unit}关于做好{d.year}年{topic}工作的通知"
        interps.append(SynthPost(i_title, i_url, d, _interp_body(topic, told, phone, start, url),
                                 [url] if linked else []))
    docs.sort(key=lambda p: p.date, reverse=True)
    interps.sort(key=lambda p: p.date, reverse=True)
    return docs, interps


# ------------------------------------------------------------------------------ ledger

LEDGER_KINDS = [
    ("专题会议", "{u}{y}年政务公开工作专题会议"),
    ("培训", "{u}政务公开业务培训"),
    ("政策评价", "{u}政策实施效果评价"),
    ("政策评价", "{u}惠企政策实施效果评价"),
    ("政府开放", "{u}政府开放日活动"),
    ("监督员聘任", "{u}聘任政务公开监督员"),
    ("政务公开专区", "{u}政务公开专区规范提升"),
    ("专区活动", "{u}政务公开专区现场解读活动"),
    ("专题调研", "{u}依申请公开转主动公开专题调研"),
    ("机制建设", "{u}申请人权利滥用约束转办机制建设"),
    ("专项评估", "{u}公共企事业单位信息公开专项评估"),
    ("学习", "{u}党组政务公开政策专题学习"),
]


def ledger_entries(rng: random.Random, unit: str) -> list[dict]:
    """A year's ledger: most kinds of work recorded, a few missing."""
    out = []
    for kind, title in LEDGER_KINDS:
        if rng.random() < 0.1:
            continue
        month = rng.randint(1, 11) if kind not in ("专区活动",) else rng.randint(1, 6)
        out.append({"kind": kind, "date": dt.date(YEAR, month, rng.randint(1, 28)),
                    "title": title.format(u=unit, y=YEAR)})
    return out
