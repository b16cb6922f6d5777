"""Build each unit's evidence from the configured sources (the only I/O before reports).

Files are matched to units by the unit they declare, else by the longest unit name or
alias found in their path (`catalogs/市民政局主动公开事项目录.xlsx` → 市民政局). A file
that cannot be read is recorded as an error for its unit; that unit's checks on the
evidence answer `unknown`, never `fail`.

With `lazy=True` (what `gkcheck check` and `audit` use), the bulky evidence (each unit's
catalog rows and crawled posts) is read only when the unit's evidence is asked for, and
is not kept: an audit of thousands of units holds one unit's rows and posts at a time.
Files are still matched to units up front, and errors and notes come out in the same
order as when everything is read at once (call `Gathered.finish()` after evaluating).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gkcheck.engine.pack import Pack
from gkcheck.errors import GkError
from gkcheck.model import Catalog, UnitEvidence
from gkcheck.sources.files import display_path

CATALOG_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".yaml", ".yml"}
LEDGER_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".yaml", ".yml"}
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
    evidence: Mapping[str, UnitEvidence]  # a dict, or a LazyEvidence with lazy=True
    errors: list[str] = field(default_factory=list)  # fatal-for-the-file problems (exit 2)
    notes: list[str] = field(default_factory=list)  # unmatched files and the like

    def finish(self) -> None:
        """Read what a lazy gathering has not read yet (for its errors) and close the
        crawl store. Does nothing for an eager one."""
        if isinstance(self.evidence, LazyEvidence):
            self.evidence.finish()

    def close(self) -> None:
        """Close the crawl store a lazy gathering reads from (finish() does it too)."""
        if isinstance(self.evidence, LazyEvidence):
            self.evidence.close()


class LazyEvidence(Mapping[str, UnitEvidence]):
    """unit id -> UnitEvidence. The parts read up front (ledgers, annual reports,
    history) are kept; a unit's catalogs and web columns are read each time its
    evidence is asked for, and are not kept."""

    def __init__(self, base: dict[str, UnitEvidence]):
        self.base = base
        self.catalogs: _CatalogPlan | None = None
        self.ledgers: _LedgerPlan | None = None
        self.columns = None  # gkcheck.crawl.evidence.StoreColumns
        self.reports = None  # gkcheck.crawl.reports.StoreReports

    def __getitem__(self, uid: str) -> UnitEvidence:
        ev = self.base[uid]
        update: dict = {}
        if self.catalogs is not None:
            cats, errors = self.catalogs.load(uid)
            update["catalogs"] = [*(ev.catalogs or []), *cats]
            if errors:
                update["catalog_errors"] = [*ev.catalog_errors, *errors]
        if self.ledgers is not None:
            entries = self.ledgers.load(uid)
            if entries:
                update["ledger"] = [*(ev.ledger or []), *entries]
        if self.columns is not None and uid in self.columns.unit_ids:
            update["columns"] = self.columns.columns(uid)
        if self.reports is not None:
            found, docs = self.reports.reports(uid)
            if found and docs is not None:  # the crawl's reports come before those of report files
                update["annual_reports"] = [*docs, *(ev.annual_reports or [])]
        return ev.model_copy(update=update) if update else ev

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)

    def plans(self) -> list[_FilePlan]:
        return [p for p in (self.catalogs, self.ledgers) if p is not None]

    def finish(self) -> None:
        try:
            for plan in self.plans():
                plan.load_rest()
        finally:
            self.close()

    # -- evaluating in forked processes (gkcheck.engine.parallel) ---------------------

    def after_fork(self) -> None:
        """In a forked process: a connection of its own to the store, and a fresh list
        of what it reads."""
        for reader in (self.columns, self.reports):
            if reader is not None:
                reader.after_fork()
        for plan in self.plans():
            plan.forked = []

    def child_state(self) -> dict:
        """What a forked process read: catalog and ledger files (by number) and their errors."""
        return {
            plan.what: {"read": set(plan.read), "errors": list(plan.forked or [])} for plan in self.plans()
        }

    def merge_child_state(self, state: dict) -> None:
        for plan in self.plans():
            got = (state or {}).get(plan.what)
            if not got:
                continue
            for slot, message in got["errors"]:
                if slot not in plan.read:
                    plan.error(slot, message)
            plan.read |= got["read"]

    def close(self) -> None:
        for reader in (self.columns, self.reports):
            if reader is not None:
                reader.close()


class _ErrorSlots:
    """The file-read errors of the file plans, kept at the head of `out.errors` in file
    order (catalog files first, then ledgers: ledger slots are offset), whenever each
    file happens to be read."""

    def __init__(self, out: Gathered):
        self.out = out
        self.slots: list[int] = []

    def insert(self, slot: int, message: str) -> None:
        at = bisect.bisect(self.slots, slot)
        self.slots.insert(at, slot)
        self.out.errors.insert(at, message)


class _FilePlan:
    """Which files of one kind belong to which unit, decided up front; the files of the
    audited units are read when asked for (`load`), in whatever process evaluates the
    unit. A file read up front is kept as what it gave; a file that could not be, as its
    error message."""

    what = "files"

    def __init__(self, sources: Sources, slots: _ErrorSlots, offset: int = 0):
        self.sources = sources
        self.slots = slots
        self.offset = offset  # this plan's file numbers start here among all error slots
        # unit id -> its files in order: (file number, a Path to read when asked, what
        # was read up front, or an error message)
        self.by_unit: dict[str, list[tuple[int, object]]] = {}
        self.read: set[int] = set()  # deferred files read at least once
        self.shown: dict[Path, str] = {}  # a deferred file -> its path as messages show it
        self.forked: list[tuple[int, str]] | None = None  # errors met in a forked process

    def error(self, slot: int, message: str) -> None:
        self.slots.insert(self.offset + slot, message)
        if self.forked is not None:
            self.forked.append((slot, message))

    def add(self, uid: str, slot: int, item: object, shown: str | None = None) -> None:
        """`shown`: for a file read later, its `display_path` (worked out once)."""
        self.by_unit.setdefault(uid, []).append((slot, item))
        if shown is not None:
            self.shown[item] = shown

    def read_file(self, uid: str, path: Path):
        raise NotImplementedError

    def load_rest(self) -> None:
        for uid, items in self.by_unit.items():
            if any(isinstance(item, Path) and slot not in self.read for slot, item in items):
                self.load(uid)


class _CatalogPlan(_FilePlan):
    """Catalog files by unit; errors also go to the unit's `catalog_errors`, so that its
    catalog checks answer `unknown`."""

    what = "catalogs"

    def read_file(self, uid: str, path: Path) -> Catalog:
        from gkcheck.sources.catalog import load_catalog

        return load_catalog(path, base=self.sources.base, display=self.shown.get(path))

    def load(self, uid: str) -> tuple[list[Catalog], list[str]]:
        cats: list[Catalog] = []
        errors: list[str] = []
        for slot, item in self.by_unit.get(uid, []):
            if isinstance(item, Catalog):
                cats.append(item)
                continue
            if isinstance(item, str):
                errors.append(item)
                continue
            try:
                cats.append(self.read_file(uid, item))
            except GkError as exc:
                errors.append(exc.render())
                if slot not in self.read:
                    self.error(slot, exc.render())
            self.read.add(slot)
        return cats, errors


class _LedgerPlan(_FilePlan):
    """Ledger files by unit. A YAML ledger whose path names an audited unit is read when
    that unit is evaluated; if it declares another unit, that is an error (the unit it
    names may have been evaluated already)."""

    what = "ledgers"

    def __init__(self, sources: Sources, slots: _ErrorSlots, offset: int, pack: Pack):
        super().__init__(sources, slots, offset)
        self.pack = pack

    def read_file(self, uid: str, path: Path) -> list:
        from gkcheck.sources.ledger import read_ledger

        declared, entries = read_ledger(path, base=self.sources.base, display=self.shown.get(path))
        if declared:
            unit = self.pack.index.unit(declared)
            if unit is None or unit.id != uid:
                named = self.pack.index.units[uid].name
                raise GkError(
                    f"台账声明的单位“{declared}”与文件名中的单位“{named}”不一致，请更正其中之一",
                    display_path(path, self.sources.base),
                )
        return entries

    def load(self, uid: str) -> list:
        entries: list = []
        for slot, item in self.by_unit.get(uid, []):
            if isinstance(item, list):
                entries += item
                continue
            try:  # read each time asked (not kept); its error is told once
                entries += self.read_file(uid, item)
            except GkError as exc:
                if slot not in self.read:
                    self.error(slot, exc.render())
            self.read.add(slot)
        return entries


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
    return pack.index.longest_name_in(text)


def gather(pack: Pack, sources: Sources, unit_ids: list[str] | None = None, *, lazy: bool = False) -> Gathered:
    wanted = set(unit_ids) if unit_ids else set(pack.index.units)
    ev = {uid: UnitEvidence(unit_id=uid) for uid in wanted}
    lazy_ev = LazyEvidence(ev)
    out = Gathered(ev)  # the parts read up front go straight into `ev`
    try:
        _gather(pack, sources, out, wanted, lazy_ev)
    except BaseException:
        lazy_ev.close()
        raise
    if lazy:
        out.evidence = lazy_ev
    else:
        out.evidence = {uid: lazy_ev[uid] for uid in ev}
        lazy_ev.finish()
    return out


def _gather(pack: Pack, sources: Sources, out: Gathered, wanted: set[str], lazy_ev: LazyEvidence) -> None:
    if sources.catalogs:
        _gather_catalogs(pack, sources, out, wanted, lazy_ev)
    if sources.ledgers:
        _gather_ledgers(pack, sources, out, wanted, lazy_ev)
    if sources.sites:
        from gkcheck.crawl.config import load_sites

        sites = load_sites(sources.sites)  # read once for both (a province's runs to megabytes)
        _gather_columns(pack, sources, out, wanted, lazy_ev, sites)
        _gather_store_reports(pack, sources, out, wanted, sites, lazy_ev)
    if sources.reports:
        _gather_reports(pack, sources, out, wanted)
    if sources.history:
        _gather_history(pack, sources, out, wanted)


# Catalog files whose readers never declare a unit (Catalog.unit stays None), so that the
# unit matched by the file's path is final and the file can be read later, when needed.
DEFERRABLE_CATALOGS = {".xlsx", ".xlsm", ".xls", ".csv"}


def _gather_catalogs(pack: Pack, sources: Sources, out: Gathered, wanted: set[str], lazy_ev: LazyEvidence) -> None:
    from gkcheck.sources.catalog import load_catalog

    base = lazy_ev.base
    plan = lazy_ev.catalogs = _CatalogPlan(sources, _error_slots(out, lazy_ev))
    for uid in wanted:
        base[uid].catalogs = []
    for slot, path in enumerate(expand_files(sources.catalogs, CATALOG_SUFFIXES)):
        shown = display_path(path, sources.base)
        uid = match_unit(pack, shown)
        if uid is not None and path.suffix.lower() in DEFERRABLE_CATALOGS:
            # its path names its unit for good: read later if that unit is audited,
            # never if another is (checking one unit of a province reads one catalog)
            if uid in base:
                plan.add(uid, slot, path, shown)
            continue
        try:
            catalog = load_catalog(path, base=sources.base)
        except GkError as exc:
            plan.error(slot, exc.render())
            if uid in base:
                plan.add(uid, slot, exc.render())
            elif uid is None:
                out.notes.append(f"{shown}: 无法判断属于哪个单位，且文件无法读取")
            continue
        if catalog.unit:
            declared = pack.index.unit(catalog.unit)
            if declared is None:
                plan.error(slot, f"{shown}: 目录声明的单位“{catalog.unit}”不在规则包的单位表中")
                continue
            uid = declared.id
        elif uid is None and catalog.title:
            uid = match_unit(pack, catalog.title)
        if uid is None:
            out.notes.append(f"{shown}: 无法判断属于哪个单位（文件名或标题中应含单位名称），已跳过")
            continue
        if uid in base:
            plan.add(uid, slot, catalog)


def _error_slots(out: Gathered, lazy_ev: LazyEvidence | None) -> _ErrorSlots:
    """The error slots every file plan of a gathering shares."""
    for plan in lazy_ev.plans() if lazy_ev is not None else []:
        return plan.slots
    return _ErrorSlots(out)


# Ledger files whose unit can be told from the path alone and read later (a YAML ledger
# declaring another unit is an error then); an xlsx ledger's unit line is read up front.
DEFERRABLE_LEDGERS = {".yaml", ".yml"}
LEDGER_SLOTS = 1 << 40  # ledger file numbers start here among the error slots: after every catalog


def _gather_ledgers(
    pack: Pack, sources: Sources, out: Gathered, wanted: set[str], lazy_ev: LazyEvidence | None = None
) -> None:
    from gkcheck.sources.ledger import read_ledger

    # A ledger source is configured: a unit that submitted nothing has an empty ledger
    # (the plan requires every unit to keep one), not a missing one.
    for uid in wanted:
        out.evidence[uid].ledger = []
    files = expand_files(sources.ledgers, LEDGER_SUFFIXES)
    plan = _LedgerPlan(sources, _error_slots(out, lazy_ev), LEDGER_SLOTS, pack)
    if lazy_ev is not None:
        lazy_ev.ledgers = plan
    for slot, path in enumerate(files):
        shown = display_path(path, sources.base)
        matched = match_unit(pack, shown)
        if matched is not None and path.suffix.lower() in DEFERRABLE_LEDGERS:
            if matched in out.evidence:  # another unit's ledger is not read at all
                plan.add(matched, slot, path, shown)
            continue
        try:
            declared, entries = read_ledger(path, base=sources.base)
        except GkError as exc:
            plan.error(slot, exc.render())
            continue
        unit = pack.index.unit(declared) if declared else None
        uid = unit.id if unit else matched
        if uid is None:
            out.notes.append(f"{shown}: 无法判断台账属于哪个单位，已跳过")
            continue
        if uid in out.evidence:
            plan.add(uid, slot, entries)


def _gather_columns(
    pack: Pack, sources: Sources, out: Gathered, wanted: set[str], lazy_ev: LazyEvidence, sites
) -> None:
    from gkcheck.crawl.evidence import StoreColumns

    store = sources.store or Path("gkcheck.db")
    lazy_ev.columns = StoreColumns(store, sites, pack.index.names_to_ids())


def _gather_store_reports(
    pack: Pack, sources: Sources, out: Gathered, wanted: set[str], sites=None, lazy_ev: LazyEvidence | None = None
) -> None:
    """Annual reports found by the crawl in each unit's 年度报告 column (before any
    file-based reports, which are added after them); with `lazy_ev`, read unit by unit."""
    from gkcheck.crawl.config import load_sites
    from gkcheck.crawl.reports import StoreReports, reports_from_store

    sites = sites if sites is not None else load_sites(sources.sites)
    store = sources.store or Path("gkcheck.db")
    if lazy_ev is not None:
        lazy_ev.reports = StoreReports(store, sites, pack.index.names_to_ids())
        return
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
