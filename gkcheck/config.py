"""The audit config (`gkcheck.yaml`): which pack, which sources, where reports go.

Relative paths are taken from the config file's folder and may not leave it
(`../../etc/passwd` is refused); absolute paths are taken as given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gkcheck.engine.pydantic_zh import describe
from gkcheck.engine.yamlio import read_yaml
from gkcheck.errors import ConfigError

DEFAULT_CONFIG = "gkcheck.yaml"


class AuditConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    packs: list[str] = Field(default_factory=list, alias="pack")
    as_of: dt.date | None = None
    catalogs: list[str] = Field(default_factory=list)
    ledgers: list[str] = Field(default_factory=list)
    reports: list[str] = Field(default_factory=list)  # annual report files (pdf/html/txt)
    sites: str | None = None  # sites config for the crawler
    serve_fixtures: str | None = None  # demo only: serve this folder on 127.0.0.1 for `audit`
    store: str = "gkcheck.db"
    output: str = "out"
    formats: list[str] = Field(default_factory=lambda: ["text", "json"])
    fail_on: str = "error"
    waivers: str | None = None
    history: str | None = None
    units: list[str] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("packs", "catalogs", "ledgers", "reports", "formats", "units", mode="before")
    @classmethod
    def _listify(cls, v):
        if v is None:
            return []
        return [v] if isinstance(v, str) else v

    @field_validator("formats")
    @classmethod
    def _formats(cls, v):
        from gkcheck.report import FORMATS

        for item in v:
            for name in str(item).split(","):
                name = name.strip().lower()
                if name and name not in (*FORMATS, "markdown"):
                    raise ValueError(f"未知的报告格式“{name}”，可选：{'、'.join(FORMATS)}")
        return v

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, v):
        if v not in ("error", "warning", "never"):
            raise ValueError("应为 error、warning 或 never")
        return v


class LoadedConfig:
    """An AuditConfig with its paths resolved against the config's folder."""

    def __init__(self, cfg: AuditConfig, base: Path, path: Path | None):
        self.cfg = cfg
        self.base = base
        self.path = path

    def resolve(self, value: str | None, key: str) -> Path | None:
        if value is None:
            return None
        return safe_path(self.base, value, self.path, key)

    def resolve_all(self, values: list[str], key: str) -> list[Path]:
        return [self.resolve(v, key) for v in values]


def safe_path(base: Path, value: str, config_path: Path | None, key: str) -> Path:
    p = Path(value)
    if p.is_absolute():
        return p
    full = (base / p).resolve()
    try:
        full.relative_to(base.resolve())
    except ValueError:
        raise ConfigError(
            f"路径“{value}”超出配置文件所在文件夹，已拒绝（请使用该文件夹内的路径或绝对路径）",
            config_path or base,
            key,
        ) from None
    return base / p


def load_config(path: str | Path | None) -> LoadedConfig:
    """Read gkcheck.yaml; with `path=None`, an empty config based on the current folder."""
    if path is None:
        return LoadedConfig(AuditConfig(), Path.cwd(), None)
    path = Path(path)
    data = read_yaml(path, ConfigError) or {}
    if not isinstance(data, dict):
        raise ConfigError("配置文件应为键值映射", path)
    try:
        cfg = AuditConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0].get("loc", ()) if exc.errors() else ()
        raise ConfigError(describe(exc, "配置项"), path, str(first[0]) if first else None) from None
    return LoadedConfig(cfg, path.parent, path)
