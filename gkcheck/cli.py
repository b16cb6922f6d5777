"""The command line: a thin layer over the library. Errors become one Chinese line and
exit code 2 here, in one place.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from gkcheck import __version__
from gkcheck.errors import GkError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese usage errors and exit code 2."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        sys.stderr.write(f"gkcheck: 命令行参数错误：{_zh_argparse(message)}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _zh_argparse(msg: str) -> str:
    msg = msg.replace("the following arguments are required", "缺少必填参数")
    msg = msg.replace("unrecognized arguments", "无法识别的参数")
    msg = msg.replace("invalid choice", "无效的选项").replace("choose from", "可选")
    msg = msg.replace("expected one argument", "需要一个取值")
    msg = msg.replace("argument", "参数")
    return msg


def _date(text: str) -> dt.date:
    from gkcheck.text.dates import parse_date

    d = parse_date(text)
    if d is None:
        raise argparse.ArgumentTypeError(f"无法识别的日期“{text}”（示例：2024-12-31）")
    return d


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="gkcheck",
        description="政务公开合规检查：按规则包检查各单位的主动公开目录、网站栏目和工作台账。",
    )
    p.add_argument("--version", action="version", version=f"gkcheck {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    c = sub.add_parser("check", help="按规则检查各单位（读取 gkcheck.yaml）")
    _add_source_args(c)
    _add_output_args(c)
    _add_timings_arg(c)
    c.set_defaults(func=_run_check)

    a = sub.add_parser("audit", help="完整审计：抓取网站栏目、检查、生成报告到输出文件夹")
    _add_source_args(a)
    _add_output_args(a)
    _add_timings_arg(a)
    a.add_argument("--resume", action="store_true", help="从上次中断处继续抓取")
    a.add_argument("--no-crawl", action="store_true", help="不抓取，只用存储中已有的数据")
    a.add_argument("--concurrency", type=int, help="每个网站同时请求数")
    a.add_argument("--delay", type=float, help="同一网站两次请求间隔（秒）")
    a.set_defaults(func=_run_audit)

    v = sub.add_parser("validate", help="部门自查：检查一个目录文件（发布前）")
    v.add_argument("file", help="目录文件（xlsx、csv 或 yaml）")
    v.add_argument("--unit", required=True, help="本单位名称，如 市民政局")
    v.add_argument("--config", help="配置文件（默认当前文件夹的 gkcheck.yaml，用于找到规则包）")
    v.add_argument("--rules", action="append", help="规则包文件夹（可重复）")
    v.add_argument("--as-of", type=_date, help="检查日期（默认规则包设定或今天）")
    _add_output_args(v)
    v.set_defaults(func=_run_validate)

    r = sub.add_parser("rules", help="查看规则：list、show ID、coverage、test")
    r.add_argument("action", choices=["list", "show", "coverage", "test"], help="list | show | coverage | test")
    r.add_argument("id", nargs="?", help="规则编号或检查类型（用于 show）")
    r.add_argument("--config", help="配置文件（默认当前文件夹的 gkcheck.yaml）")
    r.add_argument("--rules", action="append", help="规则包文件夹（可重复）")
    r.set_defaults(func=_run_rules)

    _add_optional_subcommands(sub)
    return p


def _add_optional_subcommands(sub) -> None:
    """Subcommands whose code lives with its family (crawl, report)."""
    try:
        from gkcheck.crawl.cli import add_crawl_parser
    except ImportError:
        pass
    else:
        add_crawl_parser(sub)
    try:
        from gkcheck.report.cli import add_report_parser
    except ImportError:
        pass
    else:
        add_report_parser(sub)


def _add_source_args(c) -> None:
    c.add_argument("--config", help="配置文件（默认当前文件夹的 gkcheck.yaml）")
    c.add_argument("--rules", action="append", help="规则包文件夹（可重复；默认取配置文件）")
    c.add_argument("--catalogs", action="append", help="目录文件或文件夹（可重复）")
    c.add_argument("--ledgers", action="append", help="工作台账文件或文件夹（可重复）")
    c.add_argument("--reports", action="append", help="年度报告文件或文件夹（可重复）")
    c.add_argument("--sites", help="网站栏目配置（YAML）")
    c.add_argument("--store", help="抓取数据存储（SQLite 文件，默认 gkcheck.db）")
    c.add_argument("--as-of", type=_date, help="检查日期，如 2024-12-31（默认规则包设定或今天）")
    c.add_argument("--unit", action="append", help="只检查这些单位（名称、简称或分组，可重复）")
    c.add_argument("--waivers", help="豁免文件（YAML）")
    c.add_argument("--baseline", help="基线文件：只报告基线之外的新问题")
    c.add_argument("--write-baseline", help="把本次结果写为基线文件")
    c.add_argument(
        "--jobs", type=int, help="并行检查的进程数（默认按处理器数，单位较多时才并行；1 为不并行）"
    )


def _add_timings_arg(c) -> None:
    c.add_argument("--timings", action="store_true", help="结束时在标准错误输出各阶段用时")


def _add_output_args(c) -> None:
    c.add_argument("--format", help="输出格式，可用逗号分隔多个：text,json,md,html,xlsx,junit,sarif")
    c.add_argument("--output", help="输出文件（单一格式时）")
    c.add_argument("--output-dir", help="输出文件夹（多种格式时）")
    c.add_argument(
        "--fail-on", choices=["error", "warning", "never"], help="达到该级别的问题时退出码为 1（默认 error）"
    )
    c.add_argument("--no-color", action="store_true", help="终端输出不着色")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return args.func(args)
    except GkError as exc:
        sys.stderr.write(f"gkcheck: 错误：{exc.render()}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("gkcheck: 已中断（已保存的数据不受影响）\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


# --- command implementations (thin: they call gkcheck.engine.run) ---------------------


def _run_check(args) -> int:
    from gkcheck.engine.run import check_command

    return check_command(args)


def _run_audit(args) -> int:
    from gkcheck.engine.run import audit_command

    return audit_command(args)


def _run_validate(args) -> int:
    from gkcheck.engine.run import validate_command

    return validate_command(args)


def _run_rules(args) -> int:
    from gkcheck.engine.rules_cmd import rules_command

    return rules_command(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
