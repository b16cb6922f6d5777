"""Check kinds about a unit's active-disclosure catalog (主动公开事项目录):
catalog.exists, catalog.has_item, catalog.fields_complete, catalog.field_values,
catalog.basis_cites_law, catalog.no_duplicates, catalog.updated_within.

All read `UnitEvidence.catalogs`: None when no catalog source was configured (every kind
answers `unknown`), [] when one was configured but nothing was found for the unit
(`catalog.exists` fails, `catalog.has_item` fails per item, the others answer `unknown`:
they have no rows to judge). Messages name rows as “第N行” and cite them as evidence;
records (what baselines and waivers match on) name a row by its 事项 names and the start
of its 公开内容, never by its row number (`item_record`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import compress
from operator import attrgetter, not_
from typing import Literal

from pydantic import Field, field_validator

from gkcheck.checks._catalog_match import ItemSpec, find_item, suggest
from gkcheck.checks._catalog_rows import (
    NOT_CONFIGURED,
    Rows,
    catalog_name,
    catalog_ref,
    item_record,
    item_ref,
    key_ideographs,
    label,
    rows_of,
    short,
)
from gkcheck.checks._catalog_values import read_audience, read_level, read_mode
from gkcheck.checks.registry import (
    CheckContext,
    Outcome,
    Params,
    check_kind,
    failed,
    passed,
    unknown,
    warned,
)
from gkcheck.model.catalog import CATALOG_FIELDS, Catalog, CatalogItem
from gkcheck.text.citations import find_citations, vague_basis
from gkcheck.text.normalize import key, normalize
from gkcheck.text.timelimit import parse_time_limit


def _known_fields(fields: list[str]) -> list[str]:
    for f in fields:
        if f not in CATALOG_FIELDS:
            raise ValueError(f"未知的目录字段“{f}”（可用：{'、'.join(CATALOG_FIELDS)}）")
    if not fields:
        raise ValueError("至少列出一个字段")
    return fields


# --------------------------------------------------------------------------- catalog.exists


class ExistsParams(Params):
    min_items: int = Field(default=1, ge=1)
    reading_notes: Literal["warn", "ignore"] = "warn"


@check_kind("catalog.exists", ExistsParams, needs="catalog")
def exists(ctx: CheckContext, params: ExistsParams):
    """目录存在：本单位有主动公开事项目录，且至少有 `min_items` 个事项。

    没有目录本身就是问题：配置了目录来源却找不到本单位的目录，结果为“不通过”；
    只有在根本没有配置目录来源（未提供）或目录文件无法读取时，结果才是“无法核验”。
    读取目录时的提示（如合并单元格、无法识别的表头）在 `reading_notes: warn` 时
    作为“提醒”列出。

    参数：
      min_items      至少应有的事项数，默认 1
      reading_notes  warn（默认，列出读取提示）| ignore

    通过：
      目录 民政局目录.xlsx 有 35 个事项（min_items: 10）
    不通过：
      未找到本单位的主动公开事项目录
      目录“民政局目录.xlsx”只有 3 个事项，少于 10 个
    """
    cats = ctx.evidence.catalogs
    if cats is None:
        yield unknown(NOT_CONFIGURED)
        return
    errors = ctx.evidence.catalog_errors
    if not cats:
        if errors:
            yield unknown(f"本单位的目录无法读取，无法核验：{'；'.join(errors[:3])}")
        else:
            yield failed("未找到本单位的主动公开事项目录")
        return
    enough = [c for c in cats if len(c.items) >= params.min_items]
    if enough:
        desc = "、".join(f"“{catalog_name(c)}”（{len(c.items)}项）" for c in enough)
        yield passed(f"已有主动公开事项目录：{desc}", [catalog_ref(c) for c in enough])
    else:
        biggest = max(cats, key=lambda c: len(c.items))
        if not biggest.items:
            msg = f"目录“{catalog_name(biggest)}”没有任何事项"
        else:
            msg = f"目录“{catalog_name(biggest)}”只有{len(biggest.items)}个事项，少于{params.min_items}个"
        yield failed(msg, [catalog_ref(c) for c in cats])
    if params.reading_notes == "warn":
        for c in cats:
            if c.warnings:
                notes = "；".join(c.warnings[:5]) + ("等" if len(c.warnings) > 5 else "")
                yield warned(
                    f"读取目录“{catalog_name(c)}”时有{len(c.warnings)}条提示：{notes}",
                    [catalog_ref(c)],
                    record=f"notes:{c.path}",
                )
        if errors:
            yield warned(f"部分目录文件无法读取：{'；'.join(errors[:3])}", record="errors")


# --------------------------------------------------------------------------- catalog.has_item


class HasItemParams(Params):
    items: list[ItemSpec] = Field(min_length=1)
    suggest_cutoff: float = Field(default=0.7, ge=0.0, le=1.0)


@check_kind("catalog.has_item", HasItemParams, needs="catalog")
def has_item(ctx: CheckContext, params: HasItemParams):
    """目录含有规定事项：标准目录要求的每个事项都列入了本单位的目录，公开内容写明了
    规定的要素。

    每个事项一条结果（记录名为事项名）。名称在统一全半角、去掉空格、标点和序号后比较，
    与一级、二级、三级事项名（及相邻层级连写，如“最低生活保障办事指南”）比对；
    给出 `level1` 时，只在该一级事项之下找；名称只出现在“公开内容”中也算列入，
    但结果会注明行号以便核对。找不到时，若有名称相近的事项，提示“是否指……”。

    参数：
      items           事项列表，每项：
        name            事项名（如 办事指南）
        synonyms        同义名称（如 [服务指南]）
        level1          所属一级事项（如 最低生活保障），可省略
        level1_synonyms 一级事项的同义名称（如 [低保]）
        contains        公开内容必须写明的要素；写成列表表示“任一即可”，
                        如 [[最低生活保障标准, 低保标准]]
      suggest_cutoff  相近名称提示的相似度下限（0–1），默认 0.7
      也可直接写事项名：items: [政策法规文件, 监督检查]

    通过：
      items: [{name: 办事指南, level1: 最低生活保障, contains: [最低生活保障标准]}]
      第5行：最低生活保障 / 办事指南，公开内容“办理条件、最低生活保障标准、申请材料…”
    不通过：
      未找到“最低生活保障 / 办事指南”，是否指“低保 / 办事指南”（第5行）？
      “最低生活保障 / 办事指南”（第5行：最低生活保障 / 办事指南）的公开内容未写明：最低生活保障标准
      配置了目录来源却找不到本单位的目录时，不通过（一条结果，列出应列入的事项）
    无法核验：未配置目录来源，或目录文件无法读取。
    """
    cats = ctx.evidence.catalogs
    if cats is None:
        yield unknown(NOT_CONFIGURED)
        return
    items = [it for c in cats for it in c.items]
    if not items and ctx.evidence.catalog_errors:
        yield unknown(f"本单位的目录无法读取，无法核验：{'；'.join(ctx.evidence.catalog_errors[:3])}")
        return
    if not items:  # one finding, not one per item: catalog.exists says the rest
        wanted = [spec.label for spec in params.items]
        listed = "、".join(f"“{w}”" for w in wanted[:5]) + (f"等{len(wanted)}个事项" if len(wanted) > 5 else "")
        yield failed(f"未找到本单位的主动公开事项目录，应列入的{listed}均未列入", record="目录")
        return
    rows = Rows(list(cats), items)
    for spec in params.items:
        want = spec.label
        hit = find_item(spec, items)
        if hit is None:
            near = suggest(spec, items, params.suggest_cutoff)
            if near is not None:
                where = rows.where(near)
                yield failed(
                    f"未找到“{want}”，是否指“{label(near)}”（{where}）？",
                    [item_ref(near)],
                    record=want,
                    fix=f"如{where}就是该事项，请按标准目录将其名称改为“{want}”；否则在目录中补充“{want}”",
                )
            else:
                yield failed(f"目录中未找到“{want}”", record=want)
            continue
        where = rows.where(hit.item)
        ref = item_ref(hit.item, quote=short(hit.item.content, 80) or None)
        if hit.missing:
            need = "、".join(hit.missing)
            yield failed(
                f"“{want}”（{where}：{label(hit.item)}）的公开内容未写明：{need}",
                [ref],
                record=want,
                fix=f"在{where}的“公开内容（要素）”中写明{need}",
            )
        elif hit.strength == "content":
            yield passed(f"“{want}”见{where}（{label(hit.item)}）的公开内容", [ref], record=want)
        else:
            yield passed(f"已列入“{want}”：{where}（{label(hit.item)}）", [ref], record=want)


# --------------------------------------------------------------------------- catalog.fields_complete

DEFAULT_REQUIRED_FIELDS = [
    "一级事项",
    "二级事项",
    "公开内容",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
]


class FieldsCompleteParams(Params):
    fields: list[str] = Field(default_factory=lambda: list(DEFAULT_REQUIRED_FIELDS))

    @field_validator("fields")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        return _known_fields(v)


@check_kind("catalog.fields_complete", FieldsCompleteParams, needs="catalog")
def fields_complete(ctx: CheckContext, params: FieldsCompleteParams):
    """必填字段齐全：目录每一行都填写了规定的字段。

    每个有空字段的行一条“不通过”，写明行号、事项名和缺少的字段。只有标点或符号
    （“/”“—”）的单元格算空。某个字段在所有行都为空时（多半是整列缺失），只报一条
    “目录缺少某列”，不再逐行重复。

    参数：
      fields  必填字段（标准目录的表头名），默认：一级事项、二级事项、公开内容、
              公开依据、公开时限、公开主体、公开渠道和载体、公开对象、公开方式
              （可用：一级事项、二级事项、三级事项、公开内容、公开依据、公开时限、
              公开主体、公开渠道和载体、公开对象、公开方式、公开层级）

    通过：
      每行九个字段都有内容
    不通过：
      第7行（最低生活保障 / 审核信息）缺少：公开依据、公开时限
      目录的“公开主体”一列全部为空（共12行）
    """
    rows, problem = rows_of(ctx)
    if problem:
        yield problem
        return
    fields = params.fields
    keys = {f: rows.filled(f) for f in fields}
    empty_everywhere = [f for f in fields if not any(keys[f])]
    if len(rows.items) > 1:
        for f in empty_everywhere:
            yield failed(
                f"目录的“{f}”一列全部为空（共{len(rows.items)}行）",
                [catalog_ref(c) for c in rows.catalogs],
                record=f"column:{f}",
                fix=f"为每个事项填写“{f}”",
            )
        per_row = [f for f in fields if f not in empty_everywhere]
    else:
        per_row = fields
    bad = 0
    per_row_cols = [keys[f] for f in per_row]
    # rows with every field filled are passed over without building a list for them
    complete = list(map(all, zip(*per_row_cols))) if per_row_cols else [True] * len(rows.items)
    for i in compress(range(len(complete)), map(not_, complete)):
        it = rows.items[i]
        missing = [f for f in per_row if not keys[f][i]]
        if missing:
            bad += 1
            yield failed(
                f"{rows.where(it)}（{label(it)}）缺少：{'、'.join(missing)}",
                [item_ref(it)],
                record=item_record(it),
            )
    if not bad and not (empty_everywhere and len(rows.items) > 1):
        yield passed(f"全部{len(rows.items)}行的{len(fields)}个必填字段均已填写")


# --------------------------------------------------------------------------- catalog.field_values

VALUE_FIELDS = ("公开方式", "公开对象", "公开层级", "公开时限")
ValueField = Literal["公开方式", "公开对象", "公开层级", "公开时限"]


class FieldValuesParams(Params):
    fields: list[ValueField] = Field(default_factory=lambda: list(VALUE_FIELDS), min_length=1)
    accepted: dict[ValueField, list[str]] = Field(default_factory=dict)
    max_working_days: int = Field(default=20, ge=1)
    empty: Literal["skip", "fail"] = "skip"


@check_kind("catalog.field_values", FieldValuesParams, needs="catalog")
def field_values(ctx: CheckContext, params: FieldValuesParams):
    """字段取值规范：公开方式、公开对象、公开层级和公开时限写的是标准目录认可的值。

    - 公开方式：主动 或 依申请（“依申请公开”“主动公开”同义）；同时标注两者为“提醒”；
    - 公开对象：全社会 或 特定群体（“特定群众”是部分标准目录的写法，同义）；同时
      标注两者为“提醒”；
    - 公开层级：县级 或 乡级，可写“县级、乡级”；接受 区级、市级（县级市本级）、
      县(市、区)级、镇级、乡镇级、街道级、镇街级、乡、村级 等写法；
    - 公开时限：必须是可识别的具体期限——“信息形成或者变更之日起20个工作日内”
      “审核后公示7个工作日”“每年1月31日前”“每季度”“实时”“即时”“长期”“常态化”
      “按照《…》规定的时限”等；“及时”“按规定”“尽快”“定期”“法定时限”等不是期限，
      为“不通过”。期限长于 `max_working_days` 个工作日（默认 20，《政府信息公开
      条例》第二十六条）为“提醒”；按自然日、月写的期限按每周5个工作日折算。

    每行每个有问题的字段一条结果。空值默认跳过（由“必填字段齐全”报告）。

    参数：
      fields            要检查的字段，默认四个都查
      accepted          每个字段额外接受的写法，如 {公开时限: [随时更新]}
      max_working_days  公开时限的上限（工作日），默认 20
      empty             skip（默认）| fail：空值是否报为“不通过”

    通过：
      公开方式 主动；公开对象 全社会；公开层级 县级、乡级；
      公开时限 信息形成或者变更之日起20个工作日内
    不通过：
      第4行（最低生活保障 / 办事指南）：公开时限“及时”不是具体期限
      第6行（临时救助 / 审核审批信息）：公开方式“公示”不是“主动”或“依申请”
    提醒：
      第9行：公开时限“信息形成之日起30个工作日内”长于20个工作日
    """
    rows, problem = rows_of(ctx)
    if problem:
        yield problem
        return
    accepted = {f: frozenset(normalize(v) for v in vals) for f, vals in params.accepted.items()}
    outcomes: list[Outcome] = []
    keys = {f: rows.filled(f) for f in params.fields}
    values = {f: rows.values(f) for f in params.fields}
    # the verdict on each distinct value of a column, then only the rows with something to say
    verdicts = {}
    fail_empty = params.empty == "fail"
    rows_to_report: set[int] = set()
    everyone = range(len(rows.items))
    for f in params.fields:
        acc = accepted.get(f, frozenset())
        verdicts[f] = {v: _judged(f, v, acc, params.max_working_days) for v in set(compress(values[f], keys[f]))}
        # whether a cell is filled depends on its value alone: a value judged is a filled one
        judged = {v for v, said in verdicts[f].items() if said}
        if judged:
            rows_to_report.update(compress(everyone, map(judged.__contains__, values[f])))
        if fail_empty:
            rows_to_report.update(compress(everyone, map(not_, keys[f])))
    to_report = sorted(rows_to_report)
    for i in to_report:
        it = rows.items[i]
        for f in params.fields:
            value = values[f][i]
            if not keys[f][i]:
                if fail_empty:
                    where, record, ref = _cell(rows, it, f, value)
                    outcomes.append(failed(f"{where}：未填写{f}", ref, record=record))
                continue
            judged = verdicts[f][value]
            if not judged:
                continue
            where, record, ref = _cell(rows, it, f, value)
            for status, text in judged:
                make = failed if status == "fail" else warned
                outcomes.append(make(f"{where}：{text}", ref, record=record))
    yield from outcomes
    if not outcomes:
        yield passed(f"全部{len(rows.items)}行的{'、'.join(params.fields)}取值规范")


def _cell(rows: Rows, it, field: str, value: str):
    """How a finding about one cell names it: (where, record, evidence)."""
    return f"{rows.where(it)}（{label(it)}）", item_record(it, field), [item_ref(it, quote=short(value, 80) or None)]


@lru_cache(maxsize=16384)
def _judged(field: str, value: str, accepted: frozenset[str], max_wd: int) -> tuple[tuple[str, str], ...]:
    """`_judge_value`, remembered: catalogs repeat the same few values in every row."""
    return tuple(_judge_value(field, value, accepted, max_wd))


def _judge_value(field: str, value: str, accepted: set[str], max_wd: int) -> list[tuple[str, str]]:
    """(status, message) pairs for one cell; empty when the value is fine."""
    shown = short(value)
    if field == "公开方式":
        got, bad = read_mode(value, accepted)
        if bad:
            return [("fail", f"公开方式“{shown}”不是“主动”或“依申请”")]
        if {"主动", "依申请"} <= got:
            return [("warn", f"公开方式同时标注了“主动”和“依申请”（“{shown}”），请确认")]
        return []
    if field == "公开对象":
        got, bad = read_audience(value, accepted)
        if bad:
            return [("fail", f"公开对象“{shown}”不是“全社会”或“特定群体”")]
        if {"全社会", "特定群体"} <= got:
            return [("warn", f"公开对象同时标注了“全社会”和“特定群体”（“{shown}”），请确认")]
        return []
    if field == "公开层级":
        _, bad = read_level(value, accepted)
        if bad:
            return [("fail", f"公开层级“{shown}”不是“县级”或“乡级”")]
        return []
    # 公开时限
    if normalize(value) in accepted:
        return []
    tl = parse_time_limit(value)
    if tl.kind == "vague":
        return [("fail", f"公开时限“{shown}”不是具体期限（“{tl.vague}”没有写明多少日内或何时公开）")]
    if not tl.ok:
        return [("fail", f"公开时限“{shown}”无法识别为具体期限")]
    if tl.working_days is not None and tl.working_days > max_wd:
        approx = "" if tl.period.endswith("工作日") else f"，约合{round(tl.working_days)}个工作日"
        text = f"公开时限“{shown}”（{tl.period}{approx}）长于{max_wd}个工作日（《政府信息公开条例》第二十六条）"
        return [("warn", text)]
    return []


# --------------------------------------------------------------------------- catalog.basis_cites_law


class BasisParams(Params):
    empty: Literal["fail", "skip"] = "fail"
    extra_suffixes: list[str] = Field(default_factory=list)


@check_kind("catalog.basis_cites_law", BasisParams, needs="catalog")
def basis_cites_law(ctx: CheckContext, params: BasisParams):
    """公开依据写明法律法规：每一行的“公开依据”写出了具体的法律、法规、规章或文件。

    认可的写法：书名号中的名称以 法、条例、办法、规定、细则、意见、通知、决定、规则、
    标准、指引、目录、规划、方案、指南 等结尾（如《中华人民共和国政府信息公开条例》
    《社会救助暂行办法》）；没有书名号的完整名称（中华人民共和国就业促进法、
    政府信息公开条例）；文号（国办发〔2019〕54号、民办函〔2019〕52号）或令号
    （国务院令第649号）。“无”“相关规定”“有关规定”“法律法规”等泛指不算依据。

    每个不合格的行一条“不通过”。

    参数：
      empty           fail（默认，空的公开依据报为“不通过”）| skip（由“必填字段齐全”报告）
      extra_suffixes  额外认可的名称结尾，如 [公约]

    通过：
      《社会救助暂行办法》（国务院令第649号）
      国办发〔2019〕54号
    不通过：
      第8行（临时救助 / 办事指南）的公开依据“相关规定”未写明具体法律法规
      第9行的公开依据“根据上级文件精神”中没有法律法规名称或文号
    """
    rows, problem = rows_of(ctx)
    if problem:
        yield problem
        return
    suffixes = tuple(params.extra_suffixes)
    bad = 0
    values, filled = rows.values("公开依据"), rows.filled("公开依据")
    cites = {v: _cites_law(v, suffixes) for v in set(compress(values, filled))}
    # the rows with something to say: empty ones (when they fail) and those citing no law
    if params.empty == "fail":
        to_report = [i for i, v in enumerate(values) if not (filled[i] and cites[v])]
    else:
        to_report = [i for i in compress(range(len(values)), filled) if not cites[values[i]]]
    for i in to_report:
        it = rows.items[i]
        bad += 1
        where = f"{rows.where(it)}（{label(it)}）"
        if not filled[i]:
            yield failed(f"{where}未填写公开依据", [item_ref(it)], record=item_record(it))
            continue
        value = it.basis
        ref = [item_ref(it, quote=short(value, 80))]
        if vague_basis(value):
            msg = f"{where}的公开依据“{short(value)}”未写明具体法律法规（泛指不能作为依据）"
        else:
            msg = f"{where}的公开依据“{short(value)}”中没有法律法规名称（《…》）或文号（如国办发〔2019〕54号）"
        yield failed(msg, ref, record=item_record(it))
    if not bad:
        yield passed(f"全部{len(rows.items)}行的公开依据均写明了法律法规或文件")


@lru_cache(maxsize=16384)
def _cites_law(value: str, suffixes: tuple[str, ...]) -> bool:
    """Whether a 公开依据 cites a law (remembered: catalogs repeat the same few bases)."""
    return bool(find_citations(value, suffixes))


# --------------------------------------------------------------------------- catalog.no_duplicates


class NoDuplicatesParams(Params):
    fields: list[str] = Field(default_factory=lambda: ["一级事项", "二级事项", "三级事项", "公开内容"])

    @field_validator("fields")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        return _known_fields(v)


@check_kind("catalog.no_duplicates", NoDuplicatesParams, needs="catalog")
def no_duplicates(ctx: CheckContext, params: NoDuplicatesParams):
    """事项不重复：目录中没有两行的一级事项、二级事项（三级事项）和公开内容完全相同。

    比较前统一全半角、去掉空格和标点，所以“公开内容（要素）”与“公开内容(要素)”算相同。
    每组重复一条“不通过”，列出所有重复的行。

    参数：
      fields  判断重复时比较的字段，默认：一级事项、二级事项、三级事项、公开内容

    通过：
      第3行 最低生活保障 / 办事指南，第4行 特困人员救助供养 / 办事指南
    不通过：
      第3行、第9行重复（一级事项、二级事项、公开内容相同）：最低生活保障 / 办事指南
    """
    rows, problem = rows_of(ctx)
    if problem:
        yield problem
        return
    candidates = _maybe_duplicates(rows, params.fields)
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    for i in candidates:
        it = rows.items[i]
        sig = tuple(key(it.field(f)) for f in params.fields)
        if any(sig):
            groups[sig].append(it)
    dups = [g for g in groups.values() if len(g) > 1]
    for group in dups:
        first = group[0]
        same = [f for f in params.fields if key(first.field(f))]
        wheres = "、".join(rows.where(it) for it in group)
        yield failed(
            f"{wheres}重复（{'、'.join(same)}相同）：{label(first)}",
            [item_ref(it) for it in group],
            record="dup:" + " / ".join(normalize(first.field(f)) for f in same)[:120],
            fix="合并或删除重复的行；如确是不同事项，在名称或公开内容中写明区别",
        )
    if not dups:
        yield passed(f"{len(rows.items)}行中没有重复的事项")


def _maybe_duplicates(rows: Rows, fields: list[str]) -> list[int]:
    """The rows (in order) that share their key ideographs in `fields` with another row.

    Rows with equal keys have equal key ideographs (cheap, see `key_ideographs`): only
    these rows are compared on their keys. The 公开内容, the long text of a row, is read
    last, for the rows that share the other fields' ideographs with another.
    """
    names = [f for f in fields if f != "公开内容"]
    rough = list(zip(*(rows.rough(f) for f in names))) if names else [()] * len(rows.items)
    count = Counter(rough)
    if len(count) == len(rough):  # every row its own
        return []
    maybe = [i for i, sig in enumerate(rough) if count[sig] > 1]
    if len(names) < len(fields):  # the 公开内容 too (once or more, as `fields` lists it)
        contents = rows.values("公开内容")
        times = len(fields) - len(names)
        rough = [rough[i] + (key_ideographs(contents[i]),) * times for i in maybe]
        count = Counter(rough)
        maybe = [i for i, sig in zip(maybe, rough) if count[sig] > 1]
    return maybe


# --------------------------------------------------------------------------- catalog.updated_within

_UPDATED = attrgetter("updated")


class UpdatedWithinParams(Params):
    window: Literal["days", "plan_year"] = "days"
    days: int = Field(default=365, ge=1)
    undated: Literal["unknown", "warn", "fail"] = "unknown"


@check_kind("catalog.updated_within", UpdatedWithinParams, needs="catalog")
def updated_within(ctx: CheckContext, params: UpdatedWithinParams):
    """目录动态更新：目录在规定期间内更新过。

    更新日期取目录标注的更新日期和各条目更新日期中、不晚于核验日期的最新一个。
    - `window: days`（默认）：最近一次更新距核验日期不超过 `days` 天（默认 365）；
    - `window: plan_year`：在计划年度内（1月1日至核验日期）更新过，对应“年底前形成
      主动公开事项目录，并动态更新”；核验日期在年底之前且本年尚未更新时为“提醒”
      （期限未到），年底时仍未更新为“不通过”。
    目录和条目都没有标注更新日期时，无法从目录本身判断，默认“无法核验”
    （`undated` 可改为 warn 或 fail，把“未标注更新日期”本身当作问题）。
    只有晚于核验日期的日期时也是“无法核验”。

    参数：
      window   days | plan_year
      days     天数，默认 365（window: days 时）
      undated  unknown（默认）| warn | fail

    通过：
      目录最近更新于2024-11-01（60天前），在365天内
    不通过：
      目录最近更新于2022-03-01，距核验日期2024-12-31已1036天，超过365天未更新
    无法核验：
      目录未标注更新日期，无法核验是否动态更新
    """
    rows, problem = rows_of(ctx)
    if problem:
        yield problem
        return
    # (date, catalog or row) of every date given; the evidence made for the one cited
    dated: list[tuple[dt.date, Catalog | CatalogItem]] = [(c.updated, c) for c in rows.catalogs if c.updated]
    dated += [(d, it) for d, it in zip(map(_UPDATED, rows.items), rows.items) if d]
    if not dated:
        msg = "目录未标注更新日期（目录和条目都没有），无法核验是否动态更新"
        yield {"unknown": unknown, "warn": warned, "fail": failed}[params.undated](msg)
        return
    past = [(d, r) for d, r in dated if d <= ctx.as_of]
    if not past:
        first = min(d for d, _ in dated)
        yield unknown(f"目录的更新日期（{first}）晚于核验日期{ctx.as_of}，无法判断核验日期时的状态")
        return
    latest, source = max(past, key=lambda p: p[0])
    ref = catalog_ref(source) if isinstance(source, Catalog) else item_ref(source)
    if params.window == "days":
        age = (ctx.as_of - latest).days
        if age <= params.days:
            yield passed(f"目录最近更新于{latest}（{age}天前），在{params.days}天内", [ref])
        else:
            yield failed(
                f"目录最近更新于{latest}，距核验日期{ctx.as_of}已{age}天，超过{params.days}天未更新", [ref]
            )
        return
    year = ctx.plan_year
    if latest >= dt.date(year, 1, 1):
        yield passed(f"目录已于{latest}在{year}年内更新", [ref])
    elif ctx.as_of < dt.date(year, 12, 31):
        yield warned(f"目录最近更新于{latest}，{year}年尚未更新（期限：{year}年12月31日）", [ref])
    else:
        yield failed(f"目录最近更新于{latest}，{year}年内未更新（应于年底前形成并动态更新）", [ref])
