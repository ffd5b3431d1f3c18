"""The quotes a chapter needs: chosen by code, filter and ★ mark, merged per passage, grouped for the report.

:func:`collect` reads the coded passages of the chosen codes (with their sub-codes), keeps those whose case
passes the filter (:mod:`coder.filters`: ``tjenestetype=Kommunal``) and, with ``only_marked``, those marked ★.
Codings that overlap in one source become **one quote** with all their codes: its span is the union of theirs
and its first code is the one the export asked for first (codebook order within a code's sub-codes). With
``only_marked`` the marked codings make the quotes, and other chosen codings that lie inside one or cover it
add their codes. A quote prints its report text (:mod:`coder.export.report_text`) when the passage has one, else its
words as said (spaces tidied).

Quotes are grouped under their first code — with chapters (:mod:`coder.export.chapters`) under the chapter
that lists it — and numbered in document order; the number ties a quote to its row in the trace table.
:func:`write` writes the result as DOCX, Markdown, CSV or XLSX, to a temporary file renamed into place, so a
failed export leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coder.coding.provenance import norwegian
from coder.errors import CoderError
from coder.export import attribution as attr
from coder.export.chapters import SETTING as CHAPTERS_SETTING
from coder.export.chapters import Chapter, from_setting
from coder.export.cleanup import clean_quotes
from coder.export.passages import CLEANED_NOTE, Quote, QuoteExport, Section, atomic_write
from coder.filters import parse_filter
from coder.model import Code

if TYPE_CHECKING:
    from coder.store import CodedPassage, Project

FORMATS = ("docx", "md", "csv", "xlsx")
_SUFFIXES = {".docx": "docx", ".md": "md", ".markdown": "md", ".qmd": "md", ".csv": "csv", ".xlsx": "xlsx"}
UNSORTED = "Andre sitater"


# -- choosing --------------------------------------------------------------------------------------------------
def collect(
    project: Project,
    codes: Sequence[str] = (),
    *,
    where: str | Sequence[str] = "",
    only_marked: bool = False,
    with_subcodes: bool = True,
    chapters: list[Chapter] | None = None,
    template: str | None = None,
    coding_ids: Iterable[int] | None = None,
    title: str | None = None,
    clean: bool = False,
    shown_as: str = "",
) -> QuoteExport:
    """The quotes of ``codes`` (none given: the chapters' codes, else every code); see the module docstring.

    ``coding_ids`` limits the quotes to these codings (the retrieval view exports what it shows); ``clean``
    prints the cleanup proposal for every quote without a saved report text (:mod:`coder.export.cleanup`);
    ``shown_as``: how the retrieval view chose what it showed (its filter), named in the traceability.
    ``chapters`` None: the project's setting; ``template`` None: the project's attribution template."""
    book = project.codebook()
    by_id = {c.id: c for c in book.codes}
    if chapters is None:
        chapters = from_setting(project.setting(CHAPTERS_SETTING))
    for code in codes:
        if code not in by_id:
            raise CoderError(f"no code '{code}' in the project (coder codebook {project.path.stem} lists them)")
    children: dict[str | None, list[str]] = {}
    for code in book.codes:
        parent = code.parent if code.parent in by_id else None
        children.setdefault(parent, []).append(code.id)
    paths = {c.id: _path(c.id, by_id) for c in book.codes}

    requested = list(dict.fromkeys(codes)) or [c for ch in chapters for c in ch.codes if c in by_id]
    if not requested:
        requested = children.get(None, [])
    order: list[str] = []  # requested codes, each followed by its sub-codes, depth first
    depth: dict[str, int] = {}

    def add(code_id: str, level: int) -> None:
        if code_id in depth:
            return
        order.append(code_id)
        depth[code_id] = level
        if with_subcodes:
            for child in children.get(code_id, []):
                add(child, level + 1)

    for code_id in requested:
        add(code_id, 0)
    rank = {c: i for i, c in enumerate(order)}

    passages = project.coded_passages(order)
    if coding_ids is not None:
        wanted = set(coding_ids)
        passages = [p for p in passages if p.coding_id in wanted]
    terms = " ".join(where) if not isinstance(where, str) else where
    try:
        filt = parse_filter(terms)
    except ValueError as exc:
        raise CoderError(f"--where {terms}: {exc}") from None
    if filt:
        keys = {k for case in project.cases() for k in case.attributes}
        unknown = filt.unknown_keys(keys)
        if unknown:
            raise CoderError(
                f"--where {terms}: no attribute '{unknown[0]}' (the attributes are: {', '.join(sorted(keys))})"
            )
        passages = [p for p in passages if filt.matches(p.attributes, p.text, p.source, p.speaker or "")]

    spans = project.quote_spans()
    texts: dict[int, str] = {}

    def source_text(source_id: int) -> str:
        if source_id not in texts:
            texts[source_id] = project.source_text(source_id)
        return texts[source_id]

    quotes = _merge(passages, spans, only_marked, rank, source_text)
    if clean:
        spans_of: dict[int, list[tuple[int, int]]] = {}

        def segments(source_id: int) -> list[tuple[int, int]]:
            if source_id not in spans_of:
                spans_of[source_id] = sorted((s.start, s.end) for s in project.segments(source_id))
            return spans_of[source_id]

        clean_quotes(quotes, source_text, segments)
    names = _coder_names(project)
    for q in quotes:
        q.coders = list(dict.fromkeys(names.get(c, c) for c in q.coders))
    template = template if template is not None else (project.setting(attr.SETTING) or attr.DEFAULT)
    attr.check_template(template)
    for q in quotes:
        q.attribution = attr.render(template, q.attributes, speaker=q.speaker, case=q.case, source=q.source)

    sections = _sections(quotes, order, depth, by_id, chapters, rank, children)
    labels = [by_id[c].label for c in requested]
    one_code = title is None and not chapters and len(requested) == 1 and sections
    if title is None:
        title = "Sitater: " + _join_labels(labels) if labels else "Sitater"
    if one_code:
        # one code: its heading is the title («Sitater: Henvisninger», not that and then «Henvisninger»)
        for section in sections:
            section.level -= 1
        sections[0].title = title
    numbered = [q for s in sections for q in s.quotes]
    for n, q in enumerate(numbered, 1):
        q.number = n
    keys = list(dict.fromkeys(k for case in project.cases() for k in case.attributes))
    subcodes = with_subcodes and any(children.get(c) for c in requested)
    selection = _describe(
        requested, by_id, subcodes, terms if filt else "", only_marked, numbered, coding_ids, shown_as
    )
    return QuoteExport(
        title,
        sections,
        numbered,
        by_id,
        paths,
        keys,
        selection,
        project.path.name,
        dt.datetime.now().strftime("%d.%m.%Y %H:%M"),
    )


def _coder_names(project: Project) -> dict[str, str]:
    """The operating system's user name → the coder's name the project knows (``coder whoami --set``), when it
    knows one: codings made before the name was set carry the OS user («root»), which a report should not."""
    from coder.ingest.service import default_coder
    from coder.team.identity import current

    os_user, known = default_coder(), current(project)
    return {os_user: known} if known and known != os_user else {}


def _path(code_id: str, by_id: dict[str, Code]) -> list[str]:
    out, seen, at = [], set(), code_id
    while at in by_id and at not in seen:
        seen.add(at)
        out.append(by_id[at].label)
        at = by_id[at].parent
    return out[::-1]


def _merge(
    passages: list[CodedPassage],
    spans: dict[tuple[int, int, int], tuple[bool, str | None]],
    only_marked: bool,
    rank: dict[str, int],
    source_text,
) -> list[Quote]:
    """One quote per group of overlapping codings in a source; see the module's docstring."""

    def marked(p: CodedPassage) -> bool:
        return p.marked or spans.get((p.source_id, p.start, p.end), (False, None))[0]

    by_source: dict[int, list[CodedPassage]] = {}
    for p in passages:
        by_source.setdefault(p.source_id, []).append(p)
    quotes: list[Quote] = []
    for items in by_source.values():
        items.sort(key=lambda p: (p.start, -p.end, p.coding_id))
        anchors = [p for p in items if marked(p)] if only_marked else items
        groups: list[list[CodedPassage]] = []
        end = -1
        for p in anchors:
            if groups and p.start < end:
                groups[-1].append(p)
                end = max(end, p.end)
            else:
                groups.append([p])
                end = p.end
        for group in groups:
            start, stop = group[0].start, max(p.end for p in group)
            members = list(group)
            if only_marked:
                ids = {p.coding_id for p in group}
                members += [p for p in items if p.coding_id not in ids and _nested(p.start, p.end, start, stop)]
            quotes.append(_quote(group, members, start, stop, spans, rank, source_text))
    return quotes


def _nested(a: int, b: int, start: int, stop: int) -> bool:
    """``[a, b)`` lies inside ``[start, stop)`` or covers it."""
    return (start <= a and b <= stop) or (a <= start and stop <= b)


def _quote(group, members, start, stop, spans, rank, source_text) -> Quote:
    first = group[0]
    whole = next((p for p in group if (p.start, p.end) == (start, stop)), None)
    words = whole.text if whole else source_text(first.source_id)[start:stop]
    codes = sorted({p.code_id for p in members}, key=lambda c: rank.get(c, len(rank)))
    marked_span, report = spans.get((first.source_id, start, stop), (False, None))
    memos = list(dict.fromkeys(p.memo.strip() for p in members if p.memo and p.memo.strip()))
    head = whole or first
    return Quote(
        number=0,
        source_id=first.source_id,
        source=first.source,
        kind=first.kind,
        start=start,
        end=stop,
        text=" ".join(words.split()),
        report_text=report,
        codes=codes,
        coding_ids=sorted(p.coding_id for p in members),
        speaker=head.speaker,
        case=head.case,
        attributes={k: a.value for k, a in head.attributes.items()},
        coders=list(dict.fromkeys(p.coder for p in members)),
        memo=" / ".join(memos),
        marked=marked_span or any(p.marked for p in group),
        turn=head.turn,
        t_start=head.t_start,
        made=[
            (p.code_id, norwegian(p.origin, p.provenance, p.coder))
            for p in sorted(members, key=lambda p: (rank.get(p.code_id, len(rank)), p.coding_id))
        ],
    )


def _sections(quotes, order, depth, by_id, chapters, rank, children) -> list[Section]:
    """Headings in document order, each with its quotes; codes without quotes (and no sub-code with some)
    have no heading."""
    by_code: dict[str, list[Quote]] = {}
    for q in sorted(quotes, key=lambda q: (rank.get(q.code, len(rank)), _source_order(q), q.source_id, q.start)):
        by_code.setdefault(q.code, []).append(q)

    def has_quotes(code_id: str) -> bool:
        return bool(by_code.get(code_id)) or any(has_quotes(c) for c in children.get(code_id, []) if c in depth)

    def code_sections(roots: list[str], level: int, done: set[str]) -> list[Section]:
        out: list[Section] = []

        def walk(code_id: str, at: int) -> None:
            if code_id in done or not has_quotes(code_id):
                return
            done.add(code_id)
            out.append(Section(at, by_id[code_id].label, code_id, by_code.get(code_id, [])))
            for child in children.get(code_id, []):
                if child in depth:
                    walk(child, at + 1)

        for code_id in roots:
            walk(code_id, level)
        return out

    roots = [c for c in order if depth[c] == 0]
    if not chapters:
        return code_sections(roots, 2, set())
    done: set[str] = set()
    out: list[Section] = []
    for chapter in chapters:
        inner = code_sections([c for c in chapter.codes if c in depth], 2, done)
        if inner:
            out.append(Section(1, chapter.title))
            out.extend(inner)
    rest = code_sections(roots, 2, done)
    if rest:
        out.append(Section(1, UNSORTED))
        out.extend(rest)
    return out


def _source_order(q: Quote) -> int:
    return {"transcript": 0, "survey": 1}.get(q.kind, 2)


def _join_labels(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " og " + labels[-1]


def _describe(requested, by_id, subcodes, where, only_marked, quotes, coding_ids, shown_as="") -> list[str]:
    n_sources = len({q.source_id for q in quotes})
    lines = [
        f"{len(quotes)} sitater fra {n_sources} kilde{'r' if n_sources != 1 else ''}, "
        f"kodet {_join_labels([by_id[c].label for c in requested])}" + (" (med underkoder)" if subcodes else "") + "."
    ]
    if where:
        lines.append(f"Filter: {where}.")
    if only_marked:
        lines.append("Bare sitater markert ★.")
    if coding_ids is not None:
        lines.append("Utvalget som ble vist i gjenfinningen" + (f": {shown_as}." if shown_as else "."))
    cleaned = sum(1 for q in quotes if q.cleaned)
    edited = sum(1 for q in quotes if q.report_text) - cleaned
    if cleaned:
        lines.append(
            f"{edited} av {len(quotes)} sitater er språklig redigert av forskeren (rapporttekst), {cleaned} er "
            f"{CLEANED_NOTE} ved eksporten (fyllord, nøling og transkripsjonsmerknader fjernet, […] der sitatet "
            "begynner eller slutter midt i en setning; merket i tabellen); de andre står slik de ble sagt. "
            "Originalteksten er bevart i prosjektfilen."
        )
    else:
        lines.append(
            f"{edited} av {len(quotes)} sitater er språklig redigert (rapporttekst); "
            "de andre står slik de ble sagt. Originalteksten er bevart i prosjektfilen."
        )
    return lines


# -- writing ----------------------------------------------------------------------------------------------------
def format_of(path: Path, fmt: str | None = None) -> str:
    """The format asked for, or the one the file's suffix says."""
    if fmt:
        if fmt not in FORMATS:
            raise CoderError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise CoderError(f"{path}: say --format ({', '.join(FORMATS)}) or use a suffix .docx .md .csv .xlsx")
    return found


def write(export: QuoteExport, path: Path, fmt: str | None = None, sep: str = ";") -> str:
    """Write the quotes to ``path`` (format from ``fmt`` or the suffix); returns the format written."""
    fmt = format_of(path, fmt)
    if fmt == "docx":
        from coder.export.docx_writer import write_docx as writer
    elif fmt == "md":
        from coder.export.tabular import write_markdown as writer
    elif fmt == "csv":
        from coder.export.tabular import write_csv

        def writer(export: QuoteExport, target: Path) -> None:
            write_csv(export, target, sep)
    else:
        from coder.export.tabular import write_xlsx as writer
    atomic_write(path, lambda target: writer(export, target))
    return fmt
