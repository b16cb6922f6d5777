"""Where each SARIF result is shown: a file in the repository, always.

GitHub code scanning rejects a whole upload when one result has no
`physicalLocation.artifactLocation.uri` ("expected artifact location"), and also when a
URI has a scheme other than the checkout's `file` ("SARIF URI scheme "http" did not
match the checkout URI scheme "file""). So every location gets a repository path:

- evidence in a file (catalog row, ledger line, a report read from disk): that file and
  row (`region.startLine`; for xlsx the sheet row, the sheet named in the location's
  message and properties);
- evidence that is not a file: a crawled page (web, or a report found on the web) or a
  task of the plan (“任务52”). The page's URL, or the task, becomes a logical location;
  the physical one is the finding's *home*;
- a finding's home: the plan's tasks.yaml at the task (plan evidence); for catalog and
  ledger checks the unit's catalog or ledger file when known; else the rule file at the
  rule's line; else gkcheck.yaml.

Paths are made relative to the current directory when they lie under it (the repository
root in CI), and percent-encoded.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from gkcheck.model import AuditResult, EvidenceRef, Finding
from gkcheck.report.view import evidence_text, state_findings

CONFIG_FILE = "gkcheck.yaml"
_CATALOG_LOCATION = re.compile(r"^(?P<file>.+?):(?:(?P<sheet>[^:!/\\]*)!)?(?P<row>\d+)$")
_TASK = re.compile(r"任务\s*(\d+)")


def repo_path(path: str) -> str:
    """`path` relative to the current directory when it lies under it, with / separators."""
    p = Path(path.replace("\\", "/"))
    if p.is_absolute():
        try:
            return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except (ValueError, OSError):
            return p.as_posix()
    return p.as_posix()


def artifact_uri(path: str) -> str:
    """A URI reference for a file path: relative and percent-encoded, or file:///… when the
    file lies outside the current directory."""
    rel = repo_path(path)
    if Path(rel).is_absolute():
        return Path(rel).as_uri()
    return quote(rel, safe="/-._~!$&'()*+,;=@")


def _is_url(text: str | None) -> bool:
    return bool(text) and "://" in text


def file_and_row(ev: EvidenceRef) -> tuple[str | None, int | None]:
    """The file an evidence item lies in, and its row; (None, None) for a page or a task."""
    if ev.file and not _is_url(ev.file):
        return ev.file, ev.row
    # A catalog location is always `file`, `file:row` or `file:sheet!row`; elsewhere a
    # location without a file is a title or a task, not a path.
    if ev.source == "catalog" and ev.location and not _is_url(ev.location):
        m = _CATALOG_LOCATION.match(ev.location)
        if m:
            return m["file"], ev.row or int(m["row"])
        return ev.location, ev.row
    return None, None


class Places:
    """Files known from the whole result: each unit's catalog and ledger files, the rule
    and task definitions; and the lines rules and tasks start on (read once)."""

    def __init__(self, result: AuditResult):
        self.catalogs: dict[str, str] = {}
        self.ledgers: dict[str, str] = {}
        for f in state_findings(result):
            for ev in f.evidence:
                file, _ = file_and_row(ev)
                if file and ev.source == "catalog":
                    self.catalogs.setdefault(f.unit_id, file)
                elif file and ev.source == "ledger":
                    self.ledgers.setdefault(f.unit_id, file)
        self.rule_files = {str(r["id"]): str(r["file"]) for r in result.rules if r.get("id") and r.get("file")}
        self.task_files = {
            int(t["number"]): str(t["file"]) for t in result.tasks if "number" in t and t.get("file")
        }
        self._texts: dict[str, str] = {}

    def _line(self, path: str, pattern: str) -> int:
        """The 1-based line of `path` that matches `pattern`, or 1 (file unreadable or no match)."""
        if path not in self._texts:
            try:
                self._texts[path] = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._texts[path] = ""
        text = self._texts[path]
        m = re.search(pattern, text, re.M)
        return text.count("\n", 0, m.start()) + 1 if m else 1

    def task(self, number: int) -> tuple[str, int] | None:
        path = self.task_files.get(number)
        if not path:
            return None
        return path, self._line(path, rf"^[ \t]*-?[ \t]*number:[ \t]*{number}[ \t]*(#.*)?$")

    def home(self, f: Finding) -> tuple[str, int]:
        """The file (and line) a finding is shown at when its evidence is not a file."""
        family = f.check.split(".", 1)[0]
        if family == "catalog" and f.unit_id in self.catalogs:
            return self.catalogs[f.unit_id], 1
        if family == "ledger" and f.unit_id in self.ledgers:
            return self.ledgers[f.unit_id], 1
        path = self.rule_files.get(f.rule)
        if path:
            rid = re.escape(f.rule)
            return path, self._line(path, rf"^[ \t]*-?[ \t]*id:[ \t]*['\"]?{rid}['\"]?[ \t]*(#.*)?$")
        return CONFIG_FILE, 1


def physical(path: str, line: int | None, snippet: str | None = None) -> dict:
    region: dict = {"startLine": line if line and line >= 1 else 1}
    if snippet and line:
        region["snippet"] = {"text": snippet}
    return {"artifactLocation": {"uri": artifact_uri(path)}, "region": region}


def location(f: Finding, ev: EvidenceRef | None, places: Places, unit: list[dict]) -> dict:
    """One SARIF location for one evidence item of `f` (or for `f` alone when ev is None)."""
    logical = list(unit)
    loc: dict = {}
    file, row = file_and_row(ev) if ev is not None else (None, None)
    if file:
        loc["physicalLocation"] = physical(file, row, ev.quote)
        if ev.sheet:
            loc["properties"] = {"sheet": ev.sheet, "row": row}
    else:
        spot = None
        if ev is not None and ev.source == "plan":
            m = _TASK.search(ev.location or "")
            if m:
                logical.append({"name": f"任务{m[1]}", "kind": "object"})
                spot = places.task(int(m[1]))
        elif ev is not None and (_is_url(ev.url) or _is_url(ev.location)):
            url = ev.url if _is_url(ev.url) else ev.location
            logical.append({"name": ev.title or url, "fullyQualifiedName": url, "kind": "resource"})
        path, line = spot or places.home(f)
        loc["physicalLocation"] = physical(path, line)
    loc["logicalLocations"] = logical
    if ev is not None:
        loc["message"] = {"text": evidence_text(ev)}
    return loc


__all__ = ["CONFIG_FILE", "Places", "artifact_uri", "file_and_row", "location", "physical", "repo_path"]
