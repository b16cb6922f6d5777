"""Findings held packed: a province-wide audit makes about a million findings.

As objects they take some 1.6 KB apiece. `PackedFindings` keeps each batch the
evaluation hands over (the findings of a few dozen units, made in a worker process) in
the two forms the common path of a large audit needs, made once, where the findings are:

- their text in the JSON report (`json_piece`), compressed: the JSON report copies it
  as it is, with no finding serialized in the parent process;
- a `Brief` of each (unit, rule, status, severity): what scores, counts and the exit
  code read.

Code that reads whole findings (waivers, a baseline, the text, HTML, xlsx … renderers)
iterates them, or takes `unpacked(result)`: the objects are then read back from their
JSON text, equal to the ones packed (tests/test_engine_scale.py). It is a read-only
sequence.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from pydantic import TypeAdapter

from gkcheck.model.finding import Finding, finding_level

_FINDINGS = TypeAdapter(list[Finding])


def json_piece(findings: list[Finding]) -> bytes:
    """The findings as they stand in the report's list (schema gkcheck.audit/1, see
    gkcheck.report.json_out): each object indented by four spaces, separated by
    ",\\n    ", without the brackets. A JSON string never holds a raw line break, so
    indenting the serializer's own text by replacing each line break is exact."""
    # b'[\n  {\n    "rule": …\n  }\n]': its items indented two more spaces
    return _FINDINGS.dump_json(findings, indent=2)[4:-2].replace(b"\n", b"\n  ")


def from_json_piece(piece: bytes) -> list[Finding]:
    """The findings of a `json_piece`."""
    return _FINDINGS.validate_json(b"[" + piece + b"]")


class Brief(NamedTuple):
    """What scores, counts and the exit code read of a finding."""

    unit_id: str
    unit: str
    rule: str
    status: str
    severity: str

    def level(self) -> int:
        return finding_level(self.status, self.severity)


Batch = tuple[tuple[Brief, ...], bytes]  # (briefs, compressed json_piece)


class PackedFindings(Sequence[Finding]):
    def __init__(self) -> None:
        self._batches: list[Batch] = []
        self._len = 0

    @staticmethod
    def pack(findings: list[Finding]) -> Batch:
        """A batch in the form `add` takes (made where the findings are, e.g. a worker)."""
        briefs = tuple(Brief(f.unit_id, f.unit, f.rule, f.status, f.severity) for f in findings)
        return briefs, zlib.compress(json_piece(findings), 1) if findings else b""

    def add(self, batch: Batch) -> None:
        briefs, _ = batch
        if briefs:
            self._batches.append(batch)
            self._len += len(briefs)

    def briefs(self) -> Iterator[Brief]:
        for briefs, _ in self._batches:
            yield from briefs

    def json_pieces(self) -> Iterator[bytes]:
        """The `json_piece` of each batch, in order."""
        for _, blob in self._batches:
            yield zlib.decompress(blob)

    def batches(self) -> Iterator[list[Finding]]:
        """The findings, a batch (a list) at a time, in order."""
        for piece in self.json_pieces():
            yield from_json_piece(piece)

    def __iter__(self) -> Iterator[Finding]:
        for batch in self.batches():
            yield from batch

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("finding index out of range")
        for briefs, blob in self._batches:
            if index < len(briefs):
                return from_json_piece(zlib.decompress(blob))[index]
            index -= len(briefs)
        raise IndexError("finding index out of range")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PackedFindings, list, tuple)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedFindings({self._len} findings in {len(self._batches)} batches)"

    def packed_bytes(self) -> int:
        return sum(len(b) for _, b in self._batches)


def briefs_of(findings: Iterable[Finding]) -> Iterator[Brief]:
    """The `Brief` of each finding: read from the packed form without unpacking it."""
    if isinstance(findings, PackedFindings):
        yield from findings.briefs()
        return
    for f in findings:
        yield Brief(f.unit_id, f.unit, f.rule, f.status, f.severity)


def unpacked(result):
    """`result` (an AuditResult) with its findings as a list of objects: itself when they
    are one already, else a copy."""
    if isinstance(result.findings, list):
        return result
    return result.model_copy(update={"findings": list(result.findings)})


def with_findings(result, findings: Sequence[Finding]):
    """Set an AuditResult's findings to a PackedFindings (or a list) without validating
    them again (pydantic would turn a sequence into a list of every finding)."""
    object.__setattr__(result, "findings", findings)
    return result
