"""gkcheck validate against frictionless validate, on the same 1,000 catalog files.

The files (half CSV, half xlsx with a shared-string table as Excel and WPS write it; a
one-row header in the standard directory's columns; 50 to 200 rows each, with the odd
invalid 公开方式 or empty required cell) are generated once into the work folder. Both
tools then validate every file, one after another, in this process (library calls, no
process start-up counted for either), taking turns 25 files at a time (see `compare`):

- gkcheck: what `gkcheck validate FILE --unit UNIT` does without printing: read the
  catalog, run the pack's catalog rules for the unit (required fields, values of 公开方式,
  公开对象, 公开层级 and 公开时限, cited laws, duplicates, the unit's required items …),
  score the result. The pack is loaded once, before the clock starts.
- frictionless: `frictionless.validate(FILE, schema=bench/catalog.schema.json)`: types,
  required fields, enum constraints, plus its own structural checks. The schema is read
  once, before the clock starts.

Each tool validates one file before its clock starts (imports and first-use costs). Wall
clock and CPU time are both reported; the ratio is on the wall clock.

    python bench/vs_frictionless.py            # 1000 files
    python bench/vs_frictionless.py --files 200
    python bench/vs_frictionless.py --repeat 3 # on a busy machine: each tool's best of 3
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.synth import FLAT_HEADER, SHIPPED, flat_rows, templates
from bench.synth_text import catalog_rows

SCHEMA = Path(__file__).resolve().parent / "catalog.schema.json"
DATA_VERSION = "2"
TARGET_RATIO = 3.0


def make_files(folder: Path, n: int) -> list[tuple[Path, str]]:
    """n catalog files (CSV for even, xlsx for odd numbers) and the unit each belongs to."""
    from gkcheck.engine.pack import load_pack

    stamp = folder / "DONE"
    tmpls = templates(load_pack(SHIPPED))
    files = []
    for i in range(n):
        t = tmpls[i % len(tmpls)]
        files.append((folder / f"{i:04d}-{t.name}.{'csv' if i % 2 == 0 else 'xlsx'}", t.name))
    if stamp.exists() and stamp.read_text(encoding="utf-8") == f"{n}\n{DATA_VERSION}\n":
        return files
    folder.mkdir(parents=True, exist_ok=True)
    print(f"生成 {n} 个目录文件（不计时）……", file=sys.stderr, flush=True)
    for i, (path, _) in enumerate(files):
        t = tmpls[i % len(tmpls)]
        rng = random.Random(f"vs-frictionless-{i}")
        rows = catalog_rows(rng, f"邹城市{t.name.removeprefix('市')}", t.kind == "town", list(t.required),
                            rng.randint(50, 200))
        for r in rows:
            if rng.random() < 0.01:
                r.mode = "公开"  # not 主动 or 依申请: both tools report it
        body = flat_rows(rows)
        if path.suffix == ".csv":
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(FLAT_HEADER)
                w.writerows(body)
        else:
            write_xlsx(path, [FLAT_HEADER, *([int(r[0]), *r[1:]] for r in body)])
    stamp.write_text(f"{n}\n{DATA_VERSION}\n", encoding="utf-8")
    return files


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def write_xlsx(path: Path, rows: list[list], sheet: str = "目录") -> None:
    """A one-sheet workbook with its text in the shared-string table, as Excel and WPS
    save one (openpyxl writes inline strings, which readers parse several times slower)."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    index: dict[str, int] = {}
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row, 1):
            ref = f"{get_column_letter(c)}{r}"
            if v is None or v == "":
                continue
            if isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{index.setdefault(str(v), len(index))}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in index)
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{_XML}<workbook {_NS} xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'{_XML}<worksheet {_NS}><sheetData>{"".join(out)}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'{_XML}<sst {_NS} count="{len(index)}" uniqueCount="{len(index)}">{strings}</sst>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


Validate = Callable[[Path, str], int]
CHUNK = 25  # files each tool validates in turn (see `compare`)


def gkcheck_validator() -> Validate:
    """`validate(path, unit)`: what `gkcheck validate` does, returning the failures found.
    The pack is loaded here, outside the clock."""
    from gkcheck.checks.registry import get_kind
    from gkcheck.engine.evaluate import evaluate
    from gkcheck.engine.pack import load_pack
    from gkcheck.engine.run import _only_catalog_rules
    from gkcheck.model import UnitEvidence
    from gkcheck.report import finalize
    from gkcheck.sources.catalog import load_catalog

    pack = _only_catalog_rules(load_pack(SHIPPED), get_kind)
    as_of = pack.as_of or dt.date(2024, 12, 31)

    def validate(path: Path, unit_name: str) -> int:
        unit = pack.index.unit(unit_name)
        catalog = load_catalog(path, unit=unit.name)
        evidence = {unit.id: UnitEvidence(unit_id=unit.id, catalogs=[catalog])}
        result = finalize(evaluate(pack, evidence, as_of=as_of, units=[unit.id]))
        return sum(1 for f in result.findings if f.status == "fail")

    return validate


def frictionless_validator() -> Validate:
    """`validate(path, unit)`: `frictionless.validate` with the catalog schema, returning
    the errors it reports. The schema is read here, outside the clock."""
    import frictionless

    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))

    def validate(path: Path, unit_name: str) -> int:
        # a relative path under `basepath`: frictionless refuses absolute paths as unsafe
        return frictionless.validate(path.name, schema=schema, basepath=str(path.parent)).stats["errors"]

    return validate


def compare(tools: dict[str, Validate], files: list[tuple[Path, str]]) -> dict[str, tuple[float, float, int]]:
    """(wall-clock seconds, CPU seconds, problems found) of each tool on `files`.

    Each tool first validates one file untimed (imports, plugins, first use). Then the
    tools take turns, CHUNK files at a time, the one that starts alternating, so that a
    machine shared with other jobs slows both alike instead of whichever ran during a
    busy spell; every tool still validates every file once, one after another.
    """
    for validate in tools.values():
        validate(*files[0])
    totals = {name: [0.0, 0.0, 0] for name in tools}
    names = list(tools)
    for n, at in enumerate(range(0, len(files), CHUNK)):
        chunk = files[at:at + CHUNK]
        for name in names if n % 2 == 0 else names[::-1]:
            validate = tools[name]
            start, cpu = time.perf_counter(), time.process_time()
            found = sum(validate(path, unit_name) for path, unit_name in chunk)
            totals[name][0] += time.perf_counter() - start
            totals[name][1] += time.process_time() - cpu
            totals[name][2] += found
    return {name: (wall, cpu, found) for name, (wall, cpu, found) in totals.items()}


def best_of(runs: list[dict[str, tuple[float, float, int]]]) -> dict[str, tuple[float, float, int]]:
    """Each tool's shortest wall-clock and CPU time over repeated `compare` runs (the time
    least disturbed by other jobs, as `timeit` takes it); the problems found are the same
    in every run."""
    return {
        name: (min(r[name][0] for r in runs), min(r[name][1] for r in runs), runs[0][name][2])
        for name in runs[0]
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="gkcheck validate 与 frictionless validate 的速度对比（同一批目录文件）")
    p.add_argument("--files", type=int, default=1000, help="目录文件数（默认 1000，一半 CSV、一半 xlsx）")
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "gkcheck-bench"),
                   help="生成数据的文件夹（默认系统临时文件夹下的 gkcheck-bench）")
    p.add_argument("--repeat", type=int, default=1,
                   help="重复测量次数，每个工具取各次中最短的时间（默认 1；机器被其他任务占用时可设为 3）")
    args = p.parse_args(argv)
    if args.files < 2:
        p.error("--files 至少为 2")
    if args.repeat < 1:
        p.error("--repeat 至少为 1")
    files = make_files(Path(args.workdir) / f"catalogs-vs-{args.files}", args.files)
    csv_files = [f for f in files if f[0].suffix == ".csv"]
    xlsx_files = [f for f in files if f[0].suffix == ".xlsx"]
    print(f"gkcheck validate 与 frictionless validate：{len(files)} 个目录文件"
          f"（CSV {len(csv_files)}，xlsx {len(xlsx_files)}），均在本进程内调用库函数，依次处理"
          + (f"；测量 {args.repeat} 次，各取最短时间" if args.repeat > 1 else ""))
    totals = {"gkcheck": [0.0, 0.0], "frictionless": [0.0, 0.0]}  # wall clock, CPU
    tools = {"gkcheck": gkcheck_validator(), "frictionless": frictionless_validator()}
    for label, group in (("CSV", csv_files), ("xlsx", xlsx_files)):
        times = best_of([compare(tools, group) for _ in range(args.repeat)])
        g_time, g_cpu, g_fails = times["gkcheck"]
        f_time, f_cpu, f_errors = times["frictionless"]
        for tool, wall, cpu in (("gkcheck", g_time, g_cpu), ("frictionless", f_time, f_cpu)):
            totals[tool][0] += wall
            totals[tool][1] += cpu
        print(f"{label}：gkcheck={g_time:.1f}s（{1000 * g_time / len(group):.1f}ms/文件，CPU {g_cpu:.1f}s，"
              f"不通过 {g_fails} 项） frictionless={f_time:.1f}s（{1000 * f_time / len(group):.1f}ms/文件，"
              f"CPU {f_cpu:.1f}s，错误 {f_errors} 项） 倍数={f_time / g_time:.1f}（CPU {f_cpu / g_cpu:.1f}）")
    (g_wall, g_cpu), (f_wall, f_cpu) = totals["gkcheck"], totals["frictionless"]
    ratio = f_wall / g_wall
    verdict = "达标" if ratio >= TARGET_RATIO else "未达标"
    print(f"合计：gkcheck={g_wall:.1f}s（CPU {g_cpu:.1f}s） frictionless={f_wall:.1f}s（CPU {f_cpu:.1f}s） "
          f"倍数={ratio:.1f}（frictionless 耗时 ÷ gkcheck 耗时，目标 ≥ {TARGET_RATIO:g}，{verdict}；"
          f"按 CPU 时间 {f_cpu / g_cpu:.1f}）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
