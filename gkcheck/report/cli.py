"""`gkcheck report RESULT.json --format … --output-dir …`: re-render a saved result.

Nothing is checked again: the saved result (schema gkcheck.audit/1) is read, optionally
waivers and a baseline are applied, units are scored, and the reports are written.
Errors are raised as GkError (Chinese, naming the file); the main CLI turns them into
exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.console import Console

from gkcheck.errors import GkError
from gkcheck.report import FAIL_ON, FORMATS, exit_code, parse_formats, render, write_reports
from gkcheck.report.baseline import apply_baseline, write_baseline
from gkcheck.report.json_out import load_result
from gkcheck.report.scores import score_units
from gkcheck.report.text import print_result
from gkcheck.report.view import counts_line, total_counts
from gkcheck.report.waivers import apply_waivers, load_waivers


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期（如 2024-12-31），实际为“{value}”") from None


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "report",
        help="根据保存的检查结果重新生成报告（不重新检查）",
        description="读取 gkcheck check --format json 保存的 result.json，按需要的格式重新生成报告。",
    )
    p.add_argument("result", metavar="RESULT.json", help="保存的检查结果（结果格式 gkcheck.audit/1）")
    p.add_argument(
        "-f",
        "--format",
        dest="formats",
        action="append",
        metavar="格式",
        help=f"报告格式，可用逗号分隔或重复给出：{', '.join(FORMATS)}（默认 text）",
    )
    p.add_argument("-o", "--output-dir", type=Path, metavar="目录", help="把报告写入该目录（多种格式时必填）")
    p.add_argument("--waivers", type=Path, metavar="文件", help="豁免文件（YAML）")
    p.add_argument("--baseline", type=Path, metavar="文件", help="基线文件：只报告基线中没有的新问题")
    p.add_argument("--write-baseline", type=Path, metavar="文件", help="把本结果中的问题写成基线文件")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="never",
        help="出现该级别的问题时退出码为 1（默认 never：只出报告）",
    )
    p.add_argument("--today", type=_date, metavar="日期", help="判断豁免是否过期所用的日期（默认今天）")
    p.add_argument("--no-color", action="store_true", help="终端输出不使用颜色")
    p.set_defaults(func=run_report)
    return p


def run_report(args: argparse.Namespace) -> int:
    formats = parse_formats(args.formats)
    result = load_result(args.result)
    console = Console(highlight=False, no_color=bool(getattr(args, "no_color", False)))
    if args.waivers:
        result = apply_waivers(result, load_waivers(args.waivers), args.today or dt.date.today())
    if args.write_baseline:
        n = write_baseline(result, args.write_baseline)
        console.print(f"已写入基线（{n} 项问题）：{args.write_baseline}", markup=False, soft_wrap=True)
    if args.baseline:
        result, _hidden = apply_baseline(result, args.baseline)
    result = score_units(result)

    if args.output_dir:
        for path in write_reports(result, formats, args.output_dir):
            console.print(f"已写入：{path}", markup=False, soft_wrap=True)
        console.print(
            f"合计 {len(result.findings)} 项结果：{counts_line(total_counts(result))}",
            markup=False,
            soft_wrap=True,
        )
    elif formats == ["text"]:
        print_result(result, console)
    elif len(formats) == 1:
        sys.stdout.buffer.write(render(result, formats[0]))
        sys.stdout.flush()
    else:
        raise GkError("输出多种格式时请用 --output-dir 指定输出目录")
    return exit_code(result, args.fail_on)
