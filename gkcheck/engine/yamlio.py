"""Safe YAML reading with Chinese errors that name the file and line.

Only `yaml.SafeLoader` is used: tags that construct Python objects are refused. Duplicate
keys in a mapping are an error (PyYAML silently keeps the last one otherwise).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from gkcheck.errors import GkError


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


_MERGE_TAG = "tag:yaml.org,2002:merge"


_STR_TAG = "tag:yaml.org,2002:str"


def _construct_mapping(loader, node, deep=False):
    # The common case, plain text keys, is checked on the nodes: such a key is its text.
    texts = [k.value for k, _ in node.value if type(k) is yaml.ScalarNode and k.tag == _STR_TAG]
    if len(texts) == len(node.value) and len(set(texts)) == len(texts):
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue  # `<<: *defaults` is merged by SafeLoader below, not a key of its own
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


def _construct_timestamp(loader, node):
    """A date-like scalar that is no real date (2024-13-45) is an error with its line,
    not a ValueError from deep inside PyYAML."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"日期“{node.value}”无效（月份或日期超出范围）", node.start_mark
        ) from None


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

# libyaml's parser, when PyYAML was built with it, is many times faster than the pure-
# Python one (sites configs and unit lists of a whole province run to megabytes). The
# constructors (duplicate keys, dates) are the same Python code; on any error the text is
# parsed again by the pure-Python loader, so that every message stays exactly as it is.
_FastUniqueKeyLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastUniqueKeyLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        pass

    _FastUniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _FastUniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class _NotPlainJson(Exception):
    """A JSON text that YAML would read differently (or not at all): left to YAML."""


def _json_pairs(pairs):
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _NotPlainJson  # a key given twice: YAML's loader names it and its line
    return d


# A float YAML 1.1 (PyYAML's resolver) also reads as a float: a dot, a signed exponent.
_YAML_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?$")


def _json_float(text: str) -> float:
    if not _YAML_FLOAT.match(text):
        raise _NotPlainJson  # 1e3 or 1.5e3: a string to PyYAML
    return float(text)


def _json_constant(text: str):
    raise _NotPlainJson  # NaN, Infinity: not YAML


def _load_json(text: str):
    """A text in JSON form (valid YAML too), read by the json module: the same data YAML
    gives, some fifty times faster, for the configs and unit lists a program writes for a
    whole province. Raises _NotPlainJson when the text is not JSON or YAML would differ."""
    try:
        return json.loads(
            text, object_pairs_hook=_json_pairs, parse_float=_json_float, parse_constant=_json_constant
        )
    except ValueError:
        raise _NotPlainJson from None


def _load(text: str):
    if text.lstrip()[:1] in ("{", "["):
        try:
            return _load_json(text)
        except _NotPlainJson:
            pass
    if _FastUniqueKeyLoader is not None:
        try:
            return yaml.load(text, Loader=_FastUniqueKeyLoader)  # a CSafeLoader subclass
        except Exception:  # noqa: BLE001, S110 - the pure-Python loader below gives the message
            pass
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass


def compose_yaml(text: str):
    """The node tree of a YAML text (for line numbers), with libyaml when available.
    Call it on text `read_yaml` has already accepted."""
    if _FastUniqueKeyLoader is not None:
        try:
            return yaml.compose(text, Loader=yaml.CSafeLoader)
        except Exception:  # noqa: BLE001, S110 - composed again below
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _load_with_nodes(text: str):
    """(data, root node) from one parse: the node tree gives line numbers."""
    if _FastUniqueKeyLoader is not None:
        try:
            return _parse_once(_FastUniqueKeyLoader, text)
        except Exception:  # noqa: BLE001, S110 - parsed again below for the message
            pass
    return _parse_once(_UniqueKeyLoader, text)


def _parse_once(loader_cls, text: str):
    loader = loader_cls(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    finally:
        loader.dispose()


def read_yaml_nodes(path: Path, error: type[GkError] = GkError):
    """`(read_yaml(path), its node tree)` from a single parse (None, None for an empty
    file), for readers that name the line of a record."""
    return _read(path, error, _load_with_nodes)


def read_yaml(path: Path, error: type[GkError] = GkError):
    """Parse a YAML file; raise `error` with file and line on any problem."""
    return _read(path, error, _load)


def _read(path: Path, error: type[GkError], load):
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
    except UnicodeDecodeError as exc:
        line = text[: exc.start].count(b"\n") + 1
        raise error("文件不是 UTF-8 编码，请另存为 UTF-8", path, f"第{line}行") from None
    try:
        return load(decoded)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第{mark.line + 1}行" if mark else None
        problem = exc.problem or "格式错误"
        text = _zh_problem(problem, exc.context)
        opened = exc.context_mark
        if exc.context and "flow" in exc.context and opened and mark and opened.line != mark.line:
            text += f"（第{opened.line + 1}行的括号可能未闭合）"
        raise error(f"YAML 格式错误：{text}", path, where) from None
    except yaml.reader.ReaderError as exc:
        line = decoded[: exc.position].count("\n") + 1
        raise error(
            f"YAML 格式错误：含有不允许的控制字符（#x{exc.character:04x}）", path, f"第{line}行"
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML 格式错误（{exc}）", path) from None
    except RecursionError:
        raise error("YAML 格式错误：列表或映射嵌套层数过多", path) from None


_TOKENS = {
    "<stream end>": "文件结尾",
    "<block end>": "缩进块结束",
    "<block mapping start>": "键值对",
    "<block sequence start>": "列表项",
    "<scalar>": "文本",
    "<document start>": "新文档（---）",
    "<flow mapping start>": "“{”",
    "<flow sequence start>": "“[”",
    "-": "列表项“-”",
    "?": "键",
    ",": "逗号",
    "',' or ']'": "逗号或“]”",
    "',' or '}'": "逗号或“}”",
}
_EXPECTED = re.compile(r"^expected (.+?), but (?:found|got) (.+)$")


def _token(text: str) -> str:
    """A PyYAML token name ('<stream end>', '-', ',' or ']') in Chinese."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'" and text.count("'") == 2:
        text = text[1:-1]
    return _TOKENS.get(text, f"“{text}”")


def _zh_problem(problem: str, context: str | None = None) -> str:
    """PyYAML's English problem as a Chinese sentence a rule author can act on."""
    table = {
        "could not find expected ':'": "缺少冒号“:”",
        "found character '\\t' that cannot start any token": "含有制表符（请用空格缩进）",
        "mapping values are not allowed here": "此处不能出现键值对（检查缩进，或给含冒号的值加引号）",
        "found undefined tag handle": "未定义的标签",
        "did not find expected key": "缺少键（检查缩进）",
        "did not find expected '-' indicator": "缺少列表项“-”（检查缩进）",
        "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
        "found unhashable key": "列表或映射不能作为键",
        "but found another document": "文件中有多个文档（“---”），只应有一个",
        "second occurrence": "锚点（&）重复定义",
        "found a tab character": "含有制表符（请用空格缩进）",
    }
    for en, zh in table.items():
        if problem.startswith(en):
            return zh
    if "could not determine a constructor for the tag" in problem:
        return "不允许的 YAML 标签（出于安全原因，只接受普通数据）"
    m = _EXPECTED.match(problem)
    if m:
        want, got = m.groups()
        if _token(got) == "文件结尾" and context and "flow" in context:
            return f"文件意外结束（括号未闭合，应有{_token(want)}）"
        if want.strip() == "<block end>":
            return f"缩进不一致：此处的{_token(got)}与上面各行的缩进对不齐"
        return f"应为{_token(want)}，实际为{_token(got)}"
    m = re.match(r"^found undefined alias '(.+)'$", problem)
    if m:
        return f"引用了未定义的锚点“*{m.group(1)}”"
    m = re.match(r"^found unknown escape character '?(.+?)'?$", problem)
    if m:
        return f"双引号文本中有无效的转义“\\{m.group(1)}”（反斜杠请写两次，或改用单引号）"
    m = re.match(r"^found character '(.+)' that cannot start any token$", problem)
    if m:
        return f"字符“{m.group(1)}”不能出现在值的开头（请给该值加引号）"
    if not problem.isascii():
        return problem  # ours, already Chinese (重复的键, 日期无效)
    return f"无法解析（{problem}）"
