"""Domain objects shared by ingest, store and the user interfaces.

They are plain dataclasses: the importers build them, the store saves and
loads them, and neither side needs to know about the other.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal, overload

SourceKind = Literal["transcript", "survey", "document"]
Origin = Literal["manual", "suggested", "auto", "imported"]
AttrType = Literal["text", "number", "date"]


#: Speaker labels of the interviewer: the researcher's own questions are no informant's words (not quoted as such,
#: not put in the review queue).
INTERVIEWER = frozenset({"i", "int", "intervjuer", "intervjuar", "interviewer", "moderator", "forsker"})


def is_interviewer(speaker: str | None) -> bool:
    return bool(speaker) and speaker.strip().casefold() in INTERVIEWER


#: A terminal escape sequence whole (CSI ``ESC [ … final``, an OSC/DCS/PM/APC string up to its BEL or ST, a
#: two-byte escape), so that ``\x1b]0;title\x07`` goes entirely and not just its ESC.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]P^_X][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]?")
#: Line breaks of every kind (as coder/ingest/decode.py sees them).
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
#: What no stored text keeps: C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides and
#: isolates (U+202A–U+202E, U+2066–U+2069) that can make text read other than it is.
CONTROL = "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]"
_DROP = re.compile(CONTROL)
_SUSPECT = re.compile(f"{CONTROL}|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_SPACES = re.compile("[\t\n]+")


@overload
def plain(text: str, multiline: bool = False) -> str: ...
@overload
def plain(text: None, multiline: bool = False) -> None: ...
def plain(text: str | None, multiline: bool = False) -> str | None:
    """``text`` safe to keep and to show: no terminal escape sequence, no control character, no bidi override.

    ``multiline`` text (memos, descriptions, report texts) keeps tabs and its line breaks, made ``\\n``; a
    single-line text (labels, titles, speakers, attribute names and values, coder names) has each run of
    them made one space. Everything else, emoji and æøå included, is kept as it is. ``None`` stays ``None``.
    """
    if not text or _SUSPECT.search(text) is None:
        return text
    text = _DROP.sub("", _ESCAPE.sub("", _BREAKS.sub("\n", text)))
    return text if multiline else _SPACES.sub(" ", text)


#: settings holding a consensus decision are named ``consensus|NAME|SEGMENT|CODE`` (team/consensus.py)
CONSENSUS_PREFIX = "consensus|"


@dataclass
class Segment:
    """A speaker turn, a survey answer or a paragraph: a span of its source's text."""

    start: int
    end: int
    speaker: str | None = None
    t_start: float | None = None
    t_end: float | None = None
    case: str | None = None  # case name, for survey answers tied to a respondent
    id: int | None = None  # the row id, once saved


@dataclass(frozen=True)
class Attribute:
    """One attribute of a case; immutable, so the store can hand one object to every case that has the value."""

    key: str
    value: str
    type: AttrType = "text"


@dataclass
class ImportedSource:
    """What an importer returns for one source, before it is saved."""

    kind: SourceKind
    name: str
    text: str
    segments: list[Segment]
    path: str = ""
    group: str | None = None  # e.g. the survey file a question column belongs to
    case: str | None = None  # the case a whole source belongs to (an interview)
    attributes: list[Attribute] = field(default_factory=list)
    case_attributes: dict[str, list[Attribute]] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the user should know

    def content_hash(self) -> str:
        """Same kind, text and respondents ⇒ same hash: how a second import of one file is caught."""
        h = hashlib.sha256(self.kind.encode())
        h.update(b"\0" + self.text.encode("utf-8"))
        if self.kind == "survey":
            h.update(b"\0" + "\n".join(s.case or "" for s in self.segments).encode("utf-8"))
        return h.hexdigest()


@dataclass
class Source:
    id: int
    kind: SourceKind
    name: str
    group: str | None
    hash: str
    imported_at: str
    case: str | None
    n_segments: int
    n_words: int
    n_codings: int
    meta: dict


@dataclass
class Code:
    id: str
    label: str
    description: str = ""
    colour: str = ""
    parent: str | None = None
    keywords: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


@dataclass
class Codebook:
    name: str
    codes: list[Code]
    version: int = 1


@dataclass
class Coding:
    id: int
    source_id: int
    start: int
    end: int
    code_id: str
    coder: str
    origin: Origin
    created_at: str
    provenance: dict | None = None  # how it came to be (coder.coding.provenance); None for coding by hand


@dataclass
class Case:
    id: int
    name: str
    attributes: dict[str, Attribute]


@dataclass
class SegmentText:
    """A segment with its text (``text`` is ``source.text[start:end]``), as the suggestion engine reads it."""

    id: int
    source_id: int
    start: int
    end: int
    text: str
    speaker: str | None = None


def ordered(codes: list[Code]) -> list[Code]:
    """Parents before children, otherwise in the given order."""
    by_id = {c.id: c for c in codes}
    out: list[Code] = []
    done: set[str] = set()

    def visit(code: Code) -> None:
        if code.id in done:
            return
        if code.parent in by_id:
            visit(by_id[code.parent])
        done.add(code.id)
        out.append(code)

    for code in codes:
        visit(code)
    return out


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 passage``, ``2 passages``, ``3 interviewer turns``: a count with its noun in agreement (``words`` when
    the plural is not ``word + "s"``). Every message that counts something says it through this."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"
