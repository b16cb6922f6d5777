"""Build each unit's evidence from the configured sources (the only I/O before reports).

Files are matched to units by the unit they declare, else by the longest unit name or
alias found in their path (`catalogs/市民政局主动公开事项目录.xlsx` → 市民政局). A file
that cannot be read is recorded as an error for its unit; that unit's checks on the
evidence answer `unknown`, never `fail`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gkcheck.engine.pack import Pack
from gkcheck.engine.selectors import name_key
from gkcheck.errors import GkError
from gkcheck.model import UnitEvidence

CATALOG_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".yaml", ".yml"}
LEDGER_SUFFIXES = {".xlsx", ".yaml", ".yml"}
REPORT_SUFFIXES = {".pdf", ".html", ".htm", ".txt"}


@dataclass
class Sources:
    """Where evidence comes from; any of these may be absent."""

    catalogs: list[Path] = field(default_factory=list)  # files or folders
    ledgers: list[Path] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    sites: Path | None = None
    store: Path | None = None
    history: Path | None = None
    base: Path | None = None  # paths in messages are shown relative to this


@dataclass
class Gathered:
    evidence: dict[str, UnitEvidence]
    errors: list[str] = field(default_factory=list)  # fatal-for-the-file problems (exit 2)
    notes: list[str] = field(default_factory=list)  # unmatched files and the like


def expand_files(paths: list[Path], suffixes: set[str]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith((".", "~$"))
            )
        else:
            out.append(p)
    return out


def match_unit(pack: Pack, text: str) -> str | None:
    """The unit whose longest name or alias occurs in `text` (a path or a title)."""
    key = name_key(text)
    best: tuple[int, str] | None = None
    for unit in pack.index.units.values():
        for n in unit.all_names():
            nk = name_key(n)
            if len(nk) >= 2 and nk in key and (best is None or len(nk) > best[0]):
                best = (len(nk), unit.id)
    return best[1] if best else None


def display_path(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)


def gather(pack: Pack, sources: Sources, unit_ids: list[str] | None = None) -> Gathered:
    wanted = set(unit_ids) if unit_ids else set(pack.index.units)
    ev = {uid: UnitEvidence(unit_id=uid) for uid in wanted}
    out = Gathered(ev)
    if sources.catalogs:
        _gather_catalogs(pack, sources, out, wanted)
    if sources.ledgers:
        _gather_ledgers(pack, sources, out, wanted)
    if sources.sites:
        _gather_columns(pack, sources, out, wanted)
        _gather_store_reports(pack, sources, out, wanted)
    if sources.reports:
        _gather_reports(pack, sources, out, wanted)
    if sources.history:
        _gather_history(pack, sources, out, wanted)
    return out


def _gather_catalogs(pack: Pack, sources: Sources, out: Gathered, wanted: set[str]) -> None:
    from gkcheck.sources.catalog import load_catalog

    for uid in wanted:
        out.evidence[uid].catalogs = []
    for path in expand_files(sources.catalogs, CATALOG_SUFFIXES):
        shown = display_path(path, sources.base)
        uid = match_unit(pack, shown)
        try:
            catalog = load_catalog(path, base=sources.base)
        except GkError as exc:
            out.errors.append(exc.render())
            if uid in out.evidence:
                out.evidence[uid].catalog_errors.append(exc.render())
            elif uid is None:
                out.notes.append(f"{shown}: 无法判断属于哪个单位，且文件无法读取")
            continue
        if catalog.unit:
            declared = pack.index.unit(catalog.unit)
            if declared is None:
                out.errors.append(f"{shown}: 目录声明的单位“{catalog.unit}”不在规则包的单位表中")
                continue
            uid = declared.id
        elif uid is None and catalog.title:
            uid = match_unit(pack, catalog.title)
        if uid is None:
            out.notes.append(f"{shown}: 无法判断属于哪个单位（文件名或标题中应含单位名称），已跳过")
            continue
        if uid in out.evidence:
            out.evidence[uid].catalogs.append(catalog)


def _gather_ledgers(pack: Pack, sources: Sources, out: Gathered, wanted: set[str]) -> None:
    from gkcheck.sources.ledger import ledger_unit, load_ledger

    # A ledger source is configured: a unit that submitted nothing has an empty ledger
    # (the plan requires every unit to keep one), not a missing one.
    for uid in wanted:
        out.evidence[uid].ledger = []
    for path in expand_files(sources.ledgers, LEDGER_SUFFIXES):
        shown = display_path(path, sources.base)
        try:
            declared = ledger_unit(path)
            entries = load_ledger(path, base=sources.base)
        except GkError as exc:
            out.errors.append(exc.render())
            continue
        unit = pack.index.unit(declared) if declared else None
        uid = unit.id if unit else match_unit(pack, shown)
        if uid is None:
            out.notes.append(f"{shown}: 无法判断台账属于哪个单位，已跳过")
            continue
        if uid in out.evidence:
            ev = out.evidence[uid]
            ev.ledger = [*(ev.ledger or []), *entries]


def _gather_columns(pack: Pack, sources: Sources, out: Gathered, wanted: set[str]) -> None:
    from gkcheck.crawl.config import load_sites
    from gkcheck.crawl.evidence import columns_from_store

    sites = load_sites(sources.sites)
    store = sources.store or Path("gkcheck.db")
    by_unit = columns_from_store(store, sites, pack.index.names_to_ids())
    for uid, columns in by_unit.items():
        if uid in out.evidence:
            out.evidence[uid].columns = columns


def _gather_store_reports(pack: Pack, sources: Sources, out: Gathered, wanted: set[str]) -> None:
    """Annual reports found by the crawl in each unit's 年度报告 column (before any
    file-based reports, which are added after them)."""
    from gkcheck.crawl.config import load_sites
    from gkcheck.crawl.reports import reports_from_store

    sites = load_sites(sources.sites)
    store = sources.store or Path("gkcheck.db")
    for uid, docs in reports_from_store(store, sites, pack.index.names_to_ids()).items():
        if uid in out.evidence and docs is not None:
            out.evidence[uid].annual_reports = [*(out.evidence[uid].annual_reports or []), *docs]


def _gather_reports(pack: Pack, sources: Sources, out: Gathered, wanted: set[str]) -> None:
    from gkcheck.model import AnnualReportDoc
    from gkcheck.sources.annual_report import parse_report

    for path in expand_files(sources.reports, REPORT_SUFFIXES):
        shown = display_path(path, sources.base)
        uid = match_unit(pack, shown)
        if uid is None or uid not in out.evidence:
            if uid is None:
                out.notes.append(f"{shown}: 无法判断年度报告属于哪个单位，已跳过")
            continue
        try:
            parsed = parse_report(path)
            doc = AnnualReportDoc(year=getattr(parsed, "year", None), source=shown, parsed=parsed)
        except GkError as exc:
            doc = AnnualReportDoc(source=shown, error=exc.message)
        ev = out.evidence[uid]
        ev.annual_reports = [*(ev.annual_reports or []), doc]


def _gather_history(pack: Pack, sources: Sources, out: Gathered, wanted: set[str]) -> None:
    from gkcheck.engine.yamlio import read_yaml
    from gkcheck.errors import SourceError

    data = read_yaml(sources.history, SourceError) or {}
    if not isinstance(data, dict):
        raise SourceError("历史数据文件应为“单位名称: {...}”形式的键值映射", sources.history)
    for name, hist in data.items():
        unit = pack.index.unit(str(name))
        if unit is None:
            raise SourceError(f"单位“{name}”不在规则包的单位表中", sources.history)
        if unit.id in out.evidence and isinstance(hist, dict):
            out.evidence[unit.id].history.update(hist)
