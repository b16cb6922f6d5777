"""Scale benchmark: `gkcheck check` end to end on a synthetic province.

For each size (number of units) a province is generated once (bench/synth.py: catalogs of
about 200 rows, 20 crawled columns of about 30 posts in the SQLite store, ledgers, the
Zoucheng rule set) and kept in the work folder; generation is not timed. Then

    python -m gkcheck.cli check --config PROVINCE/gkcheck.yaml --format json --output result.json

runs in a child process, timed from start to exit. Printed per size: wall time, CPU time
(user + system, all processes of the run), peak memory (the largest sum of the
proportional set sizes of the run's processes, so that pages forked workers share with
the parent count once, sampled every 50 ms or, for large processes, less often, so that
the sampling takes under a tenth of a core; and the largest single process's resident
size as the kernel counts it), findings and findings per second; then the time ratio of every pair
of sizes ten times apart (target: no more than 11).

    python bench/scale.py                    # 1000, 2000, 5000, 10000 units
    python bench/scale.py --quick            # 200, 500
    python bench/scale.py --sizes 1000,10000 --workdir /data/bench
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_SIZES = [1000, 2000, 5000, 10000]
QUICK_SIZES = [200, 500]
TARGET_SECONDS = 60.0  # for 10,000 units
TARGET_MB = 2048.0
TARGET_RATIO = 11.0  # time ratio for 10x the units
SAMPLE_EVERY = 0.05  # seconds, at least, between two memory samples
SAMPLE_SHARE = 10.0  # ... and at least this many times what the last sample cost
# Bump when the generated data changes, so that old provinces are made again.
DATA_VERSION = "3"


@dataclass
class Run:
    units: int
    wall: float
    cpu: float
    peak_mb: float  # largest sum of the PSS of the run's processes (sampled)
    max_proc_mb: float  # largest single process (kernel's count)
    findings: int
    exit_code: int
    phases: str = ""  # the run's `--timings` line: where its wall time went


def province(workdir: Path, units: int, all_rules: bool, regen: bool) -> Path:
    """The province of `units` units in `workdir`, generated if missing or stale."""
    from bench.synth import generate

    root = workdir / f"province-{units}{'-all-rules' if all_rules else ''}"
    stamp = root / "DONE"
    want = f"{units}\n{DATA_VERSION}\n"
    if not regen and stamp.exists() and stamp.read_text(encoding="utf-8") == want:
        return root
    if root.exists():
        import shutil

        shutil.rmtree(root)
    t = time.perf_counter()
    print(f"生成 {units} 个单位的数据（不计时）……", file=sys.stderr, flush=True)
    generate(root, units, all_rules=all_rules,
             progress=lambda i, n: print(f"  {i}/{n}", file=sys.stderr, flush=True) if i % 1000 == 0 else None)
    stamp.write_text(want, encoding="utf-8")
    print(f"  生成用时 {time.perf_counter() - t:.0f} 秒", file=sys.stderr, flush=True)
    return root


def _tree_memory(proc) -> float:
    """Memory of a process and all its children, in bytes: the sum of their proportional
    set sizes (PSS: a page shared by n processes counts 1/n in each, so the pages forked
    workers share with their parent are counted once), or of their resident sizes where
    PSS is not available. 0 if the process is gone."""
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for p in procs:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return float(total)


def run_check(root: Path, units: int, jobs: int | None) -> Run:
    import psutil

    out = root / "result.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "gkcheck.cli", "check", "--config", str(root / "gkcheck.yaml"),
           "--format", "json", "--output", str(out), "--timings"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    done = threading.Event()

    def sample():
        # Reading a process's PSS walks its page tables in the kernel, charged to this
        # (the sampling) process: some 25 ms of CPU per 800 MB. Sampled every 50 ms that
        # took a whole core of the two the run is measured on; the pause after a sample
        # is now ten times what the sample cost (at least 50 ms), so that the sampler
        # takes under a tenth of one core.
        p = psutil.Process(child.pid)
        while not done.is_set():
            t = time.perf_counter()
            peak[0] = max(peak[0], _tree_memory(p))
            done.wait(max(SAMPLE_EVERY, SAMPLE_SHARE * (time.perf_counter() - t)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    if child.returncode not in (0, 1):
        raise SystemExit(f"gkcheck check 失败（退出码 {child.returncode}）：\n{err[-2000:]}")
    phases = next((ln for ln in reversed(err.splitlines()) if ln.startswith("用时：")), "")
    return Run(units, wall, usage.ru_utime + usage.ru_stime, peak[0] / 2**20, usage.ru_maxrss / 1024,
               count_findings(out), child.returncode, phases)


def count_findings(path: Path) -> int:
    """Findings in a result.json, read line by line (it can run to gigabytes): each
    finding of the indented JSON opens with its "rule" key at six spaces."""
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            if line.startswith(b'      "rule": '):
                n += 1
    return n


def report(runs: list[Run]) -> None:
    print(f"规模基准：gkcheck check --format json（nproc={os.cpu_count()}，负载 {os.getloadavg()[0]:.1f}）")
    for r in runs:
        print(
            f"单位数={r.units} 墙钟={r.wall:.1f}s CPU={r.cpu:.1f}s 峰值内存={r.peak_mb:.0f}MB"
            f"（单进程最大 {r.max_proc_mb:.0f}MB） 结果数={r.findings} 每秒结果数={r.findings / r.wall:.0f}"
            f" 每单位={1000 * r.wall / r.units:.1f}ms"
        )
        if r.phases:
            print(f"  {r.phases}")
    by_units = {r.units: r for r in runs}
    for r in runs:
        big = by_units.get(r.units * 10)
        if big is not None:
            ratio = big.wall / r.wall
            verdict = "达标" if ratio <= TARGET_RATIO else "未达标"
            print(f"十倍单位耗时比 {r.units}->{big.units}：{ratio:.1f}（目标 ≤ {TARGET_RATIO:g}，{verdict}）")
    if len(runs) >= 2:
        a, b = runs[0], runs[-1]
        print(f"耗时比 {a.units}->{b.units}：{b.wall / a.wall:.2f}（单位数之比 {b.units / a.units:g}）")
    top = by_units.get(10000)
    if top is not None:
        ok_t = "达标" if top.wall < TARGET_SECONDS else "未达标"
        ok_m = "达标" if top.peak_mb < TARGET_MB else "未达标"
        print(f"10000 个单位：{top.wall:.1f}s（目标 < {TARGET_SECONDS:g}s，{ok_t}），"
              f"峰值内存 {top.peak_mb:.0f}MB（目标 < {TARGET_MB:g}MB，{ok_m}）")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="gkcheck 规模基准：在合成数据上计时 gkcheck check（端到端）")
    p.add_argument("--sizes", help="单位数，逗号分隔（默认 1000,2000,5000,10000）")
    p.add_argument("--quick", action="store_true", help="快速：200,500 个单位")
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "gkcheck-bench"),
                   help="生成数据的文件夹（默认系统临时文件夹下的 gkcheck-bench，生成后重复使用）")
    p.add_argument("--regen", action="store_true", help="重新生成数据")
    p.add_argument("--jobs", type=int, help="传给 gkcheck check --jobs（默认由 gkcheck 按处理器数决定）")
    p.add_argument("--all-rules", action="store_true", help="压力测试：每条规则适用于每个单位")
    args = p.parse_args(argv)
    if args.sizes:
        try:
            sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        except ValueError:
            p.error(f"--sizes 应为逗号分隔的整数，实际为“{args.sizes}”")
        if not sizes or min(sizes) < 1:
            p.error("--sizes 应为正整数")
    else:
        sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    runs = []
    for n in sorted(sizes):
        root = province(workdir, n, args.all_rules, args.regen)
        print(f"检查 {n} 个单位……", file=sys.stderr, flush=True)
        runs.append(run_check(root, n, args.jobs))
    report(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
