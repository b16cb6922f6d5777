"""gkcheck.text.normalize on strings as real catalogs write them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gkcheck.text.normalize import (
    best_matches,
    key,
    key_similarity,
    normalize,
    similarity,
)


def test_full_width_brackets_equal_ascii_brackets():
    assert normalize("公开内容（要素）") == "公开内容(要素)"
    assert normalize("公开内容(要素)") == "公开内容(要素)"
    assert key("公开内容（要素）") == key("公开内容(要素)") == "公开内容要素"


def test_spaces_inside_names_are_removed():
    assert normalize("最低生活保障 办事指南") == "最低生活保障办事指南"
    # line breaks and ideographic spaces from PDF tables, a no-break space from HTML
    assert normalize("最低生活\n保障\u3000办事\xa0指南") == "最低生活保障办事指南"


def test_full_width_digits_and_letters():
    assert normalize("２０２４年") == "2024年"
    assert normalize("ＡＢＣ公开") == "abc公开"
    assert key("１．就业信息服务") == "就业信息服务"


def test_zero_width_characters_are_removed():
    assert normalize("\ufeff低\u200b保\u200d标准") == "低保标准"


def test_brackets_and_quotes_are_unified_but_book_title_marks_kept():
    assert normalize("【试行】〔2019〕［附件］") == "[试行][2019][附件]"
    assert normalize("“主动”") == '"主动"'
    assert normalize("《社会救助暂行办法》") == "《社会救助暂行办法》"
    assert normalize("国办发〔2019〕54号") == "国办发[2019]54号"


def test_key_drops_punctuation_symbols_and_list_numbers():
    assert key("《社会救助暂行办法》") == "社会救助暂行办法"
    assert key("1.1 就业政策、法规咨询") == "就业政策法规咨询"
    assert key("（一）政策文件") == "政策文件"
    assert key("二、监督检查") == "监督检查"
    assert key("■政府网站 □政府公报") == "政府网站政府公报"


def test_key_keeps_numbers_that_are_not_list_numbers():
    assert key("12月底前") == "12月底前"
    assert key("2024年工作要点") == "2024年工作要点"
    assert key("12345热线") == "12345热线"


def test_similarity_values():
    assert similarity("公开内容（要素）", "公开内容(要素)") == 1.0
    assert similarity("最低生活保障 办事指南", "最低生活保障办事指南") == 1.0
    assert similarity("低保办事指南", "最低生活保障办事指南") == 0.75
    # containment raises the ratio (4 of 7 characters: difflib gives 0.727)
    assert similarity("政策解读", "政策解读与回应") == 0.75 + 0.25 * 4 / 7
    assert similarity("招生计划", "低保对象名单") == 0.0
    assert similarity("", "低保") == 0.0
    assert similarity("——", "——") == 0.0


def test_best_matches_orders_filters_and_limits():
    cands = ["最低生活保障 / 办事指南", "特困人员救助供养 / 审批信息", "临时救助 / 办事指南", "最低生活保障 / 办事指南"]
    got = best_matches("最低生活保障办事指南", cands, cutoff=0.6, n=3)
    assert got[0] == ("最低生活保障 / 办事指南", 1.0)
    assert got == [("最低生活保障 / 办事指南", 1.0)]  # duplicates count once
    low = best_matches("最低生活保障办事指南", cands, cutoff=0.4, n=3)
    assert [c for c, _ in low] == ["最低生活保障 / 办事指南", "临时救助 / 办事指南"]
    assert best_matches("最低生活保障办事指南", cands, cutoff=0.6, n=1) == [("最低生活保障 / 办事指南", 1.0)]
    assert best_matches("招生计划", cands) == []


_text = st.text(alphabet=st.sampled_from(list("低保标准（）() 　《》【】２0aＡ、，,.\u200b\n")), max_size=20)


@given(_text)
def test_normalize_is_idempotent_and_key_ignores_normalisation(s):
    assert normalize(normalize(s)) == normalize(s)
    assert key(normalize(s)) == key(s)


@given(_text, _text)
def test_similarity_is_symmetric_and_bounded(a, b):
    s = similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == similarity(b, a)


@given(_text, _text, st.floats(min_value=0.0, max_value=1.0))
def test_key_similarity_cutoff_only_drops_scores_below_it(a, b, cutoff):
    full = similarity(a, b)
    fast = key_similarity(key(a), key(b), cutoff)
    assert fast == full or (fast == 0.0 and full < cutoff)
