"""The REFI-QDA project as plain objects: what ``project.qde`` (and a ``.qdc``) holds.

Everything points to everything else by GUID, as in the XML. Positions are kept as the file
gives them; turning them into coder's offsets is the job of :mod:`coder.exchange.positions`.
``line`` is the element's line in the XML, for error messages (None for what coder built).
"""

from __future__ import annotations

from dataclasses import dataclass, field

VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")


@dataclass
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCode:
    guid: str
    name: str
    color: str | None = None  # "#rrggbb"
    description: str = ""
    codable: bool = True
    children: list[RefiCode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # NoteRef targets
    line: int | None = None

    def walk(self, parent: RefiCode | None = None):
        """This code and every code under it, each with its parent, parents first."""
        yield self, parent
        for child in self.children:
            yield from child.walk(self)


@dataclass
class RefiCoding:
    guid: str
    code: str  # the code's GUID
    user: str | None = None  # a user's GUID
    created: str | None = None  # xsd:dateTime
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class RefiSelection:
    """A PlainTextSelection: a span of a source's plain text with its codings."""

    guid: str
    start: int
    end: int
    name: str = ""
    description: str = ""
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    user: str | None = None
    created: str | None = None
    line: int | None = None


@dataclass
class RefiValue:
    """A VariableValue: which variable, and its value as the XML spells it."""

    variable: str  # the variable's GUID
    value: str
    type: str = "Text"  # the element it came in: Text, Integer, Float, Date, …


@dataclass
class RefiSource:
    """A TextSource (or the text representation of a PDF)."""

    guid: str
    name: str
    text: str = ""  # the plain text, decoded, line ends as in the file
    path: str = ""  # plainTextPath (internal://… in a .qdpx)
    selections: list[RefiSelection] = field(default_factory=list)
    description: str = ""
    notes: list[str] = field(default_factory=list)
    values: list[RefiValue] = field(default_factory=list)
    user: str | None = None
    created: str | None = None
    line: int | None = None


@dataclass
class RefiVariable:
    guid: str
    name: str
    type: str = "Text"  # one of VARIABLE_TYPES
    description: str = ""


@dataclass
class RefiCase:
    guid: str
    name: str | None  # MAXQDA and Quirkos write nameless cases that only carry a source's variables
    description: str = ""
    values: list[RefiValue] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # SourceRef targets
    selections: list[str] = field(default_factory=list)  # SelectionRef targets
    line: int | None = None


@dataclass
class RefiNote:
    guid: str
    name: str = ""
    text: str = ""
    path: str = ""  # plainTextPath, when the text is a file in the archive
    user: str | None = None
    created: str | None = None
    line: int | None = None


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str = ""
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiLink:
    guid: str
    origin: str | None
    target: str | None
    name: str = ""


@dataclass
class RefiProject:
    name: str
    origin: str = ""
    created: str | None = None
    creating_user: str | None = None
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)  # the top level; children inside
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    links: list[RefiLink] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    description: str = ""
    note_refs: list[str] = field(default_factory=list)  # notes on the project as a whole
    skipped: list[str] = field(default_factory=list)  # what the reader left out, for the user
    where: str = ""  # the file it was read from (``x.qdpx/project.qde``), for messages

    def all_codes(self) -> list[tuple[RefiCode, RefiCode | None]]:
        return [pair for code in self.codes for pair in code.walk()]
