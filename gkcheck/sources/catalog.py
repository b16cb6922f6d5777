"""`load_catalog`: read a unit's active-disclosure catalog (主动公开事项目录) from
xlsx/xlsm, CSV or YAML into a `Catalog` whose items keep file, sheet and row."""

from __future__ import annotations

from pathlib import Path

from gkcheck.errors import CatalogError
from gkcheck.gcpolicy import no_cyclic_gc
from gkcheck.model.catalog import Catalog
from gkcheck.sources.catalog_csv import read_csv
from gkcheck.sources.catalog_table import MAX_ITEMS, too_many_rows
from gkcheck.sources.catalog_xlsx import read_xlsx
from gkcheck.sources.catalog_yaml import read_yaml_catalog
from gkcheck.sources.files import display_path, require_file

READERS = {
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".xls": read_xlsx,  # Excel 97-2003, read into the same sheet grids (sources.xls_open)
    ".csv": read_csv,
    ".yaml": read_yaml_catalog,
    ".yml": read_yaml_catalog,
}


def load_catalog(
    path: str | Path, unit: str | None = None, base: str | Path | None = None, display: str | None = None
) -> Catalog:
    """Read the catalog at `path`.

    `unit` names the unit the catalog belongs to (it wins over one declared in the
    file, with a warning when they differ). Positions and messages show `path`
    relative to `base` when given, else as given; `display`, when given, is that
    shown path as the caller has worked it out already (`display_path(path, base)`).
    Raises `CatalogError`.
    """
    p = Path(path)
    if display is None:
        display = display_path(p, base)
    suffix = p.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise CatalogError(
            f"不支持的目录文件类型“{p.suffix or '（无扩展名）'}”（支持 .xlsx、.xlsm、.xls、.csv、.yaml、.yml）",
            display,
        )
    require_file(p, display, CatalogError)
    try:
        with no_cyclic_gc():
            catalog = reader(p, display)
    except OSError as exc:
        raise CatalogError(f"无法读取文件（{exc.strerror or exc}）", display) from None
    if len(catalog.items) > MAX_ITEMS:
        last = catalog.items[MAX_ITEMS].pos.location().removeprefix(display).lstrip(":") or None
        raise CatalogError(too_many_rows(len(catalog.items)), display, last)
    if unit is not None:
        if catalog.unit and catalog.unit != unit:
            catalog.warnings.append(f"文件声明的单位“{catalog.unit}”与指定的单位“{unit}”不一致，按“{unit}”处理")
        catalog.unit = unit
    return catalog
