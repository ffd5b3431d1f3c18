"""A REFI-QDA project read from a file, turned into what coder will save (no database).

The plan holds sources as ``ImportedSource`` (text and segments the way every coder import
makes them), codings as offsets into those texts, cases with typed attributes and memos with
their targets. Everything is checked here, before the service writes a row: positions outside
a source's text, codings of unknown codes, the counting of line ends.

Traps of real files this handles: MAXQDA counts a CRLF as two positions, ATLAS.ti as one, NVivo
counts UTF-16 units (an emoji is two) — ``counting``, from the file's origin; MAXQDA and Quirkos
put a document's variables in a nameless case with one ``SourceRef`` (or in the source itself);
NVivo codes cases as codes with the case's GUID and ties annotations to selections through
``Links``; MAXQDA exports two sources with the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coder.errors import InputError
from coder.exchange import guids
from coder.exchange.model import RefiCode, RefiProject, RefiSource, RefiValue
from coder.exchange.positions import COUNTINGS, STANDARD, Counting, Mapped, read_back
from coder.ingest.attributes import infer_type
from coder.model import Attribute, ImportedSource


@dataclass
class IncomingSource:
    guid: str
    item: ImportedSource
    map: Mapped  # the file's positions → offsets in item.text


@dataclass
class IncomingCoding:
    source: str  # source GUID
    start: int
    end: int
    code: str  # code GUID
    coder: str
    created: str | None
    memo: str = ""


@dataclass
class IncomingMemo:
    kind: str  # project, source, segment, code, coding
    target: str | tuple[str, int] | None  # a GUID; (source GUID, offset) for a segment; None for the project
    text: str
    coder: str
    created: str | None


@dataclass
class Plan:
    name: str
    origin: str
    codes: list[tuple[RefiCode, RefiCode | None]]  # parents first
    sources: list[IncomingSource] = field(default_factory=list)
    codings: list[IncomingCoding] = field(default_factory=list)
    cases: dict[str, list[Attribute]] = field(default_factory=dict)
    memos: list[IncomingMemo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the user


def is_coder(origin: str) -> bool:
    return origin.strip().lower().startswith("coder")


def counting(origin: str, setting: str = "auto") -> Counting:
    """How the program that wrote the file counted positions: ``setting`` (standard, atlas, nvivo),
    or for ``auto`` the program its ``origin`` names."""
    if setting != "auto":
        return COUNTINGS[setting]
    program = origin.lower()
    return next((COUNTINGS[name] for name in ("atlas", "nvivo") if name in program), STANDARD)


def plan_import(project: RefiProject, where: str, coder: str, positions: str = "auto", file_name: str = "") -> Plan:
    """Check and convert everything; raise InputError (naming ``where`` and the XML line) on what cannot be read."""
    how = counting(project.origin, positions)
    ours = is_coder(project.origin)
    users = {u.guid: u.name or coder for u in project.users}
    variables = {v.guid: v for v in project.variables}
    case_guids = {c.guid for c in project.cases}
    # NVivo writes its cases into the codebook too (same GUID): they are cases, not codes.
    codes = [(c, p) for c, p in project.all_codes() if c.guid not in case_guids]
    code_guids = {c.guid for c, _ in codes}
    plan = Plan(project.name, project.origin, codes, notes=list(project.skipped))
    notes = {n.guid: n for n in project.notes}
    used_notes: set[str] = set()

    def note_texts(refs: list[str]) -> list[str]:
        out = []
        for ref in refs:
            if ref in notes and notes[ref].text.strip():
                used_notes.add(ref)
                out.append(notes[ref].text.strip())
        return out

    def who(user: str | None) -> str:
        return users.get(user or "", coder)

    linked: dict[str, list[str]] = {}  # NVivo: an annotation is a Note linked to what it is about
    for link in project.links:
        for note_end, other in ((link.origin, link.target), (link.target, link.origin)):
            if note_end in notes and other and other not in notes:
                linked.setdefault(other, []).append(note_end)

    # -- cases -----------------------------------------------------------------------------
    source_case: dict[str, str] = {}
    source_attrs: dict[str, list[Attribute]] = {}
    selection_case: dict[str, str] = {}
    for case in project.cases:
        attrs = _attributes(case.values, variables, ours)
        if case.name is None:
            for ref in case.sources:  # MAXQDA, Quirkos: a document's variables
                source_attrs.setdefault(ref, []).extend(attrs)
            continue
        known = plan.cases.setdefault(case.name, [])
        known.extend(a for a in attrs if a.key not in {k.key for k in known})
        for ref in case.sources:
            if ref in source_case and source_case[ref] != case.name:
                plan.notes.append(f"a source is in the cases {source_case[ref]!r} and {case.name!r}; kept the first")
            source_case.setdefault(ref, case.name)
        for ref in case.selections:
            selection_case.setdefault(ref, case.name)
    group_of: dict[str, str] = {}
    for item in project.sets:
        for ref in item.sources:
            group_of.setdefault(ref, item.name)

    # -- sources and codings ---------------------------------------------------------------
    names: set[str] = set()
    unknown_codes = empty = case_codings = 0
    for source in project.sources:
        speakers = _speakers(source) if ours else None
        values = [v for v in source.values if v.variable != guids.SPEAKERS_VARIABLE]
        units = how.length(source.text)
        for sel in source.selections:
            _check_span(sel.start, sel.end, units, source, where, sel.line, how)
        answers = [(s.start, s.end, selection_case[s.guid]) for s in source.selections if s.guid in selection_case]
        back = read_back(source.text, how, speakers, answers)
        if not back.text.strip():
            plan.notes.append(f"source {source.name or source.guid!r} has no text; left out")
            continue
        name = unique(source.name or "Kilde", names)
        if name != (source.name or "Kilde"):
            plan.notes.append(f"two sources are called {source.name!r}: the second is imported as {name!r}")
        attrs = _attributes(values, variables, ours) + source_attrs.get(source.guid, [])
        case = source_case.get(source.guid)
        if case is None and (back.kind == "transcript" or attrs):
            case = name  # as `coder import` does: an interview is its informant's case
        if case is not None and attrs:
            known = plan.cases.setdefault(case, [])
            known.extend(a for a in attrs if a.key not in {k.key for k in known})
        respondents = {seg.case for seg in back.segments if seg.case}
        counts: dict[str, int] = {}
        for seg in back.segments:
            if seg.speaker:
                counts[seg.speaker] = counts.get(seg.speaker, 0) + 1
        item = ImportedSource(
            kind=back.kind,  # type: ignore[arg-type]
            name=name,
            text=back.text,
            segments=back.segments,
            path=where,
            group=group_of.get(source.guid),
            case=case,
            case_attributes={r: [] for r in sorted(respondents)},
            meta={"format": "qdpx", "file": file_name, "speakers": counts, "refi": source.guid},
        )
        plan.sources.append(IncomingSource(source.guid, item, back.map))
        memo = "\n\n".join(filter(None, [source.description, *note_texts(source.notes + linked.get(source.guid, []))]))
        if memo:
            plan.memos.append(IncomingMemo("source", source.guid, memo, coder, source.created))
        for sel in source.selections:
            start, end = back.map.span(sel.start, sel.end)
            text = "\n\n".join(filter(None, [sel.description, *note_texts(sel.notes + linked.get(sel.guid, []))]))
            if not sel.codings:
                if text:
                    plan.memos.append(IncomingMemo("segment", (source.guid, start), text, who(sel.user), sel.created))
                continue
            for coding in sel.codings:
                if coding.code not in code_guids:
                    if coding.code in case_guids:
                        case_codings += 1
                    else:
                        unknown_codes += 1
                    continue
                if start >= end:
                    empty += 1
                    continue
                memo = "\n\n".join(filter(None, [text, *note_texts(coding.notes)]))
                plan.codings.append(
                    IncomingCoding(
                        source.guid, start, end, coding.code, who(coding.user or sel.user),
                        coding.created or sel.created, memo,
                    )
                )  # fmt: skip
    if unknown_codes:
        plan.notes.append(f"{unknown_codes} codings refer to codes the file does not have; left out")
    if empty:
        plan.notes.append(f"{empty} codings covered only a speaker label or a line end; left out")
    if case_codings:
        plan.notes.append(f"{case_codings} codings of cases (NVivo case coding) read as case membership only")

    # -- memos on codes and the project ------------------------------------------------------
    for code, _ in codes:
        text = "\n\n".join(note_texts(code.notes + linked.get(code.guid, [])))
        if text:
            plan.memos.append(IncomingMemo("code", code.guid, text, coder, None))
    project_texts = [project.description] if project.description else []
    # coder writes its project memo both as the Description and as a note: take it once
    project_texts += [t for t in note_texts(project.note_refs) if t not in project_texts]
    for note in project.notes:  # journals and memos on nothing in particular
        if note.guid not in used_notes and note.text.strip():
            used_notes.add(note.guid)
            project_texts.append(f"{note.name}\n\n{note.text.strip()}" if note.name else note.text.strip())
    if project_texts:
        plan.memos.append(IncomingMemo("project", None, "\n\n".join(project_texts), coder, project.created))
    return plan


def _check_span(start: int, end: int, units: int, source: RefiSource, where: str, line: int | None, how: Counting):
    if 0 <= start <= end <= units:
        return
    what = f"source {source.name!r} ({units} positions)"
    if start > end:
        raise InputError(where, f"a PlainTextSelection starts at {start}, after its end {end}, in {what}", line)
    hint = ""
    if how.astral == 1 and any(ord(ch) > 0xFFFF for ch in source.text):
        hint = "; if the file comes from NVivo, import it with --positions nvivo"
    elif how.crlf == 2 and "\r\n" in source.text:
        hint = "; if the file comes from ATLAS.ti, import it with --positions atlas"
    raise InputError(where, f"a PlainTextSelection ({start}–{end}) reaches past the end of {what}{hint}", line)


def _speakers(source: RefiSource) -> set[str]:
    for value in source.values:
        if value.variable == guids.SPEAKERS_VARIABLE:
            return {s.strip() for s in value.value.split(";") if s.strip()}
    return set()


def _attributes(values: list[RefiValue], variables: dict, ours: bool) -> list[Attribute]:
    out = []
    for value in values:
        var = variables.get(value.variable)
        if var is None or value.value == "" or value.variable == guids.SPEAKERS_VARIABLE:
            continue
        kind = value.type or var.type
        if kind in ("Integer", "Float"):
            typ = "number"
        elif kind == "Date":
            typ = "date"
        elif kind == "Text" and not ours:
            typ = infer_type([value.value])  # as attributes from a spreadsheet are typed
        else:
            typ = "text"
        out.append(Attribute(var.name, value.value, typ))  # type: ignore[arg-type]
    return out


def unique(name: str, taken: set[str], pattern: str = "{name} ({n})") -> str:
    """``name``, or the first ``pattern`` with n = 2, 3 … not in ``taken``; added to ``taken``."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = pattern.format(name=name, n=n)
    taken.add(candidate)
    return candidate
