"""The JSON form of a result (schema `gkcheck.audit/1`, see docs/result-schema.md).

`render_json` writes it; `load_result` reads a saved one back for `gkcheck report`,
refusing files of another schema with a Chinese error naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from gkcheck.engine.pydantic_zh import describe
from gkcheck.errors import GkError
from gkcheck.model import AuditResult
from gkcheck.model.result import SCHEMA

SCHEMA_FAMILY = SCHEMA.rsplit("/", 1)[0]  # gkcheck.audit


def render_json(result: AuditResult) -> bytes:
    return (json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


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
