"""The scale benchmark runs end to end on a tiny province and prints its figure lines.
No timing is asserted: the figures belong to the benchmark's output, not to the tests."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_scale_bench_prints_its_figures(tmp_path):
    pytest.importorskip("psutil")  # the bench extra: pip install -e ".[bench]"
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--sizes", "20", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("单位数=20 "))
    figures = dict(re.findall(r"(\S+?)=([\d.]+)", line))
    assert float(figures["墙钟"]) > 0 and float(figures["CPU"]) > 0
    assert float(figures["峰值内存"]) > 10  # MB: a Python process with the pack loaded
    # 20 units, each with its catalog, ledger and 20 crawled columns: many findings each
    assert int(figures["结果数"]) > 20 * 20
    assert float(figures["每秒结果数"]) > 0
    lines = out.stdout.splitlines()
    phases = lines[lines.index(line) + 1].strip()  # the run's own --timings line, under its figures
    assert phases.startswith("用时：读取配置和规则 ") and "检查 20 个单位 " in phases and "；合计 " in phases
    result = tmp_path / "province-20" / "result.json"
    assert '"schema": "gkcheck.audit/1"' in result.read_text(encoding="utf-8")[:200]
