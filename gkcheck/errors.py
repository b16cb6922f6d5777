"""Exceptions of gkcheck's own types.

Every error a user can cause (a broken rule file, a malformed catalog, a bad config)
is raised as a `GkError` carrying a Chinese message that names the file and the place.
The CLI turns them into one line on stderr and exit code 2; nothing else prints them.
"""

from __future__ import annotations


class GkError(Exception):
    """A user-facing error: `message` is Chinese, `path` and `where` locate it."""

    def __init__(self, message: str, path: str | None = None, where: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.where = where
        super().__init__(self.render())

    def render(self) -> str:
        loc = self.path or ""
        if self.where:
            loc = f"{loc}:{self.where}" if loc else self.where
        return f"{loc}: {self.message}" if loc else self.message


class RuleError(GkError):
    """A rule pack (pack.yaml, units.yaml, tasks.yaml or a rule file) is invalid."""


class CatalogError(GkError):
    """A catalog file cannot be read."""


class ConfigError(GkError):
    """gkcheck.yaml or a sites/ledger config is invalid."""


class SourceError(GkError):
    """Some other evidence file (ledger, annual report, store) cannot be read."""
