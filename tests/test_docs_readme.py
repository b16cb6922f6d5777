"""README.md and docs/ stay true: the commands they show, the file names, the check kinds,
the CI examples and the waiver and baseline examples of docs/waivers-and-baseline.md."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml

from gkcheck.checks.registry import REGISTRY, load_all
from gkcheck.cli import build_parser, main
from gkcheck.report import FILE_NAMES
from gkcheck.report.baseline import read_baseline
from gkcheck.report.waivers import load_waivers

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WB_DOC = (ROOT / "docs" / "waivers-and-baseline.md").read_text(encoding="utf-8")
CI_COMMAND = (
    "gkcheck check --format sarif,junit --output-dir reports --fail-on error --baseline gkcheck-baseline.json"
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_readme_keeps_the_fresh_machine_commands():
    assert "pip install -e . && gkcheck audit" in README
    assert 'pip install -e ".[test]" && pytest' in README


def test_readme_table_lists_exactly_the_registered_check_kinds():
    load_all()
    rows = re.findall(r"^\| [^|`]+ \| `([a-z_]+\.[a-z_]+)` \|", README, re.M)
    assert len(rows) == len(set(rows))
    assert sorted(rows) == sorted(REGISTRY)


def test_readme_lists_every_format_with_its_file_name():
    for fmt, name in FILE_NAMES.items():
        assert f"| `{fmt}` | `{name}` |" in README


def test_readme_pictures_are_small_pngs():
    pictures = re.findall(r"!\[[^\]]+\]\((docs/img/[^)]+\.png)\)", README)
    assert pictures == ["docs/img/report-overview.png", "docs/img/report-unit.png"]
    for rel in pictures:
        data = (ROOT / rel).read_bytes()
        assert data[:8] == PNG_MAGIC
        assert 20_000 < len(data) < 400_000


def test_relative_links_point_at_existing_files():
    for base, text in ((ROOT, README), (ROOT / "docs", WB_DOC)):
        links = re.findall(r"\]\(([^)#:]+)\)", text)
        assert links
        for link in links:
            assert (base / link).is_file(), link


def test_ci_command_is_accepted_by_the_cli():
    args = build_parser().parse_args(shlex.split(CI_COMMAND)[1:])
    assert (args.format, args.output_dir, args.fail_on, args.baseline) == (
        "sarif,junit",
        "reports",
        "error",
        "gkcheck-baseline.json",
    )
    assert CI_COMMAND in README


def test_github_actions_example_uploads_sarif_and_keeps_junit():
    wf = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    assert wf["permissions"]["security-events"] == "write"
    steps = wf["jobs"]["gkcheck"]["steps"]
    assert [s["run"] for s in steps if "run" in s][-1] == CI_COMMAND
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert len(upload) == 1
    assert upload[0]["with"]["sarif_file"] == f"reports/{FILE_NAMES['sarif']}"
    assert "!cancelled()" in upload[0]["if"]
    artifact = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert artifact[0]["with"]["path"] == "reports/"
    assert "!cancelled()" in artifact[0]["if"]


def test_gitlab_example_reports_junit_and_keeps_sarif():
    ci = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))
    job = ci["gkcheck"]
    assert job["script"] == [CI_COMMAND]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == f"reports/{FILE_NAMES['junit']}"
    assert "reports/" in job["artifacts"]["paths"]


def test_waiver_and_baseline_examples_match_real_findings(tmp_path):
    (waivers_text,) = _blocks(WB_DOC, "yaml")
    (baseline_text,) = _blocks(WB_DOC, "json")
    # The examples carry real expiry dates; this test is about what they match, not when
    # they expire, so the copy it runs with expires far in the future.
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(re.sub(r"expires: \d{4}-\d\d-\d\d", "expires: 2099-12-31", waivers_text), "utf-8")
    assert [(w.rule, w.unit, w.record) for w in load_waivers(waivers)] == [
        ("ZC24-T20-enforcement-fees", "市民政局", "行政事业性收费"),
        ("NAT-CAT-005", "mzj", None),
    ]
    baseline = tmp_path / "baseline.json"
    baseline.write_text(baseline_text, "utf-8")
    assert sum(read_baseline(baseline).values()) == 2

    config = tmp_path / "gkcheck.yaml"
    config.write_text(f"pack: {ROOT / 'rules' / 'zoucheng-2024'}\nas_of: 2024-12-31\n", "utf-8")
    out = tmp_path / "result.json"
    rc = main(
        [
            "check",
            "--config", str(config),
            "--unit", "市民政局",
            "--catalogs", str(ROOT / "catalogs" / "市民政局主动公开事项目录.xlsx"),
            "--waivers", str(waivers),
            "--baseline", str(baseline),
            "--format", "json",
            "--output", str(out),
            "--fail-on", "never",
        ]
    )  # fmt: skip
    assert rc == 0
    result = json.loads(out.read_text("utf-8"))
    waived = sorted(f["rule"] for f in result["findings"] if f["status"] == "waived")
    assert waived == ["NAT-CAT-005", "ZC24-T20-enforcement-fees"]
    # The waived problem is reported as waived, so the baseline hides only the other one;
    # it is still there, so the baseline does not call it fixed ("未再出现").
    assert [(f["rule"], f["record"]) for f in result["baseline_hidden"]] == [("NAT-SJ-004", "临时救助 / 办事指南")]
    assert any("已有问题 1 项未计入" in n for n in result["notes"])
    assert not any("未再出现" in n for n in result["notes"])
