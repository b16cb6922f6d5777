"""The JSON form of a result (schema `gkcheck.audit/1`, see docs/result-schema.md).

`render_json` writes it; `load_result` reads a saved one back for `gkcheck report`,
refusing files of another schema with a Chinese error naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from gkcheck.engine.pydantic_zh import describe
from gkcheck.errors import GkError
from gkcheck.model import AuditResult
from gkcheck.model.packed import PackedFindings, json_piece
from gkcheck.model.result import SCHEMA

SCHEMA_FAMILY = SCHEMA.rsplit("/", 1)[0]  # gkcheck.audit


def render_json(result: AuditResult) -> bytes:
    if not _floats_print_alike(result):
        return (json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return b"".join(_json_parts(result))


def write_json(result: AuditResult, fh: BinaryIO) -> None:
    """`render_json(result)` written piece by piece to an open binary file, so that the
    text of a result with hundreds of thousands of findings is never held whole."""
    if not _floats_print_alike(result):
        fh.write(render_json(result))
        return
    fh.writelines(_json_parts(result))


# The same text as json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2), made
# by pydantic's serializer (many times faster than the json module's pure-Python indenting
# encoder) a batch of findings at a time. The two write every value alike except floats
# outside 1e-4 <= |x| < 1e16 (1e-05 against 1e-5): a result holding one of those takes the
# json module's path.
_LIST_KEYS = ("findings", "baseline_hidden")


_CHUNK = 2000  # findings serialized in one call


def _json_parts(result: AuditResult):
    """The UTF-8 bytes of the JSON text, piece by piece."""
    shell = result.model_copy(update={k: [] for k in _LIST_KEYS})
    text = shell.model_dump_json(indent=2, by_alias=True).encode("utf-8")
    for k in _LIST_KEYS:
        marker = f'\n  "{k}": []'.encode()
        head, _, text = text.partition(marker)
        yield head
        items = getattr(result, k)
        if not items:
            yield marker
            continue
        yield f'\n  "{k}": [\n'.encode()
        first = True
        for piece in _pieces(items):
            yield (b"    " if first else b",\n    ") + piece
            first = False
        yield b"\n  ]"
    yield text + b"\n"


def _pieces(items):
    """The report text of the findings (json_piece), a non-empty batch at a time: a
    packed list's own, made where the findings were, or _CHUNK findings at a time."""
    if isinstance(items, PackedFindings):
        yield from items.json_pieces()
        return
    for start in range(0, len(items), _CHUNK):
        yield json_piece(items[start : start + _CHUNK])


def _floats_print_alike(result: AuditResult) -> bool:
    """Whether every float of the result is one both serializers write alike."""

    def ok(v) -> bool:
        if isinstance(v, float):
            return v == 0.0 or 1e-4 <= abs(v) < 1e16
        if isinstance(v, dict):
            return all(ok(x) for x in v.values())
        if isinstance(v, (list, tuple)):
            return all(ok(x) for x in v)
        return True

    if not all(ok(u.score) and ok(u.score_detail) for u in result.units):
        return False
    if not (ok(result.tasks) and ok(result.rules) and ok(result.requirements)):
        return False
    # packed findings come straight from the evaluation: none has a waiver (waivers unpack)
    lists = [getattr(result, k) for k in _LIST_KEYS]
    return all(f.waiver is None or ok(f.waiver) for items in lists if not isinstance(items, PackedFindings) for f in items)


def load_result(path: str | Path) -> AuditResult:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise GkError("结果文件不存在", p) from None
    except IsADirectoryError:
        raise GkError("应为结果文件（result.json），实际是文件夹", p) from None
    except OSError as exc:
        raise GkError(f"无法读取结果文件（{exc.strerror}）", p) from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise GkError("结果文件不是 UTF-8 编码的 JSON", p) from None
    except json.JSONDecodeError as exc:
        raise GkError("不是有效的 JSON", p, f"第{exc.lineno}行第{exc.colno}列") from None
    if not isinstance(doc, dict) or "schema" not in doc:
        raise GkError(f'不是 gkcheck 检查结果（缺少 "schema": "{SCHEMA}"）', p)
    schema = doc["schema"]
    if schema != SCHEMA:
        if isinstance(schema, str) and schema.startswith(SCHEMA_FAMILY + "/"):
            raise GkError(
                f"结果格式版本 {schema} 与本工具支持的 {SCHEMA} 不同，请用对应版本的 gkcheck 重新生成", p
            )
        raise GkError(f"不是 gkcheck 检查结果（schema 为“{schema}”，应为“{SCHEMA}”）", p)
    try:
        return AuditResult.model_validate(doc)
    except ValidationError as exc:
        raise GkError(f"结果文件内容不符合 {SCHEMA}：{describe(exc, '字段')}", p) from None
