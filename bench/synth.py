"""Generate a synthetic province for the benchmarks: N units, each a copy of one of the
41 units of the shipped Zoucheng pack (same kind, groups, domains and duties), with

- a rule pack that extends rules/national and holds the Zoucheng rule files and task
  table, every unit named there replaced by the group of its copies
  (市民政局 -> 市民政局及同类单位), so each copy carries its model's duties;
- a catalog (CSV in the State Council's standard-directory layout: title row, 更新日期
  line, two-row header with √ marks) of about 200 rows per unit;
- a ledger (YAML) per unit;
- a sites config with 20 columns per unit, and a crawl store (SQLite, written through
  gkcheck.crawl.store.Store exactly as the crawler writes it) with about 30 posts per
  column and the post pages of 政策文件, 政策解读 and 社会救助;
- gkcheck.yaml tying them together.

    python -m bench.synth OUT_DIR --units 1000

Unit i is the same in every province (its data depends on i only), so a smaller
province is a prefix of a bigger one.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.synth_text import (
    COLUMNS,
    Row,
    catalog_rows,
    column_posts,
    column_slug,
    ledger_entries,
    policy_pairs,
)
from gkcheck.crawl.body import Body
from gkcheck.crawl.extract import ListItem
from gkcheck.crawl.store import PageRecord, Store
from gkcheck.engine.pack import Pack, load_pack

SHIPPED = REPO / "rules" / "zoucheng-2024"
NATIONAL = REPO / "rules" / "national"
AS_OF = "2024-12-31"
POSTS_PER_PAGE = 15


@dataclass
class Template:
    """One unit of the shipped pack, as the model of its copies."""

    id: str
    name: str
    kind: str
    groups: list[str]
    domains: list[str]
    issues_policies: bool
    family: str  # the group of its copies
    required: list[tuple[str, str, list[str]]]  # catalog items its has_item rules ask for


@dataclass
class SynthUnit:
    index: int
    id: str
    name: str
    template: Template


def family_name(unit_name: str) -> str:
    return f"{unit_name}及同类单位"


def templates(pack: Pack) -> list[Template]:
    out = []
    for u in pack.units:
        required: list[tuple[str, str, list[str]]] = []
        for rule in pack.rules:
            if rule.check != "catalog.has_item" or u.id not in pack.units_of_rule(rule):
                continue
            for spec in pack.params[rule.id].items:
                must = [e if isinstance(e, str) else e[0] for e in spec.contains]
                level1 = spec.level1 or (u.domains[0] if u.domains else "机构信息")
                required.append((level1, spec.name, must))
        out.append(Template(u.id, u.name, u.kind, list(u.groups), list(u.domains), u.issues_policies,
                            family_name(u.name), required))
    return out


def make_units(tmpls: list[Template], n: int) -> list[SynthUnit]:
    return [SynthUnit(i, f"u{i:05d}", f"{tmpls[i % len(tmpls)].name}{i:05d}", tmpls[i % len(tmpls)])
            for i in range(n)]


# ---------------------------------------------------------------------------- the pack


def _selector_map(pack: Pack) -> dict[str, str]:
    """Every name, alias and id of a shipped unit -> its family group."""
    out = {}
    for u in pack.units:
        for name in u.all_names():
            out[name] = family_name(u.name)
    return out


def _rewrite(selectors, mapping: dict[str, str]):
    if not isinstance(selectors, list):
        return selectors
    return [mapping.get(s, s) for s in selectors]


def write_pack(folder: Path, pack: Pack, tmpls: list[Template], units: list[SynthUnit], all_rules: bool) -> None:
    """The bench pack: shipped rule files and task table with unit names mapped to
    family groups; with `all_rules`, every rule applies to every unit."""
    folder.mkdir(parents=True, exist_ok=True)
    mapping = _selector_map(pack)
    (folder / "pack.yaml").write_text(
        yaml.safe_dump(
            {"id": "bench-province", "name": "基准测试：合成的全省单位（邹城2024规则）", "plan_year": 2024,
             "as_of": dt.date.fromisoformat(AS_OF), "extends": [str(NATIONAL)]},
            allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    tasks = yaml.safe_load((SHIPPED / "tasks.yaml").read_text(encoding="utf-8"))
    for t in tasks.get("tasks") or []:
        t["lead"] = _rewrite(t.get("lead"), mapping)
        t["cooperating"] = _rewrite(t.get("cooperating"), mapping)
    for r in tasks.get("requirements") or []:
        r["units"] = ["all"] if all_rules else _rewrite(r.get("units"), mapping)
    (folder / "tasks.yaml").write_text(yaml.safe_dump(tasks, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in sorted(SHIPPED.glob("rules-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules = data["rules"]
        for r in rules:
            if all_rules:
                r["units"] = ["all"]
                r.pop("exclude", None)
            else:
                for k in ("units", "exclude"):
                    if k in r:
                        r[k] = _rewrite(r[k], mapping)
        (folder / path.name).write_text(
            yaml.safe_dump({"rules": rules}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    groups = [{"id": g.id, "name": g.name, "aliases": list(g.aliases)} for g in pack.groups]
    groups += [{"id": t.family, "name": t.family} for t in tmpls]
    body = {
        "groups": groups,
        "units": [
            {"id": u.id, "name": u.name, "kind": u.template.kind,
             "groups": [*u.template.groups, u.template.family], "domains": u.template.domains,
             "issues_policies": u.template.issues_policies}
            for u in units
        ],
    }
    write_json_form(folder / "units.yaml", body)


def write_json_form(path: Path, data: dict) -> None:
    """YAML in JSON form, one list item a line: how a program writes the unit list and
    the sites config of a whole province (JSON is YAML; gkcheck reads it with the json
    module, see gkcheck.engine.yamlio)."""
    parts = []
    for k, v in data.items():
        if isinstance(v, list):
            items = ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in v)
            parts.append(f"{json.dumps(k, ensure_ascii=False)}: [\n  {items}\n]")
        else:
            parts.append(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}")
    path.write_text("{\n" + ",\n".join(parts) + "\n}\n", encoding="utf-8")


# ------------------------------------------------------------------------------ catalogs

MARK = "√"
TWO_ROW_HEADER = (
    ["序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
     "公开对象", "", "公开方式", "", "公开层级", ""],
    ["", "一级事项", "二级事项", "", "", "", "", "", "全社会", "特定群体", "主动", "依申请", "县级", "乡级"],
)
FLAT_HEADER = ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
               "公开渠道和载体", "公开对象", "公开方式", "公开层级"]


def _marks(value: str, options: tuple[str, str]) -> list[str]:
    return [MARK if o in value else "" for o in options]


def standard_rows(rows: list[Row]) -> list[list[str]]:
    """Body rows of the two-row-header layout (√ under 公开对象/方式/层级)."""
    out = []
    for i, r in enumerate(rows, 1):
        out.append([str(i), r.level1, r.level2, r.content, r.basis, r.time_limit, r.subject, r.channels,
                    *_marks(r.audience, ("全社会", "特定群体")), *_marks(r.mode, ("主动", "依申请")),
                    *_marks(r.level, ("县级", "乡级"))])
    return out


def flat_rows(rows: list[Row]) -> list[list[str]]:
    """Body rows of the one-row-header layout (values written as text)."""
    return [[str(i), r.level1, r.level2, r.content, r.basis, r.time_limit, r.subject, r.channels,
             r.audience, r.mode, r.level] for i, r in enumerate(rows, 1)]


def unit_rows(u: SynthUnit, rng: random.Random, size: int) -> list[Row]:
    t = u.template
    required = list(t.required)
    if required and rng.random() < 0.05:  # a unit that left out one required item
        required.pop(rng.randrange(len(required)))
    subject = f"邹城市{u.name.removeprefix('市')}"
    return catalog_rows(rng, subject, t.kind == "town", required, size)


def write_catalog_csv(path: Path, title: str, updated: dt.date, rows: list[Row]) -> None:
    width = len(TWO_ROW_HEADER[0])
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([title] + [""] * (width - 1))
        w.writerow([f"更新日期：{updated.year}年{updated.month}月{updated.day}日"] + [""] * (width - 1))
        w.writerows(TWO_ROW_HEADER)
        w.writerows(standard_rows(rows))


# ------------------------------------------------------------------------------- ledgers


def write_ledger(path: Path, u: SynthUnit, rng: random.Random) -> None:
    data = {"unit": u.name, "entries": ledger_entries(rng, u.name)}
    path.write_text(f"# {u.name} 政务公开工作台账\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


# ------------------------------------------------------------------- sites and the store


def host_of(u: SynthUnit) -> str:
    return f"http://{u.id}.bench.zoucheng.gov.cn"


def sites_config(units: list[SynthUnit]) -> dict:
    return {
        "defaults": {"delay": 0.5, "max_pages": 5},
        "units": [
            {
                "unit": u.name,
                "columns": [
                    {"name": name, "url": f"{host_of(u)}/{column_slug(name)}/", "profile": "trs",
                     **({"bodies": True} if bodies else {})}
                    for name, bodies in COLUMNS
                ],
            }
            for u in units
        ],
    }


def write_sites(path: Path, units: list[SynthUnit]) -> None:
    write_json_form(path, sites_config(units))


def unit_posts(u: SynthUnit, rng: random.Random) -> dict[str, list]:
    host = host_of(u)
    out = {}
    docs, interps = policy_pairs(rng, host, u.name, u.id, rng.randint(26, 34), rng.randint(20, 28))
    for name, _ in COLUMNS:
        if name == "政策文件":
            out[name] = docs
        elif name == "政策解读":
            out[name] = interps
        else:
            out[name] = column_posts(rng, host, u.name, u.id, name, rng.randint(25, 35))
    return out


def write_store_unit(store: Store, crawl_id: int, u: SynthUnit, posts: dict[str, list]) -> None:
    """One unit's columns, as the crawler records them: list pages with their posts, then
    the post pages of the columns whose bodies are crawled."""
    bodies_of = dict(COLUMNS)
    for name, items in posts.items():
        base = f"{host_of(u)}/{column_slug(name)}/"
        store.start_column(crawl_id, u.name, name, base, "trs")
        pages = [items[i: i + POSTS_PER_PAGE] for i in range(0, len(items), POSTS_PER_PAGE)] or [[]]
        for k, page in enumerate(pages):
            url = base + ("index.html" if k == 0 else f"index_{k}.html")
            rec = PageRecord(url=url, kind="list", unit=u.name, column=name, status=200, bytes=9000 + 300 * len(page),
                             encoding="utf-8", final_url=url, attempts=1, elapsed=0.05, content_type="text/html")
            store.record_list_page(crawl_id, rec, [ListItem(p.title, p.url, p.date, "list") for p in page],
                                   k * POSTS_PER_PAGE)
        if bodies_of[name]:
            for p in items:
                if p.body is None:
                    continue
                rec = PageRecord(url=p.url, kind="body", unit=u.name, column=name, status=200,
                                 bytes=len(p.body.encode()) + 4000, encoding="utf-8", final_url=p.url, attempts=1,
                                 elapsed=0.05, content_type="text/html")
                store.record_body_page(crawl_id, rec, Body(text=p.body, title=p.title, date=p.date,
                                                           links=list(p.links), attachments=list(p.attachments)))
        store.finish_column(crawl_id, u.name, name, status="ok", error=None, note=None, pages=len(pages),
                            posts=len(items))


# ----------------------------------------------------------------------------- province


@dataclass
class Province:
    root: Path
    units: int
    config: Path


def generate(root: str | Path, n: int, *, catalog_rows_per_unit: int = 200, all_rules: bool = False,
             progress=None) -> Province:
    """Write a province of `n` units into `root` (which should be empty or absent)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    shipped = load_pack(SHIPPED)
    tmpls = templates(shipped)
    units = make_units(tmpls, n)
    write_pack(root / "pack", shipped, tmpls, units, all_rules)
    (root / "catalogs").mkdir(exist_ok=True)
    (root / "ledgers").mkdir(exist_ok=True)
    write_sites(root / "sites.yaml", units)
    store_path = root / "gkcheck.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store_path}{suffix}").unlink(missing_ok=True)
    with Store(store_path) as store:
        crawl_id = store.begin_crawl(str(root / "sites.yaml"), None, None)
        for u in units:
            rng = random.Random(f"bench-unit-{u.index}")
            size = rng.randint(catalog_rows_per_unit * 3 // 4, catalog_rows_per_unit * 5 // 4)
            updated = dt.date(2024, rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.05:
                updated = dt.date(2023, rng.randint(1, 11), rng.randint(1, 28))  # not updated for over a year
            write_catalog_csv(root / "catalogs" / f"{u.name}主动公开事项目录.csv",
                              f"邹城市{u.name.removeprefix('市')}主动公开事项目录", updated, unit_rows(u, rng, size))
            write_ledger(root / "ledgers" / f"{u.name}.yaml", u, rng)
            write_store_unit(store, crawl_id, u, unit_posts(u, rng))
            if progress and (u.index + 1) % 100 == 0:
                progress(u.index + 1, n)
        store.finish_crawl(crawl_id)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    config = root / "gkcheck.yaml"
    config.write_text(
        "# 基准测试配置（bench/synth.py 生成）\n"
        f"pack: pack\nas_of: {AS_OF}\ncatalogs: catalogs\nledgers: ledgers\nsites: sites.yaml\n"
        "store: gkcheck.db\noutput: out\nformats: [json]\nfail_on: never\n",
        encoding="utf-8")
    (root / "DONE").write_text(f"{n}\n", encoding="utf-8")
    return Province(root, n, config)


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description="生成基准测试用的合成单位数据（规则包、目录、台账、网站栏目、抓取数据库）")
    p.add_argument("out", help="输出文件夹")
    p.add_argument("--units", type=int, default=100, help="单位数（默认 100）")
    p.add_argument("--all-rules", action="store_true", help="每条规则都适用于每个单位（压力测试）")
    args = p.parse_args(argv)
    generate(args.out, args.units, all_rules=args.all_rules,
             progress=lambda i, n: print(f"  已生成 {i}/{n} 个单位", file=sys.stderr))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
