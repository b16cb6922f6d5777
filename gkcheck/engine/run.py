"""The check / audit / validate pipelines behind the CLI: resolve inputs, gather
evidence, evaluate, post-process (waivers, baseline, scores) and write reports."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from gkcheck.config import DEFAULT_CONFIG, LoadedConfig, load_config
from gkcheck.engine.evaluate import evaluate
from gkcheck.engine.gather import Gathered, Sources, gather
from gkcheck.engine.pack import Pack, load_pack, merge_packs
from gkcheck.engine.selectors import UnknownSelector
from gkcheck.engine.timings import NoTimes, PhaseTimes
from gkcheck.errors import ConfigError, GkError
from gkcheck.model import AuditResult

EXIT_BAD_INPUT = 2


@dataclass
class Inputs:
    config: LoadedConfig
    pack: Pack
    sources: Sources
    as_of: dt.date
    units: list[str]
    jobs: int = 0  # processes for evaluating (0: one per processor, for large audits)


def find_config(args) -> LoadedConfig:
    path = getattr(args, "config", None)
    if path:
        if not Path(path).exists():
            raise ConfigError("配置文件不存在", path)
        return load_config(path)
    if Path(DEFAULT_CONFIG).exists():
        return load_config(DEFAULT_CONFIG)
    return load_config(None)


def load_packs(args, cfg: LoadedConfig) -> Pack:
    if getattr(args, "rules", None):
        dirs = [Path(d) for d in args.rules]
    else:
        dirs = cfg.resolve_all(cfg.cfg.packs, "pack")
    if not dirs:
        raise ConfigError(
            "未指定规则包：请用 --rules 指定规则包文件夹，或在 gkcheck.yaml 中写 pack:",
            cfg.path or DEFAULT_CONFIG,
        )
    return merge_packs([load_pack(d) for d in dirs])


def resolve_inputs(args) -> Inputs:
    cfg = find_config(args)
    pack = load_packs(args, cfg)
    c = cfg.cfg

    def pick(flag, key, many=True):
        val = getattr(args, flag, None)
        if val:
            return [Path(v) for v in val] if many else Path(val)
        conf = getattr(c, key)
        if many:
            return cfg.resolve_all(conf, key)
        return cfg.resolve(conf, key)

    sources = Sources(
        catalogs=pick("catalogs", "catalogs"),
        ledgers=pick("ledgers", "ledgers"),
        reports=pick("reports", "reports"),
        sites=pick("sites", "sites", many=False),
        store=pick("store", "store", many=False),
        history=cfg.resolve(c.history, "history"),
        base=cfg.base if cfg.path else Path.cwd(),
    )
    as_of = getattr(args, "as_of", None) or c.as_of or pack.as_of or dt.date.today()
    units = list(getattr(args, "unit", None) or c.units or [])
    for sel in units:
        try:
            pack.index.expand(sel)
        except UnknownSelector:
            msg = f"未知的单位或分组“{sel}”（规则包 {pack.id} 的单位表中没有）"
            if getattr(args, "unit", None):
                raise ConfigError(msg, "--unit") from None
            raise ConfigError(msg, cfg.path or DEFAULT_CONFIG, "units") from None
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 0:
        raise ConfigError("--jobs 应为 0（按处理器数）或正整数", "--jobs")
    return Inputs(cfg, pack, sources, as_of, units, jobs if jobs is not None else 0)


def run_pipeline(inp: Inputs, times: PhaseTimes | None = None) -> tuple[AuditResult, Gathered]:
    from gkcheck.engine.evaluate import select_units

    times = times or NoTimes()
    chosen = [u.id for u in select_units(inp.pack, inp.units)]
    with times.phase("准备证据"):
        gathered = gather(inp.pack, inp.sources, chosen, lazy=True)
    try:
        with times.phase(f"检查 {len(chosen)} 个单位"):
            result = evaluate(inp.pack, gathered.evidence, as_of=inp.as_of, units=inp.units or None, jobs=inp.jobs)
            gathered.finish()
    finally:
        gathered.close()
    result.errors = [*gathered.errors, *result.errors]
    result.notes = [*gathered.notes, *result.notes]
    return result, gathered


def postprocess(result: AuditResult, args, cfg: LoadedConfig) -> AuditResult:
    """Waivers, baseline and scores (gkcheck.report.finalize); a new baseline is written
    from the full result, before the old baseline hides anything."""
    from gkcheck.report import finalize
    from gkcheck.report.baseline import write_baseline

    waivers_path = getattr(args, "waivers", None) or cfg.resolve(cfg.cfg.waivers, "waivers")
    if getattr(args, "write_baseline", None):
        write_baseline(finalize(result, waivers=waivers_path), Path(args.write_baseline))
    return finalize(result, waivers=waivers_path, baseline=getattr(args, "baseline", None))


def _formats(args, default: list[str]) -> list[str]:
    from gkcheck.report import parse_formats

    return parse_formats(getattr(args, "format", None) or default)


def emit(result: AuditResult, args, formats: list[str], output_dir: Path | None) -> None:
    """Write or print the result in the asked formats."""
    from gkcheck.report import render, write_report, write_reports
    from gkcheck.report.text import print_result

    out_file = getattr(args, "output", None)
    if output_dir is not None:
        written = write_reports(result, formats, output_dir)
        if "text" in formats or not out_file:
            print_result(result, console=_console(args))
        sys.stderr.write("已写入：" + "，".join(str(p) for p in written) + "\n")
        return
    if out_file:
        if len(formats) != 1:
            raise ConfigError("--output 只能用于单一格式；多种格式请用 --output-dir", "--output")
        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        write_report(result, formats[0], Path(out_file))
        sys.stderr.write(f"已写入：{out_file}\n")
        return
    for fmt in formats:
        if fmt == "text":
            print_result(result, console=_console(args))
        elif fmt == "xlsx":
            raise ConfigError("xlsx 格式需要 --output 文件或 --output-dir 文件夹", "--format")
        else:
            sys.stdout.buffer.write(render(result, fmt))
            sys.stdout.flush()


def _console(args):
    from rich.console import Console

    no_color = getattr(args, "no_color", False)
    return Console(no_color=no_color, highlight=False, soft_wrap=True)


def finish(result: AuditResult, gathered: Gathered | None, args, cfg: LoadedConfig) -> int:
    from gkcheck.report import exit_code

    fail_on = getattr(args, "fail_on", None) or cfg.cfg.fail_on
    for err in result.errors:
        sys.stderr.write(f"gkcheck: 错误：{err}\n")
    if gathered is not None and gathered.errors:
        return EXIT_BAD_INPUT
    return exit_code(result, fail_on)


def _times(args) -> PhaseTimes:
    """Phase timing as `--timings` asks: shown at the end, or not taken."""
    return PhaseTimes() if getattr(args, "timings", False) else NoTimes()


def check_command(args) -> int:
    times = _times(args)
    with times.phase("读取配置和规则"):
        inp = resolve_inputs(args)
    result, gathered = run_pipeline(inp, times)
    with times.phase("豁免、基线和计分"):
        result = postprocess(result, args, inp.config)
    out_dir = Path(args.output_dir) if getattr(args, "output_dir", None) else None
    with times.phase("输出结果"):
        emit(result, args, _formats(args, ["text"]), out_dir)
    code = finish(result, gathered, args, inp.config)
    if not isinstance(times, NoTimes):
        sys.stderr.write(times.line() + "\n")
    return code


def audit_command(args) -> int:
    """Crawl (serving the demo fixture site if configured), check, report into out/."""
    times = _times(args)
    with times.phase("读取配置和规则"):
        inp = resolve_inputs(args)
    cfg = inp.config
    if inp.sources.sites and not getattr(args, "no_crawl", False):
        with times.phase("抓取网站栏目"):
            crawl_for_audit(inp, args)
    result, gathered = run_pipeline(inp, times)
    with times.phase("豁免、基线和计分"):
        result = postprocess(result, args, cfg)
    out_dir = Path(getattr(args, "output_dir", None) or cfg.resolve(cfg.cfg.output, "output"))
    formats = _formats(args, cfg.cfg.formats)
    if "json" not in formats:
        formats.append("json")
    with times.phase("输出结果"):
        emit(result, args, formats, out_dir)
    code = finish(result, gathered, args, cfg)
    if not isinstance(times, NoTimes):
        sys.stderr.write(times.line() + "\n")
    return code


def crawl_for_audit(inp: Inputs, args) -> None:
    """Crawl the configured columns of the audited units into the store; for the demo,
    serve the fixture site on 127.0.0.1 while crawling."""
    from gkcheck.crawl.cli import demo_base
    from gkcheck.crawl.config import load_sites
    from gkcheck.crawl.crawler import crawl
    from gkcheck.crawl.progress import make_progress
    from gkcheck.engine.evaluate import select_units

    sites = load_sites(inp.sources.sites)
    names = inp.pack.index.names_to_ids()
    configured = {names.get(u.unit, u.unit) for u in sites.units}
    units = None
    if inp.units:
        units = [u.id for u in select_units(inp.pack, inp.units) if u.id in configured]
        if not units:
            return
    store = inp.sources.store or Path("gkcheck.db")
    with demo_base(inp.config.base, inp.config.cfg.serve_fixtures, inp.config.path) as served:
        crawl(
            sites,
            store,
            units=units,
            resume=getattr(args, "resume", False),
            base=served,
            concurrency=getattr(args, "concurrency", None),
            delay=getattr(args, "delay", None),
            progress=make_progress(sys.stderr),
            unit_names=names,
        )


def validate_command(args) -> int:
    """A department checks one catalog file: only the catalog rules, for its own unit."""
    from gkcheck.checks.registry import get_kind
    from gkcheck.engine.evaluate import evaluate as _evaluate
    from gkcheck.sources.catalog import load_catalog

    cfg = find_config(args)
    pack = load_packs(args, cfg)
    unit = pack.index.unit(args.unit)
    if unit is None:
        raise ConfigError(f"未知的单位“{args.unit}”（规则包 {pack.id} 的单位表中没有）", "--unit")
    path = Path(args.file)
    catalog = load_catalog(path, unit=unit.name)
    from gkcheck.model import UnitEvidence

    evidence = {unit.id: UnitEvidence(unit_id=unit.id, catalogs=[catalog])}
    catalog_pack = _only_catalog_rules(pack, get_kind)
    as_of = args.as_of or cfg.cfg.as_of or pack.as_of or dt.date.today()
    result = _evaluate(catalog_pack, evidence, as_of=as_of, units=[unit.id])
    if catalog.warnings:
        result.notes = [*catalog.warnings, *result.notes]
    result = postprocess(result, args, cfg)
    out_dir = Path(args.output_dir) if getattr(args, "output_dir", None) else None
    emit(result, args, _formats(args, ["text"]), out_dir)
    return finish(result, None, args, cfg)


def _only_catalog_rules(pack: Pack, get_kind) -> Pack:
    import copy

    sub = copy.copy(pack)
    sub.rules = [r for r in pack.rules if r.check and get_kind(r.check).needs == "catalog"]
    return sub


__all__ = ["check_command", "audit_command", "validate_command", "resolve_inputs", "GkError"]
