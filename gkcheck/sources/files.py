"""Paths as users see them in messages, and the "is there a file at all" check."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from gkcheck.errors import GkError


def display_path(path: str | Path, base: str | Path | None = None) -> str:
    """The path as given, or relative to `base` when it lies under it (both with
    symbolic links resolved), with forward slashes."""
    if base is None:
        return str(path)
    full, root = resolved(path), _resolved_dir(_absolute(os.fspath(base)))
    if full == root:
        return "."
    if root != os.sep:
        root += os.sep
    if not full.startswith(root):
        return str(path)
    return Path(full[len(root):]).as_posix()


def resolved(path: str | Path) -> str:
    """`str(Path(path).resolve())`, its folder's resolution remembered: a province's
    sources are tens of thousands of files in a few folders."""
    p = _absolute(os.fspath(path))
    folder, name = os.path.split(p)
    if name in ("", ".", "..") or os.path.islink(p):
        return os.path.realpath(p)
    return os.path.join(_resolved_dir(folder), name)


def _absolute(p: str) -> str:
    return p if os.path.isabs(p) else os.path.join(os.getcwd(), p)


@lru_cache(maxsize=1024)
def _resolved_dir(folder: str) -> str:
    return os.path.realpath(folder)


def require_file(path: Path, display: str, error: type[GkError]) -> None:
    """Raise `error` unless `path` is an existing regular file."""
    if not path.exists():
        raise error("文件不存在", display)
    if not path.is_file():
        raise error("应为文件，实际是文件夹", display)
