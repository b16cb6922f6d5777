"""Findings held packed: a province-wide audit makes about a million findings.

As objects they take some 1.6 KB apiece; `PackedFindings` keeps them as compressed
pickled batches (the batches the evaluation hands over, about 120 bytes a finding) and
unpickles a batch at a time when iterated. It is a read-only sequence: reports, scores
and the exit code read it front to back. Code that changes findings (waivers, a
baseline) or reads them many times over (the text, HTML, xlsx … renderers) takes
`unpacked(result)` first.

Only this process's own findings are ever unpickled here: nothing read from a file.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator, Sequence

from gkcheck.model.finding import Finding


class PackedFindings(Sequence[Finding]):
    def __init__(self) -> None:
        self._batches: list[tuple[int, bytes]] = []
        self._len = 0

    @staticmethod
    def pack(findings: list[Finding]) -> tuple[int, bytes]:
        """A batch in the form `add` takes (made where the findings are, e.g. a worker)."""
        return len(findings), zlib.compress(pickle.dumps(findings, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def add(self, packed: tuple[int, bytes]) -> None:
        n, blob = packed
        if n:
            self._batches.append((n, blob))
            self._len += n

    def batches(self) -> Iterator[list[Finding]]:
        """The findings, a batch (a list) at a time, in order."""
        for _, blob in self._batches:
            yield pickle.loads(zlib.decompress(blob))  # noqa: S301 - our own findings, packed above

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
        for n, blob in self._batches:
            if index < n:
                return pickle.loads(zlib.decompress(blob))[index]  # noqa: S301 - as above
            index -= n
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
