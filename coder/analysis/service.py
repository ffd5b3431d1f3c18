"""One analysis table from a project: what the CLI (``coder tables``) and the TUI's tables view call.

The researcher names sources as ``coder sources`` shows them (an id, the whole name, or a part of it
that only one source has: ``q1_kapasitet``), an attribute by its key (or the start of it) and narrows
the cases with the filter language of coder/filters.py (``tjenestetype=kommunal landsdel!=nord``).
A filter keeps the cases whose attributes match; segments of no case (documents) then drop out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coder.analysis.tables import Table, TableKind, attribute_table, cooccurrence_table, frequency_table
from coder.errors import CoderError
from coder.filters import parse_filter
from coder.model import Source
from coder.store.analysis import Scope

if TYPE_CHECKING:
    from coder.store import Project

KINDS: tuple[TableKind, ...] = ("frequencies", "attribute", "cooccurrence")


@dataclass(frozen=True)
class TableRequest:
    kind: TableKind
    attribute: str | None = None  # the attribute table's key
    sources: tuple[str, ...] = ()  # as typed: ids, names or parts of names; empty: every source
    where: str = ""  # a filter over the cases' attributes
    subcodes: bool = False  # attribute and co-occurrence tables: a code counts its sub-codes' codings too


def find_sources(project: Project, typed: Sequence[str], *, groups: bool = False) -> list[Source]:
    """The sources ``typed`` names, each exactly one: by id, by whole name, or by a part only one name has.
    ``groups``: a survey file's name (the group of its questions) names every question of it."""
    sources = project.sources()
    found: dict[int, Source] = {}
    for text in typed:
        wanted = text.strip().casefold()
        exact = [s for s in sources if s.name.casefold() == wanted or str(s.id) == wanted]
        grouped = [s for s in sources if groups and s.group and s.group.casefold() == wanted]
        if grouped and not exact:
            found.update((s.id, s) for s in grouped)
            continue
        partial = [s for s in sources if wanted and wanted in s.name.casefold()]
        hits = exact or partial
        if not hits:
            raise CoderError(f"no source called '{text}' (coder sources lists them)")
        if len(hits) > 1:
            names = ", ".join(f"'{s.name}'" for s in hits[:5]) + (" …" if len(hits) > 5 else "")
            raise CoderError(f"'{text}' names {len(hits)} sources ({names}): give more of the name or the id")
        found[hits[0].id] = hits[0]
    return list(found.values())


def find_attribute(project: Project, typed: str) -> str:
    """The attribute key ``typed`` names: the key itself (any case) or the one key that starts with it."""
    keys = project.attribute_keys()
    wanted = typed.strip().casefold()
    exact = [k for k in keys if k.casefold() == wanted]
    hits = exact or [k for k in keys if k.casefold().startswith(wanted)]
    if len(hits) == 1:
        return hits[0]
    if not keys:
        raise CoderError(f"no attribute '{typed}': the cases have no attributes")
    if not hits:
        raise CoderError(f"no attribute '{typed}' (attributes: {', '.join(keys)})")
    raise CoderError(f"'{typed}' could be {', '.join(hits)}: give more of the key")


def scope_of(project: Project, request: TableRequest) -> tuple[Scope, list[str]]:
    """The scope of a request and the notes that say what it is (in Norwegian, for the report)."""
    notes: list[str] = []
    sources = find_sources(project, request.sources) if request.sources else None
    if sources:
        label = "Kilde" if len(sources) == 1 else "Kilder"
        notes.append(f"{label}: " + ", ".join(s.name for s in sources) + ".")
    cases = None
    if request.where.strip():
        try:
            chosen = parse_filter(request.where)
        except ValueError as error:
            raise CoderError(f"filter: {error}") from None
        all_cases = project.cases()
        unknown = chosen.unknown_keys({k for c in all_cases for k in c.attributes})
        if unknown:
            keys = ", ".join(project.attribute_keys()) or "none"
            raise CoderError(f"filter: no attribute starts with '{unknown[0]}' (attributes: {keys})")
        cases = [c.id for c in all_cases if chosen.matches(c.attributes)]
        notes.append(f"Utvalg: {chosen.describe()}.")
    return Scope.of([s.id for s in sources] if sources else None, cases), notes


def build_table(project: Project, request: TableRequest) -> Table:
    """Count in the store and lay out the table ``request`` asks for."""
    if request.kind not in KINDS:
        raise CoderError(f"no table '{request.kind}' (tables: {', '.join(KINDS)})")
    if request.kind == "attribute" and not request.attribute:
        raise CoderError("the attribute table needs an attribute (e.g. tjenestetype)")
    key = find_attribute(project, request.attribute) if request.kind == "attribute" else None
    scope, notes = scope_of(project, request)
    codes = project.codebook().codes
    size = project.scope_size(scope)
    if request.kind == "frequencies":
        nested = any(c.parent for c in codes)
        return frequency_table(
            codes,
            project.code_counts_in(scope),
            project.code_counts_in(scope, rollup=True) if nested else None,
            project.coded_total(scope),
            (size.segments, size.cases),
            size.kinds,
            notes,
        )
    if request.kind == "attribute":
        assert key is not None
        totals = {code: c.cases for code, c in project.code_counts_in(scope, rollup=request.subcodes).items()}
        return attribute_table(
            codes,
            key,
            project.attribute_groups(key, scope),
            project.code_attribute_counts(key, scope, rollup=request.subcodes),
            totals,
            size.kinds,
            request.subcodes,
            notes,
        )
    return cooccurrence_table(
        codes, project.cooccurrence_counts(scope, rollup=request.subcodes), request.subcodes, notes
    )


def segment_shares(project: Project, request: TableRequest) -> Table:
    """The attribute table counted in segments instead of cases: per group, the share of its segments (answers,
    turns, paragraphs of its cases) coded with the code; ``n`` is the group's segments in scope."""
    if not request.attribute:
        raise CoderError("the attribute table needs an attribute (e.g. tjenestetype)")
    key = find_attribute(project, request.attribute)
    scope, notes = scope_of(project, request)
    in_scope = scope.cases
    values: dict[str | None, list[int]] = {}
    for case in project.cases():
        if in_scope is None or case.id in in_scope:
            found = case.attributes.get(key)
            values.setdefault(found.value if found and found.value.strip() else None, []).append(case.id)
    groups: dict[str | None, int] = {}
    counts: dict[tuple[str, str | None], int] = {}
    for value, cases in values.items():
        part = Scope.of(scope.sources, cases)
        size = project.scope_size(part).segments
        if not size:
            continue
        groups[value] = size
        for code, counted in project.code_counts_in(part, rollup=request.subcodes).items():
            counts[(code, value)] = counted.segments
    every = Scope.of(scope.sources, [c for cases in values.values() for c in cases])
    totals = {code: c.segments for code, c in project.code_counts_in(every, rollup=request.subcodes).items()}
    table = attribute_table(
        project.codebook().codes, key, groups, counts, totals, project.scope_size(every).kinds, request.subcodes
    )
    table.notes = [
        *notes,
        "n: segmentene (svar, replikker, avsnitt) til sakene i gruppen. Prosent: andelen av dem kodet med koden.",
        *table.notes[-1:],
    ]
    return table
