"""Helpers shared by the crawl tests that kill a real crawl subprocess and resume it:
the crawl command line, a peek at a store being written, a comparable store snapshot."""

import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITES = REPO / "fixtures" / "sites"
CONFIG = REPO / "fixtures" / "sites.yaml"


def count_pages(store: Path) -> int:
    """Pages committed so far (0 while the store does not exist or is busy)."""
    if not store.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def snapshot(store: Path) -> dict:
    """What a crawl left in the store (its last crawl), in a form two stores can be compared by."""
    con = sqlite3.connect(store)
    try:
        crawl_id = con.execute("SELECT MAX(id) FROM crawls").fetchone()[0]
        q = lambda sql, *a: sorted(con.execute(sql, a).fetchall())
        return {
            "crawls": q("SELECT status FROM crawls"),
            "posts": q("SELECT unit, column_name, url, title, date, date_how, first_crawl, last_crawl FROM posts"),
            "sightings": q(
                "SELECT p.unit, p.column_name, p.url, s.position, s.page_url FROM sightings s "
                "JOIN posts p ON p.id = s.post_id WHERE s.crawl_id=?",
                crawl_id,
            ),
            "pages": q("SELECT url, kind, unit, column_name, status, bytes, error_kind FROM pages WHERE crawl_id=?", crawl_id),
            "bodies": q("SELECT url, status, error_kind, title, date, text, links, attachments FROM bodies"),
            "columns": q("SELECT unit, name, url, status, error, pages, posts FROM columns WHERE crawl_id=?", crawl_id),
            "contents": q("SELECT url, etag, length(text_z) > 0 FROM contents"),
            "files": q("SELECT url, kind, method, status, error_kind FROM files"),
        }
    finally:
        con.close()


def crawl_cmd(base: str, store: Path, *extra: str, config: Path = CONFIG) -> list[str]:
    """`python -m gkcheck.crawl CONFIG --base BASE --store STORE -q --delay 0 EXTRA…`."""
    return [sys.executable, "-m", "gkcheck.crawl", str(config), "--base", base, "--store", str(store),
            "-q", "--delay", "0", *extra]  # fmt: skip
