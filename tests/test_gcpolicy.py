"""When the cyclic garbage collector runs during an audit (gkcheck/gcpolicy.py)."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest

import gkcheck.engine.evaluate as evaluate_module
from gkcheck.engine.evaluate import evaluate
from gkcheck.engine.gather import Sources, gather
from gkcheck.engine.pack import load_pack
from gkcheck.gcpolicy import frozen_heap, no_cyclic_gc

ROOT = Path(__file__).resolve().parent.parent


def test_no_cyclic_gc_pauses_and_restores_even_when_nested():
    assert gc.isenabled()
    with no_cyclic_gc():
        assert not gc.isenabled()
        with no_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves the outer pause alone
    assert gc.isenabled()
    with pytest.raises(ValueError), no_cyclic_gc():
        raise ValueError("x")
    assert gc.isenabled()


def test_frozen_heap_hands_the_objects_back_to_the_collector():
    keep = [[] for _ in range(1000)]
    before = gc.get_freeze_count()
    with frozen_heap():
        assert gc.get_freeze_count() >= before + len(keep)
    assert gc.get_freeze_count() == before
    # a cycle made while frozen is still collected afterwards
    cycle = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def _count_freezes(monkeypatch) -> list[int]:
    calls = []
    real = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (calls.append(1), real())[1])
    return calls


def test_a_one_unit_check_does_not_freeze_the_heap(monkeypatch):
    """Freezing starts with a full collection: too dear for a department's one catalog,
    checked again and again (bench/vs_frictionless.py went from 7 to 100 ms a file)."""
    calls = _count_freezes(monkeypatch)
    pack = load_pack(ROOT / "rules" / "zoucheng-2024")
    uid = next(iter(pack.index.units))
    g = gather(pack, Sources(), [uid])
    result = evaluate(pack, g.evidence, as_of=dt.date(2024, 12, 31), units=[uid], jobs=1)
    assert result.findings and calls == []


def test_an_audit_of_many_units_freezes_it_once(monkeypatch):
    calls = _count_freezes(monkeypatch)
    monkeypatch.setattr(evaluate_module, "FREEZE_FROM_UNITS", 5)
    pack = load_pack(ROOT / "rules" / "zoucheng-2024")
    units = list(pack.index.units)[:6]
    g = gather(pack, Sources(), units)
    result = evaluate(pack, g.evidence, as_of=dt.date(2024, 12, 31), units=units, jobs=1)
    assert len({f.unit_id for f in result.findings}) == 6 and calls == [1]
    assert gc.get_freeze_count() == 0 and gc.isenabled()
