"""A coder project's content as a REFI-QDA project (no database: the service hands it in).

Where coder's things go in the standard:

| coder | REFI-QDA |
|---|---|
| code (label, colour, description, parent) | ``Code`` nested under its parent; description → ``Description`` |
| coding | one ``PlainTextSelection`` with one ``Coding``; its memo → the selection's ``Description`` |
| how a coding came (not by hand) | a ``Note`` «coder: provenance» on the ``Coding``; its words after the memo too |
| source, its memo | ``TextSource`` with ``sources/<guid>.txt``; memo → ``Description`` |
| a transcript's speaker labels | written into the text (``IP: …``) and listed in the source variable *Talere* |
| case, attributes | ``Case`` with ``VariableValue``s, ``SourceRef`` (interview), ``SelectionRef`` (survey answers) |
| segment memo, survey answer | a ``PlainTextSelection`` without coding (memo → ``Description``) |
| code memo, project memo | a ``Note``, referred to by the code's / the project's ``NoteRef`` |
| source group (the survey file) | a ``Set`` of its sources |

How a coding came is written twice: as the ``Coding``'s note (the standard's place) and after the memo in the
selection's ``Description``, since QualCoder reads that as the coding's memo and no notes on codings. coder's own
import takes both back out of the memo (coder.exchange.service). The project memo is written twice too: as a note
and as the project's ``Description``, where QualCoder reads it (coder's import takes it once).

Not in the standard, so not exported: code keywords and examples (they stay in the YAML
codebook), quote marks and report texts, segment end times.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from coder.coding.provenance import NOTE_NAME
from coder.coding.provenance import note as provenance_note
from coder.exchange import guids
from coder.exchange.model import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiValue,
    RefiVariable,
)
from coder.exchange.positions import render
from coder.exchange.qdpx import internal_path
from coder.model import Attribute, Case, Codebook, Coding, Segment, Source

SPEAKERS_NAME = "Talere"
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+(?:[.,]\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MemoLike(Protocol):
    id: int
    target_kind: str
    target_id: str
    text: str
    coder: str
    updated_at: str


@dataclass
class SourceData:
    source: Source
    text: str
    segments: list[Segment]


@dataclass
class Built:
    project: RefiProject
    files: dict[str, bytes]  # file name under sources/ → its bytes
    memos: int = 0  # coder memos written (as descriptions or notes)


def code_tree(codebook: Codebook, ns: uuid.UUID, code_notes: dict[str, list[str]] | None = None) -> list[RefiCode]:
    """The codebook as nested REFI codes (parents before children, in the codebook's order)."""
    nodes = {
        c.id: RefiCode(
            guid=guids.guid(ns, "code", c.id),
            name=c.label,
            color=c.colour.lower() if _COLOUR.fullmatch(c.colour or "") else None,
            description=c.description,
            notes=(code_notes or {}).get(c.id, []),
        )
        for c in codebook.codes
    }
    top: list[RefiCode] = []
    for code in codebook.codes:
        parent = nodes.get(code.parent) if code.parent else None
        (parent.children if parent is not None else top).append(nodes[code.id])
    return top


def build_project(
    name: str,
    seed: str,
    origin: str,
    created: str | None,
    codebook: Codebook,
    sources: list[SourceData],
    codings: list[Coding],
    cases: list[Case],
    memos: Iterable[MemoLike],
    crlf: bool = False,
) -> Built:
    ns = guids.project_namespace(seed)
    memos = [m for m in memos if m.text.strip()]
    users = sorted({c.coder for c in codings} | {m.coder for m in memos})
    user_guid = {u: guids.guid(ns, "user", u) for u in users}

    by_target = {(m.target_kind, m.target_id): m for m in sorted(memos, key=lambda m: -m.id)}  # the first memo wins

    def memo_of(kind: str, target: object) -> MemoLike | None:
        return by_target.get((kind, str(target)))

    notes: list[RefiNote] = []

    def note(memo: MemoLike, title: str) -> str:
        guid = guids.guid(ns, "memo", memo.id)
        notes.append(RefiNote(guid, title, memo.text, user=user_guid[memo.coder], created=memo.updated_at or None))
        return guid

    code_notes: dict[str, list[str]] = {}
    for code in codebook.codes:
        memo = memo_of("code", code.id)
        if memo:
            code_notes[code.id] = [note(memo, f"Memo: {code.label}")]
    project_notes = []
    project_memo = next((m for m in sorted(memos, key=lambda m: m.id) if m.target_kind == "project"), None)
    if project_memo:
        project_notes.append(note(project_memo, f"Prosjektmemo: {name}"))

    code_guid = {c.id: guids.guid(ns, "code", c.id) for c in codebook.codes}
    source_guid = {s.source.id: guids.guid(ns, "source", s.source.id) for s in sources}
    variables, values_of = _variables(cases, ns)
    speakers_used = any(g.speaker for s in sources for g in s.segments)
    if speakers_used:
        taken = {v.name for v in variables}
        label = SPEAKERS_NAME if SPEAKERS_NAME not in taken else f"{SPEAKERS_NAME} (coder)"
        variables.append(
            RefiVariable(
                guids.SPEAKERS_VARIABLE, label, "Text", "Talerne i et intervju, slik coder merket turene i teksten"
            )
        )

    written = 0  # memos, counted as they are written
    by_source: dict[int, list[Coding]] = {}
    for coding in codings:
        by_source.setdefault(coding.source_id, []).append(coding)
    refi_sources: list[RefiSource] = []
    files: dict[str, bytes] = {}
    case_sources: dict[str, list[str]] = {}
    case_selections: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for data in sources:
        src = data.source
        guid = source_guid[src.id]
        rendered = render(data.text, data.segments, crlf)
        file_name = f"{guid}.txt"
        files[file_name] = rendered.text.encode("utf-8")
        selections = []
        for coding in sorted(by_source.get(src.id, []), key=lambda c: (c.start, c.end, c.id)):
            if coding.code_id not in code_guid:
                continue
            memo = memo_of("coding", coding.id)
            written += memo is not None
            how = provenance_note(coding.origin, coding.provenance, coding.coder, coding.created_at)
            how_notes = []
            if how:  # how it came: a note on the coding, and after its memo (see the table above)
                note_guid = guids.guid(ns, "provenance", coding.id)
                how_notes.append(note_guid)
                who = user_guid[coding.coder]
                notes.append(RefiNote(note_guid, NOTE_NAME, how, user=who, created=coding.created_at))
            selections.append(
                RefiSelection(
                    guid=guids.guid(ns, "coding", coding.id),
                    start=rendered.start(coding.start),
                    end=rendered.end(coding.end),
                    name=_excerpt(data.text[coding.start : coding.end]),
                    description=f"{memo.text.rstrip()}\n\n{how}" if memo and how else memo.text if memo else how,
                    codings=[
                        RefiCoding(
                            guids.guid(ns, "coding-code", coding.id),
                            code_guid[coding.code_id],
                            user_guid[coding.coder],
                            coding.created_at or None,
                            how_notes,
                        )
                    ],
                    user=user_guid[coding.coder],
                    created=coding.created_at or None,
                )
            )
        for seg in data.segments:
            memo = memo_of("segment", seg.id)
            if not (seg.case or memo):
                continue
            written += memo is not None
            sel = RefiSelection(
                guid=guids.guid(ns, "segment", seg.id),
                start=rendered.start(seg.start),
                end=rendered.end(seg.end),
                name=_excerpt(data.text[seg.start : seg.end]),
                description=memo.text if memo else "",
            )
            selections.append(sel)
            if seg.case:
                case_selections.setdefault(seg.case, []).append(sel.guid)
        selections.sort(key=lambda s: (s.start, s.end, s.guid))
        speakers = sorted({g.speaker for g in data.segments if g.speaker})
        memo = memo_of("source", src.id)
        written += memo is not None
        refi_sources.append(
            RefiSource(
                guid=guid,
                name=src.name,
                path=internal_path(file_name),
                selections=selections,
                description=memo.text if memo else "",
                values=[RefiValue(guids.SPEAKERS_VARIABLE, "; ".join(speakers))] if speakers else [],
                created=src.imported_at or None,
            )
        )
        if src.case:
            case_sources.setdefault(src.case, []).append(guid)
        if src.group:
            groups.setdefault(src.group, []).append(guid)

    refi_cases = [
        RefiCase(
            guid=guids.guid(ns, "case", case.id),
            name=case.name,
            values=values_of(case),
            sources=case_sources.get(case.name, []),
            selections=case_selections.get(case.name, []),
        )
        for case in cases
    ]
    project = RefiProject(
        name=name,
        origin=origin,
        created=created,
        users=[RefiUser(user_guid[u], u) for u in users],
        codes=code_tree(codebook, ns, code_notes),
        variables=variables,
        cases=refi_cases,
        sources=refi_sources,
        notes=notes,
        sets=[RefiSet(guids.guid(ns, "group", g), g, sources=members) for g, members in groups.items()],
        description=project_memo.text if project_memo else "",  # QualCoder reads the project memo here only
        note_refs=project_notes,
    )
    return Built(project, files, written + len(code_notes) + len(project_notes))


def _variables(cases: list[Case], ns: uuid.UUID):
    """One REFI variable per attribute key, typed so every value fits it; and each case's values."""
    by_key: dict[str, list[Attribute]] = {}
    for case in cases:
        for attr in case.attributes.values():
            if attr.value != "":
                by_key.setdefault(attr.key, []).append(attr)
    types = {key: _type_of(attrs) for key, attrs in by_key.items()}
    variables = [RefiVariable(guids.guid(ns, "variable", key), key, kind) for key, kind in types.items()]

    def values_of(case: Case) -> list[RefiValue]:
        out = []
        for attr in case.attributes.values():
            if attr.value == "":
                continue
            kind = types[attr.key]
            value = attr.value.replace(",", ".") if kind == "Float" else attr.value
            out.append(RefiValue(guids.guid(ns, "variable", attr.key), value, kind))
        return out

    return variables, values_of


def _type_of(attrs: list[Attribute]) -> str:
    values = [a.value for a in attrs]
    if all(a.type == "number" for a in attrs):
        if all(_INTEGER.fullmatch(v) for v in values):
            return "Integer"
        if all(_DECIMAL.fullmatch(v) for v in values):
            return "Float"
    if all(a.type == "date" for a in attrs) and all(_ISO_DATE.fullmatch(v) for v in values):
        return "Date"
    return "Text"


def _excerpt(text: str, width: int = 60) -> str:
    words = " ".join(text.split())
    return words if len(words) <= width else words[: width - 1].rstrip() + "…"


def codebook_codes(codebook: Codebook, seed: str) -> list[RefiCode]:
    """The codes of a ``.qdc``: the same GUIDs as in the project export, so programs can match them."""
    return code_tree(codebook, guids.project_namespace(seed))
