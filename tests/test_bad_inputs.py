"""Every broken input of tests/bad_inputs/cases.yaml through the real command line.

Each case runs `python -m gkcheck …` in a temporary copy of tests/bad_inputs and checks
the exit code, that no traceback reaches the user, that an exit-2 message is Chinese and
names the file, the expected fragments, the statuses of evidence findings and that a
crawl store the command must not touch is byte for byte unchanged.

The subprocesses of the selected cases are started together on a small thread pool (the
CLI spends most of its time importing), and each parametrised test then checks its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))["cases"]
ENGLISH_RUN = re.compile(r"[A-Za-z]{3,}[ ,]+[A-Za-z]{3,}[ ,]+[A-Za-z]{3,}")

sys.path.insert(0, str(CORPUS))
import _make


@dataclass
class Run:
    case: dict
    proc: subprocess.CompletedProcess
    file: Path
    dir: Path
    seconds: float
    hashes_before: dict[str, str]
    hashes_after: dict[str, str]

    @property
    def output(self) -> str:
        return self.proc.stdout + "\n" + self.proc.stderr

    def result_json(self) -> dict | None:
        for p in (self.dir / "result.json", self.dir / "out" / "result.json"):
            if p.is_file():
                return json.loads(p.read_text(encoding="utf-8"))
        return None


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _empty_store(path: Path) -> None:
    from gkcheck.crawl.store import Store

    store = Store(path)
    store.close()


def _prepare(case: dict, work: Path) -> tuple[Path, Path, dict[str, str]]:
    root = work / "bad_inputs"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("__pycache__", "_make.py", "cases.yaml"))
    src = root / case["input"]
    if case.get("generate"):
        src.parent.mkdir(parents=True, exist_ok=True)
        _make.GENERATED[case["generate"]](src)
    file = src
    place = case.get("place")
    if place:
        target = root / place
        if place.endswith("/"):
            target = target / src.name
        shutil.copyfile(src, target)
        file = target
    category = root / Path(case["input"]).parts[0]
    values = {"file": str(file), "dir": str(category), "root": str(root), "pack": str(root / "pack"),
              "rules": str(ROOT / "rules" / "zoucheng-2024")}
    return file, category, values


def _run_case(case: dict, work: Path) -> Run:
    file, category, values = _prepare(case, work)
    watched = [Path(p.format(**values)) for p in case.get("unchanged", [])]
    for p in watched:
        if not p.exists():
            _empty_store(p)
    before = {str(p): _sha(p) for p in watched}
    args = [a.format(**values) for a in shlex.split(case["command"])]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", "NO_COLOR": "1"}
    t0 = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "gkcheck", *args],
            cwd=category,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=case.get("timeout", 60),
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        proc = subprocess.CompletedProcess(exc.cmd, -9, str(exc.stdout or ""), f"TIMEOUT after {exc.timeout}s")
    seconds = time.monotonic() - t0
    after = {str(p): (_sha(p) if p.exists() else "missing") for p in watched}
    return Run(case, proc, file, category, seconds, before, after)


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory) -> dict[str, Run]:
    """Run the selected cases concurrently; case id -> Run."""
    selected = [
        item.callspec.params["case"]
        for item in request.session.items
        if item.module is request.module and hasattr(item, "callspec") and "case" in item.callspec.params
    ]
    by_id = {c["id"]: c for c in CASES}
    todo = [by_id[i] for i in dict.fromkeys(selected)]
    base = tmp_path_factory.mktemp("bad_inputs")
    workers = max(2, min(4, (os.cpu_count() or 2)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {c["id"]: pool.submit(_run_case, c, base / c["id"]) for c in todo}
        return {cid: f.result() for cid, f in futures.items()}


def test_manifest_is_complete():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(CASES) >= 40
    for c in CASES:
        assert {"id", "input", "command", "exit", "expect"} <= set(c), c["id"]
        if not c.get("generate"):
            assert (CORPUS / c["input"]).is_file(), c["input"]
        else:
            assert c["generate"] in _make.GENERATED
    # every input file is used by a case (support files: the shared pack, the served site,
    # the configs that point at them)
    support = ("pack/", "html/", "config/sites.yaml", "sites/正常.yaml", "_make.py", "cases.yaml")
    used = {c["input"] for c in CASES}
    unused = [
        rel
        for p in CORPUS.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
        and not (rel := p.relative_to(CORPUS).as_posix()).startswith(support) and rel not in used
    ]
    assert unused == [], f"inputs no case uses: {unused}"
    big = [p for p in CORPUS.rglob("*") if p.is_file() and p.name != "cases.yaml" and p.stat().st_size > 20_000]
    assert big == [], f"large files committed to the corpus: {big}"


@pytest.mark.parametrize("case", [c["id"] for c in CASES])
def test_bad_input(case: str, runs: dict[str, Run]):
    run = runs[case]
    c = run.case
    out = run.output
    assert "Traceback" not in out, out[-3000:]
    assert run.proc.returncode == c["exit"], f"exit {run.proc.returncode}\n{out[-3000:]}"
    if c["exit"] == 2:
        errors = [ln for ln in run.proc.stderr.splitlines() if ln.startswith("gkcheck: 错误：")]
        assert errors, run.proc.stderr[-2000:]
        line = errors[-1]
        if c.get("name_in_message", True):
            assert run.file.name in line, line
        assert re.search(r"[\u4e00-\u9fff]", line.split("错误：", 1)[1]), line
        assert not ENGLISH_RUN.search(line), f"English in the message: {line}"
    result = run.result_json()
    haystack = out + ("\n" + json.dumps(result, ensure_ascii=False) if result else "")
    for fragment in c["expect"]:
        assert str(fragment) in haystack, f"missing “{fragment}” in:\n{haystack[-3000:]}"
    for rule, status in (c.get("findings") or {}).items():
        assert result is not None, "no result.json written"
        got = [f["status"] for f in result["findings"] if f["rule"] == rule]
        assert status in got, f"{rule}: expected {status}, got {got}"
    assert run.hashes_after == run.hashes_before, "a store that must stay untouched was changed"
    # nothing in an input is ever executed
    assert not list(run.dir.parent.rglob("PWNED*")), "a file named in an input as code was created"
    assert run.seconds < c.get("timeout", 60)
