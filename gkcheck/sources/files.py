"""Paths as users see them in messages, and the "is there a file at all" check."""

from __future__ import annotations

from pathlib import Path

from gkcheck.errors import GkError


def display_path(path: str | Path, base: str | Path | None = None) -> str:
    """The path as given, or relative to `base` when it lies under it."""
    if base is None:
        return str(path)
    try:
        return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        return str(path)


def require_file(path: Path, display: str, error: type[GkError]) -> None:
    """Raise `error` unless `path` is an existing regular file."""
    if not path.exists():
        raise error("文件不存在", display)
    if not path.is_file():
        raise error("应为文件，实际是文件夹", display)
