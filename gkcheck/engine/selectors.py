"""Unit selectors: how rules and tasks name the units they apply to.

A selector is one of
- a unit's id, name or alias (市民政局, 民政局, mzj);
- a group's id, name or alias (市政府各部门, 各镇街);
- `all` (every unit), `kind:department|town|office`, `domain:社会救助` (units responsible
  for a policy domain), `issues_policies` (units that issue policy documents).
Names are compared after removing spaces and unifying full-width forms.
"""

from __future__ import annotations

import unicodedata

from gkcheck.model import Unit, UnitGroup


def name_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace()).lower()


class UnknownSelector(LookupError):
    pass


class UnitIndex:
    """Lookup of units by any name, and expansion of selectors into unit ids."""

    def __init__(self, units: list[Unit], groups: list[UnitGroup]):
        self.units: dict[str, Unit] = {u.id: u for u in units}
        self.groups: dict[str, UnitGroup] = {g.id: g for g in groups}
        self._unit_by_name: dict[str, str] = {}
        self._group_by_name: dict[str, str] = {}
        for g in groups:
            for n in (g.id, g.name, *g.aliases):
                self._group_by_name[name_key(n)] = g.id
        for u in units:
            for n in u.all_names():
                self._unit_by_name.setdefault(name_key(n), u.id)
        self._expanded: dict[str, list[str]] = {}  # selector -> unit ids (the units are fixed)
        self._group_keys: dict[str, frozenset[str]] | None = None  # unit id -> name keys of its groups
        self._names_by_length: list[tuple[int, dict[str, tuple[int, str]]]] | None = None

    def unit(self, name: str) -> Unit | None:
        uid = self._unit_by_name.get(name_key(name))
        return self.units.get(uid) if uid else None

    def names_to_ids(self) -> dict[str, str]:
        """Every known name/alias/id of a unit → its id (for sources that name units)."""
        out = {}
        for u in self.units.values():
            for n in u.all_names():
                out.setdefault(n, u.id)
        return out

    def longest_name_in(self, text: str) -> str | None:
        """The unit whose longest name or alias (of two characters or more) occurs in
        `text`; on a tie, the unit listed first."""
        if self._names_by_length is None:
            table: dict[str, tuple[int, str]] = {}
            for order, u in enumerate(self.units.values()):
                for n in u.all_names():
                    nk = name_key(n)
                    if len(nk) >= 2 and nk not in table:
                        table[nk] = (order, u.id)
            by_length: dict[int, dict[str, tuple[int, str]]] = {}
            for nk, hit in table.items():
                by_length.setdefault(len(nk), {})[nk] = hit
            self._names_by_length = sorted(by_length.items(), reverse=True)
        key = name_key(text)
        for length, names in self._names_by_length:
            hits = [names[key[i : i + length]] for i in range(len(key) - length + 1) if key[i : i + length] in names]
            if hits:
                return min(hits)[1]
        return None

    def members(self, group_id: str) -> list[str]:
        return [u.id for u in self.units.values() if group_id in u.groups]

    def expand(self, selector: str) -> list[str]:
        """Unit ids a selector stands for; raise UnknownSelector if it names nothing known."""
        hit = self._expanded.get(selector)
        if hit is None:
            hit = self._expanded[selector] = self._expand(selector)
        return list(hit)

    def _expand(self, selector: str) -> list[str]:
        sel = (selector or "").strip()
        if sel in ("all", "*", "全部", "全部单位"):
            return list(self.units)
        if ":" in sel:
            prefix, _, value = sel.partition(":")
            value = value.strip()
            if prefix == "kind":
                return [u.id for u in self.units.values() if u.kind == value]
            if prefix == "domain":
                vk = name_key(value)
                return [
                    u.id for u in self.units.values() if any(name_key(d) == vk for d in u.domains)
                ]
            if prefix == "group":
                gid = self._group_by_name.get(name_key(value))
                if gid is None:
                    raise UnknownSelector(sel)
                return self.members(gid)
            if prefix == "unit":
                sel = value
            else:
                raise UnknownSelector(sel)
        if sel == "issues_policies":
            return [u.id for u in self.units.values() if u.issues_policies]
        key = name_key(sel)
        if key in self._unit_by_name:
            return [self._unit_by_name[key]]
        if key in self._group_by_name:
            # a group must exist as a group; the units in it carry its id in `groups`
            gid = self._group_by_name[key]
            group_names = {name_key(n) for n in (gid, *self.groups[gid].aliases, self.groups[gid].name)}
            if self._group_keys is None:
                self._group_keys = {u.id: frozenset(name_key(g) for g in u.groups) for u in self.units.values()}
            return [uid for uid, keys in self._group_keys.items() if not keys.isdisjoint(group_names)]
        raise UnknownSelector(sel)

    def expand_all(self, selectors: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for s in selectors:
            for uid in self.expand(s):
                seen.setdefault(uid, None)
        return list(seen)
