"""Turn pydantic validation errors into one Chinese sentence a rule author can act on."""

from __future__ import annotations

from pydantic import ValidationError

_TYPES = {
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "date_type": "应为日期（如 2024-12-31）",
    "date_parsing": "应为日期（如 2024-12-31）",
    "date_from_datetime_parsing": "应为日期（如 2024-12-31）",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "too_short": "内容过少",
    "too_long": "内容过多",
    "value_error": "取值无效",
}


def describe(exc: ValidationError, what: str = "参数") -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        etype = err.get("type", "")
        if etype == "missing":
            parts.append(f"缺少必填{what}“{loc}”")
        elif etype == "extra_forbidden":
            parts.append(f"未知{what}“{loc}”")
        else:
            zh = _TYPES.get(etype, "取值无效")
            extra = ""
            ctx = err.get("ctx") or {}
            if etype == "literal_error" and "expected" in ctx:
                extra = f"（允许：{_choices(str(ctx['expected']))}）"
            elif etype == "value_error" and err.get("msg"):
                extra = f"（{err['msg'].removeprefix('Value error, ')}）"
            got = err.get("input")
            shown = f"，实际为“{got}”" if isinstance(got, (str, int, float)) else ""
            parts.append(f"{what}“{loc}”{zh}{extra}{shown}" if loc else f"{zh}{extra}{shown}")
    more = len(exc.errors()) - 5
    if more > 0:
        parts.append(f"另有{more}处错误")
    return "；".join(parts)


def _choices(expected: str) -> str:
    """pydantic's "'error', 'warning' or 'info'" as "error、warning、info"."""
    parts = [p.strip().strip("'\"") for p in expected.replace(" or ", ", ").split(",")]
    return "、".join(p for p in parts if p)
