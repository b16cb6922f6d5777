"""The speed-ups for large audits change nothing a user sees.

Each fast path is compared with the straightforward code it replaced (kept here as the
reference) on many generated inputs, and the whole pipeline is compared across its
modes: evidence read up front or unit by unit, one process or several.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

import pytest

from gkcheck.checks import interpretation as interp
from gkcheck.checks._catalog_match import (
    Hit,
    ItemSpec,
    _contains,
    _keys,
    _level1_at,
    _levels,
    find_item,
    missing_elements,
)
from gkcheck.engine import parallel
from gkcheck.engine import evaluate as evaluate_module
from gkcheck.engine.evaluate import evaluate
from gkcheck.engine.gather import Sources, gather, match_unit
from gkcheck.engine.pack import load_pack
from gkcheck.engine.selectors import name_key
from gkcheck.model import CatalogItem, Post
from gkcheck.model.catalog import SourcePos
from gkcheck.report import finalize, render
from gkcheck.report.json_out import render_json
from gkcheck.report.scores import score_units
from gkcheck.text.normalize import _WHITESPACE, key, normalize, similarity

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "rules" / "zoucheng-2024"


# ------------------------------------------------------------------ reference versions


def ref_match_unit(pack, text):
    k = name_key(text)
    best = None
    for unit in pack.index.units.values():
        for n in unit.all_names():
            nk = name_key(n)
            if len(nk) >= 2 and nk in k and (best is None or len(nk) > best[0]):
                best = (len(nk), unit.id)
    return best[1] if best else None


def ref_match_row(spec, item):
    levels = _levels(item)
    start = 0
    if spec.level1:
        at = _level1_at(spec, levels)
        if at is None:
            return None
        start = at + 1
    names = _keys(spec.names())
    runs = {"".join(levels[i:j]) for i in range(start, len(levels)) for j in range(i + 1, len(levels) + 1)}
    if any(_contains(n, r) for n in names for r in runs):
        return "name"
    content = key(item.content)
    if content and any(_contains(n, content) for n in names):
        return "content"
    return None


def ref_find_item(spec, items):
    hits = [Hit(it, s, missing_elements(spec, it)) for it in items if (s := ref_match_row(spec, it))]
    if not hits:
        return None
    strong = [h for h in hits if h.strength == "name"] or hits
    return min(strong, key=lambda h: len(h.missing))


def ref_pair_documents(documents, interpretations, threshold=0.8):
    out = []
    for doc in documents:
        best = None
        for it in interpretations:
            if it.url == doc.url:
                continue
            if interp._links_to(doc, it) or interp._links_to(it, doc):
                score, how = 2.0, "链接"
            else:
                if interp._doc_numbers(doc.title) & interp._doc_numbers(it.title):
                    score, how = 1.0, "文号"
                else:
                    cd, ci = interp.document_core(doc.title), interp.interpretation_core(it.title)
                    if len(key(cd)) < 4 or len(key(ci)) < 4 or interp._other_place(cd, ci):
                        score, how = 0.0, ""
                    else:
                        score, how = similarity(cd, ci), "标题"
                if score < threshold:
                    continue
            gap = abs((it.date - doc.date).days) if it.date and doc.date else 10**6
            cand = (score, -gap, it, how)
            if best is None or cand[:2] > best[:2]:
                best = cand
        out.append((doc.url, None, "", 0.0) if best is None else (doc.url, best[2].url, best[3], min(best[0], 1.0)))
    return out


# ------------------------------------------------------------------------ fast paths


def test_match_unit_is_the_longest_name_as_before():
    pack = load_pack(PACK)
    names = [n for u in pack.units for n in u.all_names()]
    rng = random.Random(7)
    checked = 0
    for _ in range(4000):
        parts = [rng.choice(names) for _ in range(rng.randint(0, 3))]
        parts += [rng.choice(["catalogs/", "目录", ".xlsx", " ", "市", "局", "Ｍ", "镇"]) for _ in range(rng.randint(0, 3))]
        rng.shuffle(parts)
        text = "".join(parts)
        assert match_unit(pack, text) == ref_match_unit(pack, text), text
        checked += match_unit(pack, text) is not None
    assert checked > 1000  # most texts name a unit


def test_whitespace_is_what_str_isspace_says():
    # normalize drops whitespace with a regular expression instead of a loop over
    # str.isspace(): the two agree on every code point
    bad = [c for c in range(sys.maxunicode + 1) if bool(_WHITESPACE.fullmatch(chr(c))) != chr(c).isspace()]
    assert bad == []
    assert normalize(" 公开\u3000内容（要素）\n") == "公开内容(要素)"


def test_find_item_matches_as_before():
    words = ["最低生活保障", "低保", "办事指南", "服务指南", "审核信息", "审批信息", "标准", "临时救助", "救助",
             "政策法规文件", "政策", "文件", "a", "ab", "1.", "（一）", "保", "指南", "名单", "初审对象名单", "金额", ""]
    rng = random.Random(5)

    def w():
        return "".join(rng.choice(words) for _ in range(rng.randint(0, 3)))

    found = 0
    for _ in range(1500):
        items = [
            CatalogItem(level1=w(), level2=w(), level3=w() if rng.random() < 0.2 else "", content=f"{w()}、{w()}",
                        pos=SourcePos(file="x.csv", row=i))
            for i in range(rng.randint(0, 25))
        ]
        spec = ItemSpec(
            name=rng.choice(words[:-1]),
            synonyms=[rng.choice(words[:-1]) for _ in range(rng.randint(0, 2))],
            level1=rng.choice([None, None, "最低生活保障", "临时救助", "低保"]),
            contains=[rng.choice(["标准", ["名单", "金额"]])] if rng.random() < 0.5 else [],
        )
        a, b = ref_find_item(spec, items), find_item(spec, items)
        assert (a is None) == (b is None)
        if a is not None:
            found += 1
            assert (a.item is b.item, a.strength, a.missing) == (True, b.strength, b.missing)
    assert found > 300


def test_pairing_documents_and_interpretations_is_unchanged():
    topics = ["城乡居民临时救助", "困难残疾人生活补贴", "创业担保贷款贴息", "农业机械购置补贴", "公共租赁住房保障"]
    rng = random.Random(11)
    linked_pairs = 0
    for _ in range(600):
        docs, interps = [], []
        for k in range(rng.randint(0, 6)):
            t = rng.choice(topics)
            docs.append(Post(
                title=rng.choice([f"关于印发《邹城市{t}管理办法》的通知（邹民规〔2024〕{k}号）", f"关于做好2024年{t}工作的通知"]),
                url=f"http://a.gov.cn/d{k}.html",
                date=dt.date(2024, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.9 else None,
            ))
        for k in range(rng.randint(0, 6)):
            t = rng.choice(topics)
            interps.append(Post(
                title=rng.choice([f"《邹城市{t}管理办法》政策解读", f"图解：关于做好2024年{t}工作的通知", "邹民规〔2024〕1号解读"]),
                url=f"http://a.gov.cn/i{k}.html",
                date=dt.date(2024, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.9 else None,
                links=[f"http://a.gov.cn/d{rng.randint(0, 6)}.html"] if rng.random() < 0.5 else [],
            ))
        for doc in docs:
            if interps and rng.random() < 0.4:
                doc.links.append(rng.choice(interps).url)
        new = [(p.document.url, p.interpretation.url if p.interpretation else None, p.how, p.score)
               for p in interp.pair_documents(docs, interps)]
        assert new == ref_pair_documents(docs, interps)
        linked_pairs += sum(1 for p in new if p[2] == "链接")
    assert linked_pairs > 200


# ------------------------------------------------------------------------- pipeline


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """A generated province of 12 units (bench/synth.py), two with a broken catalog, one
    with a broken ledger and one whose ledger declares another unit than its file name."""
    sys.path.insert(0, str(ROOT))
    from bench.synth import generate

    root = tmp_path_factory.mktemp("province")
    generate(root, 12, catalog_rows_per_unit=40)
    cats = sorted((root / "catalogs").iterdir())
    cats[3].write_bytes(b"\x00\x01 not a csv")
    cats[9].write_text("", encoding="utf-8")
    ledgers = sorted((root / "ledgers").iterdir())
    ledgers[5].write_text("unit: [broken\n", encoding="utf-8")
    other = ledgers[0].read_text(encoding="utf-8").split("unit: ", 1)[1].split("\n", 1)[0]
    head, rest = ledgers[7].read_text(encoding="utf-8").split("unit: ", 1)
    ledgers[7].write_text(f"{head}unit: {other}\n{rest.split(chr(10), 1)[1]}", encoding="utf-8")
    return root


def _sources(root: Path) -> Sources:
    return Sources(catalogs=[root / "catalogs"], ledgers=[root / "ledgers"], sites=root / "sites.yaml",
                   store=root / "gkcheck.db", base=root)


def _dump(result) -> dict:
    data = result.to_json_dict()
    data.pop("generated_at")
    return data


def test_reading_evidence_unit_by_unit_gives_the_same_evidence_errors_and_notes(province):
    pack = load_pack(province / "pack")
    eager = gather(pack, _sources(province))
    lazy = gather(pack, _sources(province), lazy=True)
    try:
        for uid in eager.evidence:
            assert lazy.evidence[uid] == eager.evidence[uid]
        lazy.finish()
    finally:
        lazy.close()
    assert lazy.errors == eager.errors and len(eager.errors) == 4
    assert "YAML" in eager.errors[2] and "不一致" in eager.errors[3]  # ledgers after catalogs
    assert lazy.notes == eager.notes
    assert any(eager.evidence[u].catalog_errors for u in eager.evidence)


def test_auditing_some_units_reads_no_other_units_files(province, monkeypatch):
    """A unit's catalog and ledger named by their paths are not opened when another unit
    is audited: checking one unit of a province reads one catalog, and another unit's
    broken file is no error of this audit."""
    import gkcheck.sources.catalog as catalog_module
    import gkcheck.sources.ledger as ledger_module

    pack = load_pack(province / "pack")
    everyone = gather(pack, _sources(province))
    broken = {u for u in everyone.evidence if everyone.evidence[u].catalog_errors}
    assert len(broken) == 2
    named = lambda u: pack.index.units[u].name  # noqa: E731
    fine = next(u for u in sorted(everyone.evidence)
                if everyone.evidence[u].catalogs and not any(named(u) in e for e in everyone.errors))
    read: list[str] = []
    for module, name in ((catalog_module, "load_catalog"), (ledger_module, "read_ledger")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda path, *a, _real=real, **k: read.append(Path(path).name) or _real(path, *a, **k))
    one = gather(pack, _sources(province), [fine])
    assert one.errors == [] and list(one.evidence) == [fine]
    assert one.evidence[fine] == everyone.evidence[fine]
    assert len(read) == 2 and all(named(fine) in n for n in read), read
    read.clear()
    with_broken = gather(pack, _sources(province), [fine, *sorted(broken)])
    assert len(with_broken.errors) == 2 and len(read) == 6


def test_several_processes_give_the_same_result_as_one(province, monkeypatch):
    pack = load_pack(province / "pack")
    one = gather(pack, _sources(province), lazy=True)
    result_one = evaluate(pack, one.evidence, as_of=dt.date(2024, 12, 31), jobs=1)
    one.finish()
    monkeypatch.setattr(parallel, "MIN_UNITS_PER_JOB", 1)
    several = gather(pack, _sources(province), lazy=True)
    result_several = evaluate(pack, several.evidence, as_of=dt.date(2024, 12, 31), jobs=3)
    several.finish()
    assert _dump(result_several) == _dump(result_one)
    # the broken catalogs, then the ledgers, in file order
    assert several.errors == one.errors and len(one.errors) == 4
    assert len(result_one.findings) > 12 * 20


def test_chunks_cover_every_item_once_in_order():
    for n in range(30):
        for parts in range(1, 6):
            got = parallel.chunks(list(range(n)), parts)
            assert [x for p in got for x in p] == list(range(n))
            assert len(got) <= parts and all(len(p) for p in got if n)


def test_an_error_in_a_child_process_is_raised_as_itself():
    from gkcheck.errors import SourceError

    def work(part):
        yield part[0]
        if part[0] == 3:
            raise SourceError("抓取数据库读取失败", "gkcheck.db")

    with pytest.raises(SourceError) as exc:
        parallel.run_parts(work, [[1, 2], [3, 4]])
    assert exc.value.render() == "gkcheck.db: 抓取数据库读取失败"
    assert parallel.run_parts(work, [[1], [2]]) == [([1], None), ([2], None)]


def test_json_written_piece_by_piece_is_the_json_module_text(province):
    pack = load_pack(province / "pack")
    gathered = gather(pack, _sources(province))
    result = finalize(evaluate(pack, gathered.evidence, as_of=dt.date(2024, 12, 31)))
    expected = (json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert render_json(result) == expected
    hidden = result.model_copy(update={"findings": result.findings[:2], "baseline_hidden": result.findings[2:5]})
    assert render(hidden, "json") == (json.dumps(hidden.to_json_dict(), ensure_ascii=False, indent=2) + "\n").encode()
    odd = result.model_copy(update={"rules": [{**result.rules[0], "weight": 1e-7}]})  # printed unlike by pydantic
    assert render_json(odd) == (json.dumps(odd.to_json_dict(), ensure_ascii=False, indent=2) + "\n").encode()


def test_scoring_leaves_its_input_alone(province):
    pack = load_pack(province / "pack")
    gathered = gather(pack, _sources(province))
    result = evaluate(pack, gathered.evidence, as_of=dt.date(2024, 12, 31))
    before = _dump(result)
    scored = score_units(result)
    assert _dump(result) == before
    assert all(u.score is None for u in result.units) and any(u.score is not None for u in scored.units)


def test_packed_findings_give_the_same_reports_as_objects(province, monkeypatch, tmp_path):
    """A large audit keeps its findings packed (gkcheck.model.packed): scores, JSON, the
    other formats, waivers and a baseline come out exactly as from a list of objects."""
    from gkcheck.model.packed import PackedFindings
    from gkcheck.report import finalize, render
    from gkcheck.report.baseline import write_baseline

    pack = load_pack(province / "pack")
    plain_g = gather(pack, _sources(province), lazy=True)
    plain = evaluate(pack, plain_g.evidence, as_of=dt.date(2024, 12, 31), jobs=1)
    plain_g.finish()
    monkeypatch.setattr(evaluate_module, "PACK_FROM_UNITS", 1)
    monkeypatch.setattr(evaluate_module, "BATCH_UNITS", 5)
    monkeypatch.setattr(parallel, "MIN_UNITS_PER_JOB", 1)
    packed_g = gather(pack, _sources(province), lazy=True)
    packed = evaluate(pack, packed_g.evidence, as_of=dt.date(2024, 12, 31), jobs=2)
    packed_g.finish()
    assert isinstance(packed.findings, PackedFindings) and isinstance(plain.findings, list)
    assert len(packed.findings) == len(plain.findings) > 200
    assert packed.findings[7] == plain.findings[7] and packed.findings[-1] == plain.findings[-1]
    assert packed.findings.packed_bytes() < 0.25 * sum(len(f.model_dump_json()) for f in plain.findings)

    a, b = finalize(plain), finalize(packed)
    assert isinstance(b.findings, PackedFindings)  # scoring keeps them packed
    a.generated_at = b.generated_at
    assert render(a, "json") == render(b, "json")
    assert [u.score for u in a.units] == [u.score for u in b.units] and any(u.score for u in a.units)
    for fmt in ("text", "md", "junit", "sarif"):
        assert render(a, fmt) == render(b, fmt)

    waivers = tmp_path / "waivers.yaml"
    f = next(f for f in plain.findings if f.status == "fail")
    waivers.write_text(
        f"waivers:\n  - rule: {f.rule}\n    unit: {f.unit}\n    reason: 试\n    owner: 张三\n    expires: 2099-01-01\n",
        encoding="utf-8",
    )
    base = tmp_path / "baseline.json"
    write_baseline(finalize(plain), base)
    wa, wb = finalize(plain, waivers=waivers, baseline=base), finalize(packed, waivers=waivers, baseline=base)
    wa.generated_at = wb.generated_at
    assert render(wa, "json") == render(wb, "json")
    assert any(x.status == "waived" for x in wb.findings) or wb.baseline_hidden
