"""Safe YAML reading with Chinese errors that name the file and line.

Only `yaml.SafeLoader` is used: tags that construct Python objects are refused. Duplicate
keys in a mapping are an error (PyYAML silently keeps the last one otherwise).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from gkcheck.errors import GkError


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            continue
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键“{key}”", key_node.start_mark
            )
        seen[key] = True
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)

# libyaml's parser, when PyYAML was built with it, is many times faster than the pure-
# Python one (sites configs and unit lists of a whole province run to megabytes). The
# constructor, resolver and duplicate-key check are the same Python code; on any error
# the pure-Python loader parses the text again, so that messages stay exactly as before.
_FastUniqueKeyLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastUniqueKeyLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        pass

    _FastUniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load(text: str):
    if _FastUniqueKeyLoader is not None:
        try:
            return yaml.load(text, Loader=_FastUniqueKeyLoader)  # noqa: S506 - CSafeLoader subclass
        except yaml.YAMLError:
            pass  # parsed again below for the pure-Python loader's message
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass


def compose_yaml(text: str):
    """The node tree of a YAML text (for line numbers), with libyaml when available.
    Call it on text `read_yaml` has already accepted."""
    if getattr(yaml, "__with_libyaml__", False):
        try:
            return yaml.compose(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def read_yaml(path: Path, error: type[GkError] = GkError):
    """Parse a YAML file; raise `error` with file and line on any problem."""
    try:
        text = Path(path).read_bytes()
    except FileNotFoundError:
        raise error("文件不存在", path) from None
    except IsADirectoryError:
        raise error("应为文件，实际是文件夹", path) from None
    except OSError as exc:
        raise error(f"无法读取文件（{exc.strerror}）", path) from None
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error("文件不是 UTF-8 编码，请另存为 UTF-8", path) from None
    try:
        return _load(decoded)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第{mark.line + 1}行" if mark else None
        problem = exc.problem or "格式错误"
        raise error(f"YAML 格式错误：{_zh_problem(problem)}", path, where) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML 格式错误：{exc}", path) from None


def _zh_problem(problem: str) -> str:
    table = {
        "could not find expected ':'": "缺少冒号“:”",
        "found character '\\t' that cannot start any token": "含有制表符（请用空格缩进）",
        "mapping values are not allowed here": "此处不能出现键值对（检查缩进或冒号）",
        "found undefined tag handle": "未定义的标签",
        "expected <block end>, but found '-'": "列表项缩进不一致",
        "did not find expected key": "缺少键（检查缩进）",
        "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    }
    for en, zh in table.items():
        if problem.startswith(en):
            return zh
    if "could not determine a constructor for the tag" in problem:
        return "不允许的 YAML 标签（出于安全原因，只接受普通数据）"
    return problem
