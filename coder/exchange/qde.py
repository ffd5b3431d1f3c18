"""QDA-XML: ``project.qde`` and ``.qdc`` codebooks written from, and read into, :mod:`.model`.

The writer follows the schemas' element order exactly (the REFI XSDs are sequences: a
``NoteRef`` after a ``VariableValue`` is invalid) and leaves out empty containers the schemas
forbid (``<Codes/>`` needs a code). The reader is lenient where real files differ (GUIDs in
upper case or braces, the ``urn:QDA-XML:project:1:0`` namespace some programs wrote, nameless
cases) and strict where coder cannot go on: then it names the file and the XML line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from coder.codebook.files import MAX_DEPTH
from coder.errors import InputError
from coder.exchange import guids
from coder.exchange.dates import xs_datetime
from coder.exchange.model import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiLink,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiValue,
    RefiVariable,
)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_PROJECT_XSD = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
_CODEBOOK_XSD = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
_VALUE_TAGS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}
# XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# -- writing -----------------------------------------------------------------------------------
class _Writer:
    def __init__(self, namespace: str):
        self.ns = namespace

    def root(self, tag: str, location: str, **attrs: str | None) -> etree._Element:
        root = etree.Element(f"{{{self.ns}}}{tag}", nsmap={None: self.ns, "xsi": _XSI})
        self._attrs(root, attrs)
        root.set(f"{{{_XSI}}}schemaLocation", f"{self.ns} {location}")
        return root

    def add(self, parent: etree._Element, tag: str, text: str | None = None, **attrs: object) -> etree._Element:
        el = etree.SubElement(parent, f"{{{self.ns}}}{tag}")
        self._attrs(el, attrs)
        if text is not None:
            el.text = _NOT_XML.sub("", text)
        return el

    @staticmethod
    def _attrs(el: etree._Element, attrs: dict[str, object]) -> None:
        for key, value in attrs.items():
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            el.set(key, _NOT_XML.sub("", str(value)))


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def project_xml(project: RefiProject) -> bytes:
    """``project.qde`` for ``project`` (valid against Project-mrt2019.xsd)."""
    w = _Writer(PROJECT_NS)
    root = w.root(
        "Project",
        _PROJECT_XSD,
        name=project.name,
        origin=project.origin or None,
        creatingUserGUID=project.creating_user,
        creationDateTime=xs_datetime(project.created),
    )
    if project.users:
        users = w.add(root, "Users")
        for user in project.users:
            w.add(users, "User", guid=user.guid, name=user.name)
    if project.codes:
        _codes(w, w.add(w.add(root, "CodeBook"), "Codes"), project.codes, notes=True)
    if project.variables:
        variables = w.add(root, "Variables")
        for var in project.variables:
            el = w.add(variables, "Variable", guid=var.guid, name=var.name, typeOfVariable=var.type)
            if var.description:
                w.add(el, "Description", var.description)
    if project.cases:
        cases = w.add(root, "Cases")
        for case in project.cases:
            el = w.add(cases, "Case", guid=case.guid, name=case.name)
            if case.description:
                w.add(el, "Description", case.description)
            _values(w, el, case.values)
            for target in case.sources:
                w.add(el, "SourceRef", targetGUID=target)
            for target in case.selections:
                w.add(el, "SelectionRef", targetGUID=target)
    if project.sources:
        sources = w.add(root, "Sources")
        for source in project.sources:
            _source(w, sources, source)
    if project.notes:
        notes = w.add(root, "Notes")
        for note in project.notes:
            el = w.add(
                notes, "Note", guid=note.guid, name=note.name or None, creatingUser=note.user,
                creationDateTime=xs_datetime(note.created),
            )  # fmt: skip
            w.add(el, "PlainTextContent", note.text)
    if project.sets:
        sets = w.add(root, "Sets")
        for item in project.sets:
            el = w.add(sets, "Set", guid=item.guid, name=item.name)
            if item.description:
                w.add(el, "Description", item.description)
            for target in item.codes:
                w.add(el, "MemberCode", targetGUID=target)
            for target in item.sources:
                w.add(el, "MemberSource", targetGUID=target)
            for target in item.notes:
                w.add(el, "MemberNote", targetGUID=target)
    if project.description:
        w.add(root, "Description", project.description)
    for target in project.note_refs:
        w.add(root, "NoteRef", targetGUID=target)
    return _bytes(root)


def _codes(w: _Writer, parent: etree._Element, codes: list[RefiCode], notes: bool) -> None:
    for code in codes:
        el = w.add(parent, "Code", guid=code.guid, name=code.name, isCodable=code.codable, color=code.color or None)
        if code.description:
            w.add(el, "Description", code.description)
        if notes:  # the Codebook schema has no NoteRef
            for target in code.notes:
                w.add(el, "NoteRef", targetGUID=target)
        _codes(w, el, code.children, notes)


def _values(w: _Writer, parent: etree._Element, values: list[RefiValue]) -> None:
    for value in values:
        el = w.add(parent, "VariableValue")
        w.add(el, "VariableRef", targetGUID=value.variable)
        w.add(el, _VALUE_TAGS[value.type], value.value)


def _source(w: _Writer, parent: etree._Element, source: RefiSource) -> None:
    el = w.add(
        parent, "TextSource", guid=source.guid, name=source.name, plainTextPath=source.path or None,
        creatingUser=source.user, creationDateTime=xs_datetime(source.created),
    )  # fmt: skip
    if source.description:
        w.add(el, "Description", source.description)
    if not source.path:
        w.add(el, "PlainTextContent", source.text)
    for sel in source.selections:
        sel_el = w.add(
            el, "PlainTextSelection", guid=sel.guid, name=sel.name or None, startPosition=sel.start,
            endPosition=sel.end, creatingUser=sel.user, creationDateTime=xs_datetime(sel.created),
        )  # fmt: skip
        if sel.description:
            w.add(sel_el, "Description", sel.description)
        for coding in sel.codings:
            created = xs_datetime(coding.created)
            c_el = w.add(sel_el, "Coding", guid=coding.guid, creatingUser=coding.user, creationDateTime=created)
            w.add(c_el, "CodeRef", targetGUID=coding.code)
            for target in coding.notes:
                w.add(c_el, "NoteRef", targetGUID=target)
        for target in sel.notes:
            w.add(sel_el, "NoteRef", targetGUID=target)
    for target in source.notes:
        w.add(el, "NoteRef", targetGUID=target)
    _values(w, el, source.values)


def codebook_xml(codes: list[RefiCode], origin: str) -> bytes:
    """A ``.qdc`` codebook (valid against Codebook.xsd, which needs at least one code)."""
    if not codes:
        raise ValueError("a REFI-QDA codebook needs at least one code")
    w = _Writer(CODEBOOK_NS)
    root = w.root("CodeBook", _CODEBOOK_XSD, origin=origin or None)
    _codes(w, w.add(root, "Codes"), codes, notes=False)
    return _bytes(root)


# -- reading -----------------------------------------------------------------------------------
def _parse(data: bytes, where: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))  # the line goes in front
        message = message.replace(", use XML_PARSE_HUGE option", " levels of elements")  # libxml2's advice is not ours
        raise InputError(where, f"not valid XML: {message}", exc.lineno or None) from None


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in el:
        if isinstance(child.tag, str) and (not names or _local(child) in names):
            yield child


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next(_children(el, name), None)


def _text(el: etree._Element, name: str) -> str:
    child = _child(el, name)
    return (child.text or "") if child is not None else ""


class _Reader:
    def __init__(self, where: str):
        self.where = where
        self.bad_dates: list[str] = []  # values no xs:dateTime can be made of (the import's time stands in)

    def date(self, el: etree._Element, *attrs: str) -> str | None:
        """The first of ``attrs`` that ``el`` has, as a valid xs:dateTime (see :mod:`.dates`), or None."""
        value = next((el.get(a) for a in attrs if el.get(a)), None)
        repaired = xs_datetime(value)
        if value and repaired is None:
            self.bad_dates.append(value)
        return repaired

    def dates_note(self) -> list[str]:
        """What to tell the user, once, of the dates that could not be read."""
        if not self.bad_dates:
            return []
        first = self.bad_dates[0][:40]
        return [f"{len(self.bad_dates)} dates were not readable (such as {first!r}): the import's time stands in"]

    def need(self, el: etree._Element, attr: str) -> str:
        value = el.get(attr)
        if value is None or not value.strip():
            raise InputError(self.where, f"<{_local(el)}> has no {attr}", el.sourceline)
        return value

    def guid(self, el: etree._Element, attr: str = "guid") -> str:
        return guids.normal(self.need(el, attr))

    def ref(self, el: etree._Element) -> str:
        return self.guid(el, "targetGUID")

    def integer(self, el: etree._Element, attr: str) -> int:
        value = self.need(el, attr)
        try:
            return int(value.strip())
        except ValueError:
            where, line = self.where, el.sourceline
            raise InputError(where, f"<{_local(el)}> {attr}={value!r} is not a whole number", line) from None

    def code(self, el: etree._Element, depth: int = 1) -> RefiCode:
        name = el.get("name") or ""
        if depth > MAX_DEPTH:
            what = f"<Code> {name[:40]!r} is nested {depth} levels deep (coder reads code trees up to {MAX_DEPTH})"
            raise InputError(self.where, what, el.sourceline)
        color = (el.get("color") or "").strip() or None
        return RefiCode(
            guid=self.guid(el),
            name=name.strip() or "(uten navn)",
            color=color,
            description=_text(el, "Description").strip(),
            codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
            children=[self.code(c, depth + 1) for c in _children(el, "Code")],
            notes=[self.ref(r) for r in _children(el, "NoteRef")],
            line=el.sourceline,
        )

    def values(self, el: etree._Element) -> list[RefiValue]:
        out = []
        for vv in _children(el, "VariableValue"):
            ref = _child(vv, "VariableRef")
            if ref is None:
                raise InputError(self.where, "<VariableValue> has no <VariableRef>", vv.sourceline)
            value = next((c for c in _children(vv) if _local(c).endswith("Value")), None)
            if value is None:
                continue
            kind = _local(value)[: -len("Value")]
            out.append(RefiValue(self.ref(ref), (value.text or "").strip(), kind))
        return out

    def selection(self, el: etree._Element) -> RefiSelection:
        start, end = self.integer(el, "startPosition"), self.integer(el, "endPosition")
        codings = []
        for c in _children(el, "Coding"):
            ref = _child(c, "CodeRef")
            if ref is None:
                raise InputError(self.where, "<Coding> has no <CodeRef>", c.sourceline)
            codings.append(
                RefiCoding(
                    guid=guids.normal(c.get("guid")) or "",
                    code=self.ref(ref),
                    user=guids.normal(c.get("creatingUser")),
                    created=self.date(c, "creationDateTime"),
                    notes=[self.ref(r) for r in _children(c, "NoteRef")],
                    line=c.sourceline,
                )
            )
        return RefiSelection(
            guid=self.guid(el),
            start=start,
            end=end,
            name=el.get("name") or "",
            description=_text(el, "Description").strip(),
            codings=codings,
            notes=[self.ref(r) for r in _children(el, "NoteRef")],
            user=guids.normal(el.get("creatingUser") or el.get("modifyingUser")),
            created=self.date(el, "creationDateTime", "modifiedDateTime"),
            line=el.sourceline,
        )

    def text_source(self, el: etree._Element, name: str | None = None) -> RefiSource:
        content = _child(el, "PlainTextContent")
        path = (el.get("plainTextPath") or "").strip()
        if content is None and not path:
            what = f"<{_local(el)}> has neither plainTextPath nor PlainTextContent"
            raise InputError(self.where, what, el.sourceline)
        return RefiSource(
            guid=self.guid(el),
            name=(name or el.get("name") or "").strip(),
            text=(content.text or "") if content is not None else "",
            path=path if content is None else "",
            selections=[self.selection(s) for s in _children(el, "PlainTextSelection")],
            description=_text(el, "Description").strip(),
            notes=[self.ref(r) for r in _children(el, "NoteRef")],
            values=self.values(el),
            user=guids.normal(el.get("creatingUser")),
            created=self.date(el, "creationDateTime"),
            line=el.sourceline,
        )


def _check_root(root: etree._Element, where: str, wanted: tuple[str, ...], what: str) -> None:
    namespace = etree.QName(root).namespace or ""
    if _local(root) not in wanted or (namespace and not namespace.startswith("urn:QDA-XML:")):
        raise InputError(where, f"not a REFI-QDA {what}: the root element is <{_local(root)}> in {namespace!r}", 1)


def parse_project(data: bytes, where: str) -> RefiProject:
    """Read ``project.qde``. Source texts stay unread (``RefiSource.path``); the archive has them."""
    root = _parse(data, where)
    _check_root(root, where, ("Project",), "project")
    r = _Reader(where)
    project = RefiProject(
        name=(root.get("name") or "").strip(),
        origin=root.get("origin") or "",
        created=r.date(root, "creationDateTime"),
        creating_user=guids.normal(root.get("creatingUserGUID")),
        where=where,
    )
    for section in _children(root):
        tag = _local(section)
        if tag == "Users":
            users = _children(section, "User")
            project.users = [RefiUser(r.guid(u), u.get("name") or u.get("id") or "") for u in users]
        elif tag == "CodeBook":
            codes = _child(section, "Codes")
            project.codes = [r.code(c) for c in _children(codes, "Code")] if codes is not None else []
        elif tag == "Variables":
            project.variables = [
                RefiVariable(r.guid(v), r.need(v, "name").strip(), (v.get("typeOfVariable") or "Text").strip(),
                             _text(v, "Description").strip())
                for v in _children(section, "Variable")
            ]  # fmt: skip
        elif tag == "Cases":
            project.cases = [
                RefiCase(
                    guid=r.guid(c),
                    name=(c.get("name") or "").strip() or None,
                    description=_text(c, "Description").strip(),
                    values=r.values(c),
                    sources=[r.ref(s) for s in _children(c, "SourceRef")],
                    selections=[r.ref(s) for s in _children(c, "SelectionRef")],
                    line=c.sourceline,
                )
                for c in _children(section, "Case")
            ]
        elif tag == "Sources":
            _read_sources(r, section, project)
        elif tag == "Notes":
            project.notes = [
                RefiNote(
                    guid=r.guid(n),
                    name=(n.get("name") or "").strip(),
                    text=_text(n, "PlainTextContent"),
                    path=(n.get("plainTextPath") or "").strip() if _child(n, "PlainTextContent") is None else "",
                    user=guids.normal(n.get("creatingUser")),
                    created=r.date(n, "creationDateTime"),
                    line=n.sourceline,
                )
                for n in _children(section, "Note")
            ]
        elif tag == "Links":
            project.links = [
                RefiLink(r.guid(k), guids.normal(k.get("originGUID")), guids.normal(k.get("targetGUID")),
                         k.get("name") or "")
                for k in _children(section, "Link")
            ]  # fmt: skip
        elif tag == "Sets":
            project.sets = [
                RefiSet(
                    guid=r.guid(s),
                    name=(s.get("name") or "").strip(),
                    description=_text(s, "Description").strip(),
                    codes=[r.ref(m) for m in _children(s, "MemberCode")],
                    sources=[r.ref(m) for m in _children(s, "MemberSource")],
                    notes=[r.ref(m) for m in _children(s, "MemberNote")],
                )
                for s in _children(section, "Set")
            ]
        elif tag == "Description":
            project.description = (section.text or "").strip()
        elif tag == "NoteRef":
            project.note_refs.append(r.ref(section))
        elif tag == "Graphs":
            project.skipped.append("graphs (coder has no network views)")
    project.skipped.extend(r.dates_note())
    return project


def _read_sources(r: _Reader, section: etree._Element, project: RefiProject) -> None:
    skipped: dict[str, int] = {}
    for el in _children(section):
        tag = _local(el)
        if tag == "TextSource":
            project.sources.append(r.text_source(el))
        elif tag == "PDFSource" and _child(el, "Representation") is not None:
            # A PDF's text representation carries the codings of its text; coder keeps that text.
            project.sources.append(r.text_source(_child(el, "Representation"), el.get("name") or None))
        else:
            kind = {"PictureSource": "pictures", "AudioSource": "audio files", "VideoSource": "video files"}
            key = kind.get(tag, "PDFs without a text representation")
            skipped[key] = skipped.get(key, 0) + 1
    for what, n in skipped.items():
        project.skipped.append(f"{n} {what} (coder holds text only)")


def parse_codebook(data: bytes, where: str) -> list[RefiCode]:
    """Read a ``.qdc`` codebook (a ``project.qde`` works too: its codebook is read)."""
    root = _parse(data, where)
    _check_root(root, where, ("CodeBook", "Project"), "codebook")
    if _local(root) == "Project":
        root = _child(root, "CodeBook")
        if root is None:
            return []
    codes = _child(root, "Codes")
    if codes is None:
        raise InputError(where, "the codebook has no <Codes>", root.sourceline)
    r = _Reader(where)
    return [r.code(c) for c in _children(codes, "Code")]
