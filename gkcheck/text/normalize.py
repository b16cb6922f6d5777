"""Normalising Chinese catalog text so that the same words compare equal.

    normalize("公开内容（要素）")            -> "公开内容(要素)"
    normalize("最低生活保障 办事指南")        -> "最低生活保障办事指南"
    normalize("２０２４年【试行】")           -> "2024年[试行]"
    key("1.1 就业政策、法规咨询")             -> "就业政策法规咨询"
    similarity("低保办事指南", "最低生活保障办事指南") -> 0.75…
    best_matches("办事指南", ["最低生活保障 / 办事指南", "审批信息"]) -> [("最低生活保障 / 办事指南", 0.8…)]

`normalize` keeps punctuation (in one ASCII form where one exists) and the book-title
marks 《》, which carry meaning (a cited law); `key` drops every punctuation mark and
symbol and a leading list number, and is what names are matched on.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["best_matches", "key", "key_similarity", "normalize", "similarity"]

# Characters NFKC leaves alone but that mean the same as an ASCII or a standard mark.
_UNIFY = str.maketrans(
    {
        "【": "[", "】": "]", "〔": "[", "〕": "]", "〖": "[", "〗": "]", "［": "[", "］": "]",
        "「": '"', "」": '"', "『": '"', "』": '"', "“": '"', "”": '"', "„": '"', "＂": '"',
        "‘": "'", "’": "'", "＇": "'",
        "〈": "<", "〉": ">",  # single angle marks: a title nested inside 《》
        "。": ".", "｡": ".",
        "—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "－": "-", "〜": "~",
        "・": "·", "•": "·",
        "\u00ad": None,  # soft hyphen
    }
)
# Zero-width and other invisible format characters seen in copied web text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u180e"), None)

# Every character str.isspace() calls whitespace (re's \s is the same test for str patterns).
_WHITESPACE = re.compile(r"\s+")

# All `_normalize` deletes or replaces after NFKC, in one str.translate table: the
# invisible characters, the unified marks and every whitespace character (all of them
# below U+3001). The three sets are apart and no replacement is in another, so one pass
# does what deleting the invisible ones, unifying, then deleting whitespace does.
_NORMALIZE_TABLE = {
    **_INVISIBLE,
    **_UNIFY,
    **dict.fromkeys((c for c in range(0x3001) if chr(c).isspace()), None),
}

# A list number at the start of a name: "1.", "1.1", "(1)", "1)", "一、", "(一)".
_LEADING_NUMBER = re.compile(
    r"^(?:\(?[0-9]{1,2}\)|[0-9]{1,2}(?:\.[0-9]{1,2})+\.?|[0-9]{1,2}[.、](?![0-9])"
    r"|\(?[一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、)"
)
# The characters such a number starts with: other texts need no look for one.
_NUMBER_FIRST = frozenset("(0123456789一二三四五六七八九十")


def normalize(text: str | None) -> str:
    """One canonical spelling: half-width forms, unified punctuation, no whitespace, lower case.

    - NFKC: full-width letters, digits and punctuation become ASCII (（）→(), ２０２４→2024,
      ，→, ：→: ；→;), the ideographic space becomes a space;
    - 【】〔〕［］ become [], Chinese quotes become ASCII quotes, 。 becomes ., dashes become -;
      《》 and 、 are kept (a book title and a list separator mean something);
    - every whitespace character (spaces, tabs, line breaks, \\u3000, \\xa0) and every
      zero-width character is removed; Chinese is written without spaces, and catalogs
      copied from PDFs break words with them;
    - Latin letters are lower-cased.
    """
    if not text:
        return ""
    return _normalize(str(text))


@lru_cache(maxsize=65536)
def _normalize(text: str) -> str:
    # NFKC; no invisible characters, marks unified, no whitespace (`_NORMALIZE_TABLE`);
    # lower case
    text = unicodedata.normalize("NFKC", text).translate(_NORMALIZE_TABLE).lower()
    # Removing a space can join a letter to the combining mark NFKC split off a spacing
    # accent ("C¸" -> "c" + U+0327): compose again, so that normalize is idempotent.
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def key(text: str | None) -> str:
    """A match key: `normalize`, then drop a leading list number and every punctuation
    mark or symbol (brackets, quotes, 、, ■, √, ●), keeping letters and digits."""
    text = normalize(text)
    if text[:1] in _NUMBER_FIRST:
        text = _LEADING_NUMBER.sub("", text, count=1)
    kept = text.translate(_DROP_MARKS)
    # a dropped mark may have split a letter from its accent
    return kept if kept.isascii() else unicodedata.normalize("NFC", kept)


class _MarkTable(dict):
    """str.translate table deleting punctuation, symbols, separators and control
    characters; each character's category is looked up once, the first time it is met."""

    def __missing__(self, code: int):
        value = None if unicodedata.category(chr(code))[0] in "PSZC" else code
        self[code] = value
        return value


_DROP_MARKS = _MarkTable()


def similarity(a: str | None, b: str | None) -> float:
    """How alike two names are, 0.0–1.0, compared on their keys.

    The difflib ratio (the better of both argument orders, so that the score is
    symmetric), raised when one key contains the other (an abbreviated or extended name):
    then the score is at least 0.75 plus a share of 0.25 that grows with the length of the
    shorter key relative to the longer. Equal keys give 1.0; an empty key gives 0.0.
    """
    return key_similarity(key(a), key(b))


def key_similarity(ka: str, kb: str, cutoff: float = 0.0) -> float:
    """`similarity` of two keys already computed; returns 0.0 early when the score
    cannot reach `cutoff` (a cheap upper bound rules it out), for scanning many candidates."""
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    short, long_ = sorted((ka, kb), key=len)
    bonus = 0.75 + 0.25 * len(short) / len(long_) if len(short) >= 2 and short in long_ else 0.0
    forward = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    # Both quick ratios are upper bounds of the ratio in either argument order.
    if bonus < cutoff and (forward.real_quick_ratio() < cutoff or forward.quick_ratio() < cutoff):
        return 0.0
    # difflib's ratio depends on argument order; take the better of both to stay symmetric.
    ratio = max(forward.ratio(), difflib.SequenceMatcher(None, kb, ka, autojunk=False).ratio())
    return min(max(ratio, bonus), 1.0)


def best_matches(
    name: str, candidates: Iterable[str], cutoff: float = 0.6, n: int = 3
) -> list[tuple[str, float]]:
    """The `n` candidates most like `name` with a similarity of at least `cutoff`,
    best first (ties keep the candidates' order); duplicates count once."""
    scored: list[tuple[float, int, str]] = []
    seen: set[str] = set()
    kn = key(name)
    for i, cand in enumerate(candidates):
        if cand in seen:
            continue
        seen.add(cand)
        score = key_similarity(kn, key(cand), cutoff)
        if score >= cutoff:
            scored.append((-score, i, cand))
    scored.sort()
    return [(cand, -neg) for neg, _, cand in scored[:n]]
