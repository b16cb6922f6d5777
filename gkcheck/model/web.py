from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# ok: fetched and parsed; unreachable: fetch failed (checks answer `unknown`);
# not_configured: no URL known for this column (column.exists fails);
# not_crawled: configured but the store has nothing yet (checks answer `unknown`).
# unread: the column's pages were fetched, but no post was read from them and they did not
# say the column has none (a list drawn by a script, a layout not recognised)
FetchStatus = Literal["ok", "unreachable", "unread", "not_configured", "not_crawled"]


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    title: str = ""
    status: int | None = None  # HTTP status when checked, None if not checked
    error: str | None = None


class Post(BaseModel):
    """A post listed in a column."""

    model_config = ConfigDict(extra="forbid")

    title: str
    url: str
    date: dt.date | None = None  # publication date as listed (or from the post page)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    body: str | None = None  # main text, if bodies were crawled
    body_status: int | None = None  # HTTP status of the post page, if fetched
    body_error: str | None = None  # why the post page could not be fetched
    body_skipped: str | None = None  # why it was not fetched on purpose (another site's page, a file)
    links: list[str] = Field(default_factory=list)  # absolute links found in the body
    attachments: list[Attachment] = Field(default_factory=list)


class Column(BaseModel):
    """A crawled web column of a unit (政策文件, 政策解读, 通知公告, 社会救助 …)."""

    model_config = ConfigDict(extra="forbid")

    unit: str  # unit id
    name: str
    url: str | None = None
    status: FetchStatus = "ok"
    error: str | None = None  # why it is unreachable
    fetched_at: dt.datetime | None = None
    opened: dt.date | None = None  # when the column was opened, if known
    pages: int = 0
    # the list was cut at the crawl's page cap after this many pages: older posts unread
    cut_at_pages: int | None = None
    # the site's homepage (profile: homepage): read for its newest item, not a column of
    # its own (left out of the checks of "all" columns)
    homepage: bool = False
    posts: list[Post] = Field(default_factory=list)
