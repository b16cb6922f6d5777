"""gkcheck: rules-based compliance checks for government information disclosure (政务公开).

Library first, CLI thin: `load_pack`, `load_catalog`, `evaluate` are the entry points a
script or notebook can call; the CLI in `gkcheck.cli` is a thin layer over them.
"""

__version__ = "0.1.0"

from gkcheck.errors import GkError  # noqa: E402


def load_pack(path):
    from gkcheck.engine.pack import load_pack as _load

    return _load(path)


def load_catalog(path, unit=None):
    from gkcheck.sources.catalog import load_catalog as _load

    return _load(path, unit=unit)


def evaluate(pack, evidence, as_of=None, units=None):
    from gkcheck.engine.evaluate import evaluate as _evaluate

    return _evaluate(pack, evidence, as_of=as_of, units=units)


__all__ = ["GkError", "load_pack", "load_catalog", "evaluate", "__version__"]
