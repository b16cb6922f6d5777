"""`gkcheck crawl`: fetch the configured website columns into the store.

    gkcheck crawl                       # gkcheck.yaml here: its sites, store (and demo site)
    gkcheck crawl fixtures/sites.yaml --base http://127.0.0.1:8000 --store gkcheck.db
    gkcheck crawl --resume              # carry on after Ctrl-C or a crash
    gkcheck crawl --unit 市民政局 --concurrency 1 --delay 2
    gkcheck crawl --processes 2         # hosts shared out among 2 processes (default: per core)

Exit codes: 0 the crawl ran to its end (failed pages are recorded and listed, and the
columns they belong to become "unreachable"); 2 bad input; 130 interrupted (what was
fetched is kept; `--resume` continues).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from gkcheck.errors import ConfigError, GkError

if TYPE_CHECKING:  # imported where used: every `gkcheck` command builds this parser
    from gkcheck.crawl.config import SitesConfig
    from gkcheck.crawl.crawler import CrawlStats

DEFAULT_STORE = "gkcheck.db"


@contextlib.contextmanager
def demo_base(
    config_dir: str | Path, serve_fixtures: str | None, config_file: str | Path | None = None
) -> Iterator[str | None]:
    """Serve `serve_fixtures` (relative to `config_dir`) on 127.0.0.1 (a free port) for the
    duration of the block and yield its base URL; yield None if `serve_fixtures` is empty."""
    if not serve_fixtures:
        yield None
        return
    from gkcheck.config import DEFAULT_CONFIG, safe_path
    from gkcheck.crawl.fixture_server import serve

    # like every path of gkcheck.yaml: relative ones may not leave the config's folder
    # (`../../etc` would put the machine's files on a local web server)
    shown = Path(config_file) if config_file else Path(config_dir) / DEFAULT_CONFIG
    root = safe_path(Path(config_dir), serve_fixtures, shown, "serve_fixtures")
    if not root.is_dir():
        raise ConfigError(f"演示网站文件夹不存在：{root}", shown, "serve_fixtures")
    with serve(root) as base:
        yield str(base)


def add_crawl_parser(subparsers):
    p = subparsers.add_parser(
        "crawl",
        help="抓取各单位网站栏目到本地存储（可中断，可续抓）",
        description="按网站栏目配置抓取各单位的栏目列表和文章，保存到 SQLite 存储（默认 gkcheck.db）。",
    )
    p.add_argument(
        "config", nargs="?", help="网站栏目配置（sites.yaml），或含 sites 的 gkcheck.yaml（默认当前文件夹的 gkcheck.yaml）"
    )
    p.add_argument("--store", help="存储文件（默认 gkcheck.db，或 gkcheck.yaml 中的 store）")
    p.add_argument("--unit", action="append", help="只抓取这些单位（可重复）")
    p.add_argument("--resume", action="store_true", help="继续上次未完成的抓取，已抓取的页面不再请求")
    p.add_argument("--base", help="替换网址中的 {base}，如 http://127.0.0.1:8000")
    p.add_argument("--concurrency", type=int, help="每个网站同时请求数（默认取配置，通常为 2）")
    p.add_argument("--delay", type=float, help="同一网站两次请求的间隔秒数（默认取配置，通常为 0.5）")
    p.add_argument(
        "--processes", type=int, help="抓取进程数，各网站分配给不同进程（默认按处理器核数，最多 4 个；栏目少于 8 个时为 1）"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="不显示进度")
    p.add_argument("--stats", help="把抓取统计写入该 JSON 文件")
    p.set_defaults(func=run_crawl)
    return p


def resolve_crawl_config(config: str | None) -> tuple[SitesConfig, Path | None, Path, str | None, list[Path]]:
    """(sites, store from gkcheck.yaml or None, config folder, serve_fixtures, the rule
    pack folders it names) for a path that is a sites config ([] packs) or a gkcheck.yaml
    naming one."""
    from gkcheck.crawl.config import load_sites, parse_sites
    from gkcheck.engine.yamlio import read_yaml

    path = Path(config or "gkcheck.yaml")
    if config is None and not path.exists():
        raise ConfigError("当前文件夹没有 gkcheck.yaml；请给出网站栏目配置文件，如 gkcheck crawl fixtures/sites.yaml")
    data = read_yaml(path, ConfigError)
    # a sites config lists units; so may a gkcheck.yaml (the audited ones), which names its sites
    if isinstance(data, dict) and "units" in data and not {"sites", "pack"} & set(data):
        return parse_sites(data, path), None, path.parent, None, []
    from gkcheck.config import load_config

    loaded = load_config(path)
    cfg = loaded.cfg
    if not cfg.sites:
        raise ConfigError("配置文件没有给出网站栏目配置（sites）", path, "sites")
    sites = load_sites(loaded.resolve(cfg.sites, "sites"))
    store = loaded.resolve(cfg.store, "store") if cfg.store else None
    return sites, store, loaded.base, cfg.serve_fixtures, loaded.resolve_all(cfg.packs, "pack")


def _unit_names(packs: list[Path]) -> dict[str, str] | None:
    """Name, short name or alias -> unit id from the packs a gkcheck.yaml names, so that
    `--unit` takes the names an audit takes; None without a pack."""
    if not packs:
        return None
    from gkcheck.engine.pack import load_pack, merge_packs

    return merge_packs([load_pack(d) for d in packs]).index.names_to_ids()


def run_crawl(args) -> int:
    from gkcheck.crawl.crawler import crawl
    from gkcheck.crawl.progress import make_progress

    sites, store_from_cfg, config_dir, fixtures, packs = resolve_crawl_config(getattr(args, "config", None))
    units = getattr(args, "unit", None)
    unit_names = _unit_names(packs) if units else None
    store = Path(args.store) if getattr(args, "store", None) else (store_from_cfg or Path(DEFAULT_STORE))
    progress = make_progress(sys.stderr, quiet=getattr(args, "quiet", False))
    base = getattr(args, "base", None)
    try:
        config_file = Path(getattr(args, "config", None) or "gkcheck.yaml")
        with demo_base(config_dir, None if base else fixtures, config_file) as served:
            stats = crawl(
                sites,
                store,
                units=units,
                unit_names=unit_names,
                resume=getattr(args, "resume", False),
                base=base or served,
                concurrency=getattr(args, "concurrency", None),
                delay=getattr(args, "delay", None),
                progress=progress,
                processes=getattr(args, "processes", None),
            )
    except KeyboardInterrupt:
        sys.stderr.write(f"gkcheck: 抓取已中断；已抓取的页面已保存在 {store}，可用 --resume 继续\n")
        return 130
    if getattr(args, "resume", False) and not stats.resumed:
        sys.stdout.write("没有未完成的抓取可以继续，已开始一次新的抓取\n")
    _report(stats, store, quiet=progress is None)
    if getattr(args, "stats", None):
        Path(args.stats).write_text(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _report(stats: CrawlStats, store: Path, quiet: bool) -> None:
    from gkcheck.crawl.crawler import ERROR_ZH

    out = sys.stdout
    if quiet:
        out.write(f"抓取结束：{stats.summary_zh()}\n")
    if stats.failures:
        out.write(f"失败的页面（{len(stats.failures)}）：\n")
        for f in stats.failures[:30]:
            kind = ERROR_ZH.get(f["kind"], f["kind"])
            out.write(f"  {f['unit']}/{f['column']} {f['url']}  [{kind}] {f['error']}\n")
        if len(stats.failures) > 30:
            out.write(f"  ……另有 {len(stats.failures) - 30} 个\n")
    out.write(f"存储：{store}\n")


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (`python -m gkcheck.crawl ...`) with the same options."""
    import argparse

    parser = argparse.ArgumentParser(prog="gkcheck")
    sub = parser.add_subparsers(dest="command")
    add_crawl_parser(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "crawl":
        argv.insert(0, "crawl")
    args = parser.parse_args(argv)
    try:
        return run_crawl(args)
    except GkError as exc:
        sys.stderr.write(f"gkcheck: 错误：{exc.render()}\n")
        return 2
