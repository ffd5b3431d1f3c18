"""REFI-QDA export and import for a project: the service between ``coder.exchange`` and the store.

Export reads the project and writes ``.qdpx`` / ``.qdc`` files; it changes nothing in the project.
Import reads and checks the whole file first (``exchange.plan``), then saves everything in one
transaction: a file that cannot be read leaves the project exactly as it was.

Importing into a project that has content merges: a source whose text the project already holds
is the same source (its new codings and memos are added, codings it has are not doubled); a code
is the same code when it has the project's own GUID (a file coder exported) or the same label
under the same parent. Everything else is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from coder import __version__
from coder.codebook.files import PALETTE, slug
from coder.coding.provenance import NOTE_NAME, first_story
from coder.errors import CoderError, InputError
from coder.exchange import guids
from coder.exchange.build import SourceData, build_project, codebook_codes
from coder.exchange.model import RefiCode, RefiProject
from coder.exchange.plan import Plan, plan_import, unique
from coder.exchange.qde import codebook_xml, parse_codebook, project_xml
from coder.exchange.qdpx import read_qdpx, write_qdpx
from coder.model import Code, Codebook
from coder.store import Project

ORIGIN = f"coder {__version__}"
_TOLD = re.compile(r"coder: (suggested|auto-coded|imported)\b")  # how a coding came, as coder writes it in a memo


def _seed(project: Project) -> str:
    """What makes this project's GUIDs its own: when it was created (kept for life in its settings)."""
    return project.setting("created_at") or project.path.stem


# -- export ---------------------------------------------------------------------------------------
@dataclass
class ExportReport:
    path: Path
    sources: int = 0
    codes: int = 0
    codings: int = 0
    cases: int = 0
    memos: int = 0


def export_qdpx(project: Project, path: Path, crlf: bool = False) -> ExportReport:
    """Write the project as a REFI-QDA ``.qdpx``; ``crlf`` writes CRLF line ends (and counts them) for MAXQDA."""
    path = Path(path)
    sources = [SourceData(s, project.source_text(s.id), project.segments(s.id)) for s in project.sources()]
    codings = project.codings()
    cases = project.cases()
    memos = project.all_memos()
    built = build_project(
        name=project.path.stem,
        seed=_seed(project),
        origin=ORIGIN,
        created=project.setting("created_at"),
        codebook=project.codebook(),
        sources=sources,
        codings=codings,
        cases=cases,
        memos=memos,
        crlf=crlf,
    )
    write_qdpx(path, project_xml(built.project), built.files)
    return ExportReport(path, len(sources), len(built.project.all_codes()), len(codings), len(cases), built.memos)


def export_qdc(project: Project, path: Path) -> int:
    """Write the codebook as a REFI-QDA ``.qdc``; returns how many codes."""
    codebook = project.codebook()
    if not codebook.codes:
        raise CoderError(f"{project.path.name}: the project has no codes to export")
    Path(path).write_bytes(codebook_xml(codebook_codes(codebook, _seed(project)), ORIGIN))
    return len(codebook.codes)


# -- import ---------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    sources_added: list[str] = field(default_factory=list)
    sources_matched: list[str] = field(default_factory=list)  # already in the project (same text)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    codings_added: int = 0
    codings_present: int = 0
    cases: int = 0
    memos: int = 0
    notes: list[str] = field(default_factory=list)


def import_qdpx(project: Project, path: Path, coder: str, positions: str = "auto") -> ImportReport:
    """Import a ``.qdpx`` into ``project`` (empty or not) in one transaction. ``positions``: how the
    file's program counted (standard, atlas, nvivo; auto: from the file)."""
    path = Path(path)
    refi = read_qdpx(path)
    told = _provenance_notes(refi)
    plan = plan_import(refi, refi.where or str(path), coder, positions, path.name)
    told = _planned(told, plan, refi, coder)
    report = ImportReport(notes=list(plan.notes))
    with project.transaction():
        code_ids = _save_codes(project, plan.codes, plan.name or path.stem, report)
        for name, attrs in plan.cases.items():
            project.add_case(name, attrs)
        report.cases = len(plan.cases)
        source_ids = _save_sources(project, plan, report)
        for c in plan.codings:
            source_id = source_ids[c.source]
            new = project.add_imported_coding(source_id, c.start, c.end, code_ids[c.code], c.coder, c.created)
            if new is None:
                report.codings_present += 1
                new = project.find_coding(source_id, c.start, c.end, code_ids[c.code], c.coder)
            else:
                report.codings_added += 1
                made = {"file": path.name, "program": plan.origin or None}
                story = told.get((c.source, c.start, c.end, c.code, c.coder))
                if story:  # the file's own note of how it came, from the coder project that wrote it
                    made["note"] = first_story(story)
                project.set_provenance(new, made)
            if c.memo:
                report.memos += project.add_imported_memo("coding", new, c.memo, c.coder, c.created)
        for memo in plan.memos:
            target = _memo_target(project, memo.kind, memo.target, source_ids, code_ids)
            if target is not None:
                report.memos += project.add_imported_memo(memo.kind, target, memo.text, memo.coder, memo.created)
        project.log(
            "import",
            {
                "file": path.name,
                "format": "qdpx",
                "origin": plan.origin,
                "added": [source_ids[s.guid] for s in plan.sources if s.item.name in report.sources_added],
                "codings": report.codings_added,
            },
            coder,
        )
    return report


def _provenance_notes(refi: RefiProject) -> dict[tuple, str]:
    """What an earlier coder project wrote of how its codings came (``coder.coding.provenance``), taken out of the
    file before it is planned: out of the codings' notes, and out of the selections' descriptions (coder writes it
    after the memo too, and QualCoder keeps it there). It is no memo: kept in the memo it would grow by a line on
    every round trip. Returned by (source GUID, selection start, end, code GUID, user GUID) as the file has them."""
    ours = {n.guid: n.text.strip() for n in refi.notes if n.name == NOTE_NAME and n.text.strip()}
    found: dict[tuple, str] = {}
    for source in refi.sources:
        for sel in source.selections:
            paragraphs = sel.description.split("\n\n") if sel.description else []
            told = [p.strip() for p in paragraphs if _TOLD.match(p.strip())]
            if told:
                sel.description = "\n\n".join(p for p in paragraphs if p.strip() not in told).strip()
            for coding in sel.codings:
                refs = [r for r in coding.notes if r in ours]
                coding.notes = [r for r in coding.notes if r not in ours]
                story = ours[refs[0]] if refs else told[0] if told else ""
                if story:
                    found[(source.guid, sel.start, sel.end, coding.code, coding.user or sel.user)] = story
    refi.notes = [n for n in refi.notes if n.guid not in ours]
    return found


def _planned(found: dict[tuple, str], plan: Plan, refi: RefiProject, coder: str) -> dict[tuple, str]:
    """:func:`_provenance_notes` keyed as the plan's codings are: (source GUID, start, end, code GUID, coder)."""
    if not found:
        return {}
    maps = {s.guid: s.map for s in plan.sources}
    users = {u.guid: u.name or coder for u in refi.users}
    out: dict[tuple, str] = {}
    for (source, start, end, code, user), text in found.items():
        if source in maps:
            out[(source, *maps[source].span(start, end), code, users.get(user or "", coder))] = text
    return out


def _save_codes(project: Project, codes: list[tuple[RefiCode, RefiCode | None]], name: str, report) -> dict[str, str]:
    """Match the file's codes to the project's, add the rest; return code GUID → code id."""
    ns = guids.project_namespace(_seed(project))
    existing = project.codebook().codes
    by_guid = {guids.guid(ns, "code", c.id): c.id for c in existing}
    by_path = {(c.parent, c.label.casefold()): c.id for c in existing}
    taken = {c.id for c in existing}
    ids: dict[str, str] = {}
    new: list[Code] = []
    for i, (code, parent) in enumerate(codes):
        parent_id = ids.get(parent.guid) if parent is not None else None
        match = by_guid.get(code.guid) or by_path.get((parent_id, code.name.casefold()))
        if match:
            ids[code.guid] = match
            report.codes_matched += 1
            continue
        code_id = unique(slug(code.name), taken, "{name}_{n}")
        ids[code.guid] = code_id
        by_path[(parent_id, code.name.casefold())] = code_id
        colour = _colour(code.color) or PALETTE[(len(existing) + i) % len(PALETTE)]
        new.append(Code(code_id, code.name, code.description, colour, parent_id))
        report.codes_added.append(code_id)
    if new:
        project.merge_codebook(Codebook(name, new))
    return ids


def _save_sources(project: Project, plan: Plan, report: ImportReport) -> dict[str, int]:
    names = project.source_names()
    ids: dict[str, int] = {}
    for incoming in plan.sources:
        item = incoming.item
        same = project.source_by_text(item.text)
        if same is not None:
            ids[incoming.guid] = same
            report.sources_matched.append(item.name)
            if item.case:
                project.give_source_a_case(same, item.case)
            continue
        if item.name in names:
            base, n = item.name, 2
            while f"{base} ({n})" in names:
                n += 1
            item.name = f"{base} ({n})"
            report.notes.append(f"the project has another source called {base!r}: imported as {item.name!r}")
        names.add(item.name)
        ids[incoming.guid] = project.add_sources([item])[0]
        report.sources_added.append(item.name)
    return ids


def _memo_target(project: Project, kind: str, target, source_ids: dict[str, int], code_ids: dict[str, str]):
    if kind == "project":
        return ""  # the project's memo has no target id
    if kind == "source":
        return source_ids.get(target)
    if kind == "code":
        return code_ids.get(target)
    if kind == "segment":
        source_guid, offset = target
        return project.segment_at(source_ids[source_guid], offset) if source_guid in source_ids else None
    return None


def _colour(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value if len(value) == 7 and value.startswith("#") else None


@dataclass
class CodebookImport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def import_qdc(project: Project, path: Path, coder: str) -> CodebookImport:
    """Load a ``.qdc`` codebook: codes matched (by GUID or label under the same parent) get the file's
    description and colour; the others are added. Keywords and examples the project has stay."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    tree = parse_codebook(data, str(path))
    pairs = [pair for code in tree for pair in code.walk()]
    if not pairs:
        raise InputError(path, "the codebook has no codes")
    report = CodebookImport()
    with project.transaction():
        before = {c.id: c for c in project.codebook().codes}
        staged = ImportReport()
        ids = _save_codes(project, pairs, path.stem, staged)
        report.added = staged.codes_added
        changed = []
        for code, _ in pairs:
            old = before.get(ids[code.guid])
            if old is None:
                continue
            colour = _colour(code.color) or old.colour
            if (old.description, old.colour) != (code.description or old.description, colour):
                changed.append(
                    Code(old.id, old.label, code.description or old.description, colour, old.parent, old.keywords,
                         old.examples)
                )  # fmt: skip
            else:
                report.unchanged += 1
        if changed:
            project.merge_codebook(Codebook(path.stem, changed))
        report.updated = [c.id for c in changed]
        project.log("codebook", {"file": path.name, "added": report.added, "updated": report.updated}, coder)
    return report
