"""The sites config: which columns of which unit's website to crawl, and how politely.

```yaml
defaults:                      # politeness; every key optional
  concurrency_per_host: 2      # at most this many requests at once per host
  delay: 0.5                   # seconds between two requests to the same host
  timeout: [5, 15]             # connect and read timeout (seconds)
  retries: 2                   # extra attempts on timeouts, resets and 5xx
  max_bytes: 5000000           # a longer page is cut here and recorded as cut
  max_file_bytes: 20000000     # a downloaded attachment (an annual report's PDF) is cut here
  check_attachments: true      # check attachment links (HEAD) of columns with bodies: true
  max_pages: 50                # list pages followed per column
units:
  - unit: 市民政局             # name, alias or id as in the rule pack
    columns:
      - name: 社会救助
        url: "{base}/mzj/zfxxgk/shjz/index.html"   # {base} is given at crawl time
        profile: trs           # generic | trs | hanweb | css
        bodies: true           # also fetch each post's page (main text) and check its attachments
      - name: 通知公告
        url: https://www.example.gov.cn/tzgg/
        profile: css
        selectors: {item: "ul.list li", title: "a", link: "a", date: "span", next: "a.next"}
```

`load_sites(path)` reads and validates it; every mistake is a `ConfigError` naming the
file and the key (`units[0].columns[2].profile`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from gkcheck import __version__
from gkcheck.engine.yamlio import read_yaml
from gkcheck.errors import ConfigError

Profile = Literal["generic", "trs", "hanweb", "css", "homepage"]

USER_AGENT = f"gkcheck/{__version__} (+government information disclosure compliance checker)"


class Selectors(BaseModel):
    """CSS selectors of the `css` profile; title, link and date are relative to an item."""

    model_config = ConfigDict(extra="forbid")

    item: str
    title: str | None = None  # default: the item's first link
    link: str | None = None  # default: the title element if it is a link, else the first link
    date: str | None = None  # default: any date in the item's text
    next: str | None = None  # the "next page" link, anywhere in the page

    @field_validator("item", "title", "link", "date", "next")
    @classmethod
    def _compiles(cls, v):
        if v is None:
            return v
        import soupsieve

        try:
            soupsieve.compile(v)
        except (soupsieve.SelectorSyntaxError, ValueError, TypeError) as exc:
            col = getattr(exc, "col", None)
            at = f"第{col}个字符处有语法错误" if isinstance(col, int) and col > 0 else "语法错误"
            raise ValueError(f"CSS 选择器“{v}”无效（{at}）") from None
        return v


class Defaults(BaseModel):
    """Politeness and limits; a column may override max_pages."""

    model_config = ConfigDict(extra="forbid")

    concurrency_per_host: int = Field(2, ge=1, le=16)
    delay: float = Field(0.5, ge=0, le=60)
    timeout: tuple[float, float] = (5.0, 15.0)
    retries: int = Field(2, ge=0, le=10)
    backoff: float = Field(0.5, ge=0, le=30)  # first retry waits this long, then doubles
    max_bytes: int = Field(5_000_000, ge=1024)
    max_file_bytes: int = Field(20_000_000, ge=1024)  # a downloaded attachment (an annual report's PDF)
    check_attachments: bool = True  # check the attachment links of columns with bodies: true
    max_pages: int = Field(50, ge=1, le=10_000)
    max_redirects: int = Field(5, ge=0, le=30)
    max_seconds: float = Field(60.0, gt=0)  # whole-request time cap (slow drip feeds)
    robots: bool = True
    user_agent: str = USER_AGENT
    allowed_hosts: list[str] = Field(default_factory=list)  # hosts besides the columns' own

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (v, v)
        return v

    @field_validator("timeout")
    @classmethod
    def _timeout_positive(cls, v):
        if v[0] <= 0 or v[1] <= 0:
            raise ValueError("超时秒数应大于 0")
        return v

    @field_validator("user_agent")
    @classmethod
    def _ua(cls, v):
        if not v.isascii() or "gkcheck" not in v.lower():
            raise ValueError("User-Agent 应为 ASCII 字符并包含“gkcheck”")
        return v


# An http(s) URL with a plain host (letters, digits, dots, hyphens, a port): what
# urlsplit would accept below, told without it (a province's config has 200,000 URLs).
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:[/?#]|$)", re.IGNORECASE)


class ColumnConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    url: str
    profile: Profile = "generic"
    selectors: Selectors | None = None
    bodies: bool = False
    max_pages: int | None = Field(None, ge=1, le=10_000)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str):
        v = v.strip()
        if v.startswith("{base}") or _PLAIN_WEB_URL.match(v):
            return v
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("网址应以 http:// 、https:// 或 {base} 开头")
        return v

    @model_validator(mode="after")
    def _selectors(self):
        if self.profile == "css" and self.selectors is None:
            raise ValueError("profile 为 css 时必须给出 selectors（至少 item）")
        if self.profile != "css" and self.selectors is not None:
            raise ValueError("selectors 只用于 profile: css")
        return self


class UnitSites(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: str = Field(min_length=1)  # name, alias or id as in the rule pack
    allowed_hosts: list[str] = Field(default_factory=list)
    columns: list[ColumnConfig] = Field(min_length=1)

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, v):
        return str(v).strip() if isinstance(v, (str, int)) else v

    @model_validator(mode="after")
    def _unique_columns(self):
        seen = set()
        for col in self.columns:
            if col.name in seen:
                raise ValueError(f"栏目“{col.name}”重复")
            seen.add(col.name)
        return self

    def column(self, name: str) -> ColumnConfig | None:
        return next((c for c in self.columns if c.name == name), None)


class SitesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    defaults: Defaults = Field(default_factory=Defaults)
    units: list[UnitSites] = Field(default_factory=list)
    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_units(self):
        seen = set()
        for u in self.units:
            if u.unit in seen:
                raise ValueError(f"单位“{u.unit}”出现了两次")
            seen.add(u.unit)
        return self

    @property
    def path(self) -> Path | None:
        return self._path

    def unit(self, name: str) -> UnitSites | None:
        return next((u for u in self.units if u.unit == name), None)

    def with_base(self, base: str | None) -> SitesConfig:
        """A copy with `{base}` replaced in every URL (ConfigError if a URL needs it and
        none is given)."""
        if base:
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(
                    f"基础网址“{base}”应以 http:// 或 https:// 开头，如 http://127.0.0.1:8000", None, "--base"
                )
        out = self.model_copy(deep=True)
        out._path = self._path
        b = base.rstrip("/") if base else None
        for i, u in enumerate(out.units):
            for j, c in enumerate(u.columns):
                if "{base}" in c.url:
                    if b is None:
                        raise ConfigError(
                            "网址含 {base}，但抓取时没有给出基础网址（用 --base 指定）",
                            self._path,
                            f"units[{i}].columns[{j}].url",
                        )
                    c.url = c.url.replace("{base}", b)
        return out

    def hosts(self) -> set[str]:
        """Hosts the crawl may visit: those of the column URLs plus allowed_hosts."""
        out = {h.lower() for h in self.defaults.allowed_hosts}
        for u in self.units:
            out.update(h.lower() for h in u.allowed_hosts)
            for c in u.columns:
                if "{base}" not in c.url:
                    out.add(urlsplit(c.url).netloc.lower())
        return out


def _key(loc: tuple, data) -> str:
    """`units[0]（市民政局）.columns[2]（政策文件）.profile` from a pydantic loc."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
            except (IndexError, KeyError, TypeError):
                node = None
            label = None
            if isinstance(node, dict):
                label = node.get("unit") or node.get("name")
            if isinstance(label, (str, int)):
                out += f"（{label}）"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知配置项",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "tuple_type": "应为两个数的列表，如 [5, 15]",
    "too_short": "内容过少",
    "too_long": "内容过多",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "model_attributes_type": "应为键值映射",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
}


def _describe(exc: ValidationError, data) -> tuple[str, str]:
    errors = exc.errors()
    parts = []
    for err in errors[:3]:
        etype = err.get("type", "")
        key = _key(tuple(err.get("loc", ())), data)
        if etype == "literal_error":
            zh = f"取值不在允许范围内（允许：{err.get('ctx', {}).get('expected', '')}）"
        elif etype in ("value_error", "assertion_error"):
            zh = str(err.get("msg", "")).removeprefix("Value error, ")
        else:
            zh = _ZH.get(etype, "取值无效")
        got = err.get("input")
        if etype not in ("missing", "extra_forbidden") and isinstance(got, (str, int, float)):
            zh += f"，实际为“{got}”"
        parts.append(f"{key}：{zh}" if key else zh)
    if len(errors) > 3:
        parts.append(f"另有{len(errors) - 3}处错误")
    first = _key(tuple(errors[0].get("loc", ())), data) if errors else ""
    return "；".join(parts), first


def parse_sites(data, path: str | Path | None = None) -> SitesConfig:
    """Validate already-parsed YAML data (a dict) as a sites config."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("网站栏目配置应为键值映射（含 units 列表）", path)
    if "units" not in data:
        raise ConfigError("网站栏目配置缺少 units（各单位的栏目列表）", path, "units")
    try:
        cfg = SitesConfig.model_validate(data)
    except ValidationError as exc:
        msg, where = _describe(exc, data)
        raise ConfigError(f"网站栏目配置有误：{msg}", path, where or None) from None
    cfg._path = Path(path) if path is not None else None
    return cfg


def load_sites(path: str | Path) -> SitesConfig:
    """Read a sites config (YAML). `ConfigError` names the file and key on any mistake."""
    path = Path(path)
    return parse_sites(read_yaml(path, ConfigError), path)
