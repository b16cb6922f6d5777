"""Hostile input: YAML that constructs objects, text that looks like code, crawled strings
that are markup or spreadsheet formulas, redirects and links to other hosts, zip bombs,
and configuration paths that climb out of their folder.

Everything runs on 127.0.0.1: the crawl tests use the crawler's own fixture server, and a
link "to another host" points at `localhost` (the same machine under a name the config
does not allow), so that a crawler which wrongly followed it would be caught in the
server's request log instead of reaching the network.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import shutil
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from gkcheck.cli import main
from gkcheck.config import load_config
from gkcheck.crawl.config import Defaults, load_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.fetch import Fetcher
from gkcheck.crawl.fixture_server import Fault, serve
from gkcheck.engine.evaluate import evaluate
from gkcheck.engine.gather import Sources, gather
from gkcheck.engine.pack import load_pack
from gkcheck.errors import CatalogError, ConfigError, GkError, RuleError, SourceError
from gkcheck.report import finalize, render
from gkcheck.sources import xlsx_open
from gkcheck.sources.catalog import load_catalog
from gkcheck.sources.ledger import load_ledger

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
sys.path.insert(0, str(CORPUS))
import _make

# ---------------------------------------------------------------- YAML object tags

TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_output [["touch", "{marker}"]]',
    "!!python/object/new:os.system [touch {marker}]",
    "!!python/name:os.system",
    "!!python/module:os",
    '!!python/object:gkcheck.model.Rule {{id: x, title: "{marker}"}}',
]


def _pack_with(tmp: Path, rule_text: str) -> Path:
    pack = tmp / "pack"
    shutil.copytree(CORPUS / "pack", pack)
    (pack / "extra.yaml").write_text(rule_text, encoding="utf-8")
    return pack


def _load_rules(tmp: Path, value: str):
    return load_pack(_pack_with(tmp, f"rules:\n  - id: T-1\n    title: {value}\n    units: [市民政局]\n    check: catalog.exists\n"))


def _load_catalog(tmp: Path, value: str):
    p = tmp / "市民政局.yaml"
    p.write_text(f"unit: 市民政局\nitems:\n  - 一级事项: 最低生活保障\n    公开依据: {value}\n", encoding="utf-8")
    return load_catalog(p)


def _load_ledger(tmp: Path, value: str):
    p = tmp / "市民政局台账.yaml"
    p.write_text(f"unit: 市民政局\nentries:\n  - kind: 专题会议\n    date: 2024-03-22\n    title: {value}\n", encoding="utf-8")
    return load_ledger(p)


def _load_config(tmp: Path, value: str):
    p = tmp / "gkcheck.yaml"
    p.write_text(f"as_of: 2024-12-31\nstore: {value}\n", encoding="utf-8")
    return load_config(p)


def _load_sites(tmp: Path, value: str):
    p = tmp / "sites.yaml"
    p.write_text(f"units:\n  - unit: 市民政局\n    columns:\n      - name: 社会救助\n        url: {value}\n", encoding="utf-8")
    return load_sites(p)


def _load_waivers(tmp: Path, value: str):
    from gkcheck.report.waivers import load_waivers

    p = tmp / "waivers.yaml"
    p.write_text(f"- rule: C-1\n  unit: 市民政局\n  reason: {value}\n  owner: 张三\n  expires: 2025-06-30\n", encoding="utf-8")
    return load_waivers(p)


LOADERS = {
    "rule file": (_load_rules, RuleError),
    "catalog yaml": (_load_catalog, CatalogError),
    "ledger": (_load_ledger, SourceError),
    "gkcheck.yaml": (_load_config, ConfigError),
    "sites config": (_load_sites, ConfigError),
    "waivers": (_load_waivers, ConfigError),
}


@pytest.mark.parametrize("tag", TAGS, ids=lambda t: t.split()[0])
@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_yaml_tags_that_construct_objects_are_refused(tmp_path, monkeypatch, kind, tag):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "PWNED"
    load, error = LOADERS[kind]
    with pytest.raises(error) as info:
        load(tmp_path, tag.format(marker=marker))
    assert "不允许的 YAML 标签" in info.value.message
    assert info.value.where and info.value.where.startswith("第")  # names the line
    assert not marker.exists()


# ------------------------------------------------------- nothing is evaluated as code

CODE = "__import__('os').system('touch PWNED')"


def test_code_in_rules_catalogs_ledgers_and_config_stays_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    quoted = '"' + CODE.replace('"', '\\"') + '"'
    pack = load_pack(_pack_with(tmp_path, (
        "rules:\n  - id: T-2\n    title: 目录含规定事项\n    units: [市民政局]\n    check: catalog.has_item\n"
        f"    with:\n      items:\n        - {{name: {quoted}}}\n"
        "  - id: T-3\n    title: 栏目有信息\n    units: [市民政局]\n    check: column.has_post\n"
        f"    with: {{column: 社会救助, keywords_any: [{quoted}], title_pattern: {quoted}}}\n"
    )))
    item = pack.params["T-2"].items[0]
    assert item.name == CODE
    assert pack.params["T-3"].keywords_any == [CODE]
    catalog = _load_catalog(tmp_path, quoted)
    assert catalog.items[0].basis == CODE
    ledger = _load_ledger(tmp_path, quoted)
    assert ledger[0].title == CODE
    cfg = _load_config(tmp_path, quoted)
    assert cfg.cfg.store == CODE

    from gkcheck.model import UnitEvidence

    result = evaluate(pack, {"mzj": UnitEvidence(unit_id="mzj", catalogs=[catalog], ledger=ledger)},
                      as_of=dt.date(2024, 12, 31))
    t2 = [f for f in result.findings if f.rule == "T-2"]
    assert t2 and t2[0].status == "fail" and CODE in t2[0].message  # looked for as text, not run
    for fmt in ("text", "json", "md", "html", "xlsx", "junit", "sarif"):
        render(finalize(result), fmt)
    assert not (tmp_path / "PWNED").exists()
    assert list(tmp_path.rglob("PWNED*")) == []


# ------------------------------------------------- crawled strings in the reports

EVIL_TITLES = [
    "<script>alert(1)</script>城乡低保标准调整",
    '<img src=x onerror=alert(1)>低保资金发放',
    '=HYPERLINK("http://evil.example/","低保点我")',
    "+低保1",
    "-低保2",
    "@SUM(低保)",
]


def _evil_site(root: Path) -> None:
    items = "".join(
        f'<li><a href="/art/{i}.html">{_html_text(t)}</a><span>2024-06-{10 + i:02d}</span></li>'
        for i, t in enumerate(EVIL_TITLES)
    )
    (root / "list.html").write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>社会救助</title></head>'
        f'<body><ul class="list">{items}</ul></body></html>',
        encoding="utf-8",
    )


def _html_text(t: str) -> str:
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture(scope="module")
def evil_result(tmp_path_factory):
    """A real result: a site whose post titles are markup and formulas, crawled into a
    store and checked with the corpus's small pack."""
    tmp = tmp_path_factory.mktemp("evil")
    site = tmp / "site"
    site.mkdir()
    _evil_site(site)
    sites_path = tmp / "sites.yaml"
    sites_path.write_text(
        "defaults: {delay: 0, retries: 0}\nunits:\n  - unit: 市民政局\n    columns:\n"
        '      - {name: 社会救助, url: "{base}/list.html"}\n',
        encoding="utf-8",
    )
    store = tmp / "gkcheck.db"
    with serve(site) as base:
        stats = crawl(load_sites(sites_path), store, base=base)
    assert stats.posts == len(EVIL_TITLES)
    # a rule that fails while citing every post: reports show the evidence of problems
    pack = load_pack(_pack_with(tmp, (
        "rules:\n  - id: E-1\n    title: 社会救助栏目有足够的低保信息\n    units: [市民政局]\n"
        "    check: column.has_post\n    with: {column: 社会救助, keywords_any: [低保], window: any, min_count: 99}\n"
    )))
    gathered = gather(pack, Sources(sites=sites_path, store=store))
    result = finalize(evaluate(pack, gathered.evidence, as_of=dt.date(2024, 12, 31)))
    e1 = [f for f in result.findings if f.rule == "E-1"]
    assert e1 and e1[0].status == "fail"
    titles = {e.title for f in e1 for e in f.evidence}
    assert {"<script>alert(1)</script>城乡低保标准调整", "<img src=x onerror=alert(1)>低保资金发放"} <= titles
    return result


def test_crawled_markup_is_escaped_in_the_html_report(evil_result):
    html = render(evil_result, "html").decode("utf-8")
    soup = BeautifulSoup(html, "lxml")
    assert soup.find_all("script") == []
    assert soup.find_all("img") == []
    for el in soup.find_all(True):
        assert not [a for a in el.attrs if a.lower().startswith("on")], el
        for attr in ("href", "src", "action"):
            assert not str(el.get(attr, "")).strip().lower().startswith(("javascript:", "data:")), el
    text = soup.get_text()
    assert "<script>alert(1)</script>城乡低保标准调整" in text  # shown, as text
    assert "<img src=x onerror=alert(1)>低保资金发放" in text
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("fmt", ["xlsx", "md", "text"])
def test_crawled_formulas_are_inert(evil_result, fmt):
    data = render(evil_result, fmt)
    if fmt != "xlsx":
        # text formats: no line of the report starts a formula either (pasted into a sheet)
        for line in data.decode("utf-8").splitlines():
            for cell in line.split("|"):
                assert not cell.strip().startswith(("=HYPERLINK", "@SUM")), line
        return
    wb = load_workbook(io.BytesIO(data))
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@")), (ws.title, c.coordinate, c.value)
                    seen.append(c.value)
    joined = "\n".join(seen)
    assert "HYPERLINK" in joined and "低保1" in joined  # still readable, only made inert


# ------------------------------------------------------------- crawler boundaries


@pytest.fixture()
def trap_site(tmp_path):
    """A list page whose links and next page lead off the configured host or to other
    schemes, a post that redirects off-host, and the pages those would reach."""
    site = tmp_path / "site"
    (site / "art").mkdir(parents=True)
    return site


def test_crawler_follows_nothing_outside_the_configured_host(trap_site, tmp_path):
    faults = [Fault("/art/redirect.html", "redirect", location="PLACEHOLDER")]
    with serve(trap_site, faults=faults) as base:
        server = base.server
        port = server.port
        other = f"http://localhost:{port}"  # the same machine, a host the config does not allow
        faults[0].location = f"{other}/art/elsewhere.html"
        links = [
            ("/art/ok.html", "低保标准调整通知"),
            ("/art/redirect.html", "低保重定向"),
            (f"{other}/art/offsite.html", "低保站外文章"),
            ("javascript:alert(1)", "低保脚本链接"),
            ("file:///etc/passwd", "低保本地文件"),
            ("ftp://127.0.0.1/pub/a.txt", "低保FTP"),
            ("data:text/html,<b>x</b>", "低保data"),
        ]
        items = "".join(f'<li><a href="{h}">{t}</a><span>2024-06-0{i + 1}</span></li>' for i, (h, t) in enumerate(links))
        (trap_site / "list.html").write_text(
            f'<html><head><meta charset="utf-8"></head><body><ul>{items}</ul>'
            f'<div class="page"><a href="{other}/page2.html">下一页</a></div></body></html>',
            encoding="utf-8",
        )
        for name in ("ok", "offsite", "elsewhere"):
            (trap_site / "art" / f"{name}.html").write_text(
                f'<html><head><meta charset="utf-8"></head><body><div class="article"><p>{name} 正文</p></div></body></html>',
                encoding="utf-8",
            )
        (trap_site / "page2.html").write_text("<html><body>第2页</body></html>", encoding="utf-8")
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            "defaults: {delay: 0, retries: 0}\nunits:\n  - unit: 市民政局\n    columns:\n"
            '      - {name: 社会救助, url: "{base}/list.html", bodies: true}\n',
            encoding="utf-8",
        )
        stats = crawl(load_sites(sites), tmp_path / "gkcheck.db", base=base)
        requests = list(server.requests)
    paths = [r.path for r in requests]
    hosts = {r.headers.get("host") for r in requests}
    assert hosts == {f"127.0.0.1:{port}"}, hosts
    assert "/art/ok.html" in paths and "/art/redirect.html" in paths
    for never in ("/art/offsite.html", "/art/elsewhere.html", "/page2.html"):
        assert never not in paths
    assert stats.errors.get("offsite", 0) >= 1  # the off-host redirect, recorded as such
    assert any("重定向到配置之外的网站" in (f["error"] or "") for f in stats.failures)
    assert stats.notes.get("offsite_page", 0) == 1  # the off-host "next page"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/x", "data:text/html,x", "gopher://127.0.0.1/"],
)
def test_fetcher_refuses_other_schemes_without_a_request(url):
    fetcher = Fetcher(Defaults(robots=False), {"127.0.0.1"})
    res = fetcher.fetch(url)
    assert res.error_kind == "offsite" and res.status is None
    assert fetcher.requests_made == 0
    assert not fetcher.allowed_url(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/pub/"])
def test_sites_config_refuses_other_schemes(tmp_path, url):
    with pytest.raises(ConfigError) as info:
        _load_sites(tmp_path, f'"{url}"')
    assert "网址应以 http://" in info.value.message and "columns[0]" in (info.value.where or "")


def test_fixture_server_does_not_serve_outside_its_root(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("ok", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    with serve(site) as base:
        for raw in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "//etc/passwd"):
            conn = http.client.HTTPConnection("127.0.0.1", base.server.port, timeout=5)
            conn.putrequest("GET", raw, skip_host=False)
            conn.endheaders()
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            assert resp.status in (400, 403, 404), (raw, resp.status)
            assert b"secret" not in body and b"root:" not in body


# ------------------------------------------------------------------ xlsx bombs


def _no_openpyxl(monkeypatch):
    def refuse(*a, **k):  # the file must be refused before openpyxl ever sees it
        raise AssertionError("openpyxl.load_workbook was called")

    monkeypatch.setattr(xlsx_open.openpyxl, "load_workbook", refuse)


def test_zip_bomb_is_refused_before_loading(tmp_path, monkeypatch):
    bomb = tmp_path / "市民政局.xlsx"
    _make.zip_bomb(bomb, megabytes=60)
    assert bomb.stat().st_size < 1_000_000  # 60 MB of XML in under 1 MB
    _no_openpyxl(monkeypatch)
    t0 = time.monotonic()
    with pytest.raises(CatalogError) as info:
        load_catalog(bomb)
    assert time.monotonic() - t0 < 5
    assert "压缩炸弹" in info.value.message and info.value.path == str(bomb)


def test_huge_sheet_is_refused_before_loading(tmp_path, monkeypatch):
    big = tmp_path / "市民政局.xlsx"
    _make.big_catalog(big, rows=20_000)  # 240,000 cells, a 1 MB file
    _no_openpyxl(monkeypatch)
    with pytest.raises(CatalogError) as info:
        load_catalog(big)
    assert "工作表「目录」" in info.value.message and "超过上限" in info.value.message


def test_sheet_just_under_the_cell_limit_still_loads(tmp_path):
    ok = tmp_path / "市民政局.xlsx"
    _make.big_catalog(ok, rows=300)
    assert len(load_catalog(ok).items) == 300


# --------------------------------------------------------------- path traversal

TRAVERSAL = "../../etc/passwd"


@pytest.fixture()
def config_dir(tmp_path):
    d = tmp_path / "a" / "b"
    d.mkdir(parents=True)
    shutil.copytree(CORPUS / "pack", d / "pack")
    (d / "sites.yaml").write_text(
        'units:\n  - unit: 市民政局\n    columns:\n      - {name: 社会救助, url: "{base}/x/"}\n', encoding="utf-8"
    )
    return d


@pytest.mark.parametrize(
    "key,command",
    [
        ("catalogs", "check"),
        ("ledgers", "check"),
        ("reports", "check"),
        ("sites", "check"),
        ("store", "check"),
        ("history", "check"),
        ("waivers", "check"),
        ("output", "audit"),
        ("pack", "check"),
        ("sites", "crawl"),
        ("store", "crawl"),
    ],
)
def test_config_paths_may_not_leave_the_config_folder(config_dir, capsys, monkeypatch, key, command):
    monkeypatch.chdir(config_dir)
    lines = [f"{key}: {TRAVERSAL}"]
    if key != "pack":
        lines.append("pack: pack")
    if command == "crawl" and key != "sites":
        lines.append("sites: sites.yaml")
    cfg = config_dir / "gkcheck.yaml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = {"check": ["check", "--config", str(cfg)], "audit": ["audit", "--config", str(cfg), "--no-crawl"],
            "crawl": ["crawl", str(cfg), "--base", "http://127.0.0.1:9"]}[command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"gkcheck.yaml:{key}" in err and "超出配置文件所在文件夹" in err and TRAVERSAL in err
    assert "Traceback" not in err


def test_serve_fixtures_may_not_leave_the_config_folder(config_dir, capsys, monkeypatch):
    monkeypatch.chdir(config_dir)
    cfg = config_dir / "gkcheck.yaml"
    cfg.write_text("pack: pack\nsites: sites.yaml\nserve_fixtures: ../../../../../../../etc\n", encoding="utf-8")
    store = config_dir / "gkcheck.db"
    assert main(["audit", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "gkcheck.yaml:serve_fixtures" in err and "超出配置文件所在文件夹" in err
    assert not store.exists()  # refused before anything was crawled or stored


def test_paths_inside_the_folder_and_absolute_paths_are_accepted(config_dir):
    cfg = config_dir / "gkcheck.yaml"
    cfg.write_text(f"catalogs: [sub/../catalogs, {config_dir / 'elsewhere'}]\nstore: data/gkcheck.db\n", encoding="utf-8")
    loaded = load_config(cfg)
    assert loaded.resolve_all(loaded.cfg.catalogs, "catalogs") == [config_dir / "sub/../catalogs", config_dir / "elsewhere"]
    assert loaded.resolve(loaded.cfg.store, "store") == config_dir / "data/gkcheck.db"
    with pytest.raises(GkError):
        loaded.resolve("../x", "store")
