"""What a quote export is made of, shared by the code that chooses the quotes (``quotes.py``) and the writers
(``docx_writer.py``, ``tabular.py``, ``matrix.py``): the passage as the report prints it, the sections, the trace
table's rows and lines, and the file write that appears whole or not at all. Pure: no project, no format."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import CoderError
from coder.model import Code


@dataclass
class Quote:
    """One passage as the report prints it, with what traces it back to the source."""

    number: int
    source_id: int
    source: str
    kind: str
    start: int
    end: int
    text: str  # the words as said (spaces tidied)
    report_text: str | None
    codes: list[str]  # code ids, the first is the one it is filed under
    coding_ids: list[int]
    speaker: str | None
    case: str | None
    attributes: dict[str, str]
    coders: list[str]
    memo: str
    marked: bool
    turn: int | None
    t_start: float | None
    attribution: str = ""
    made: list[tuple[str, str]] = field(default_factory=list)  # (code id, how it was coded) of each coding in it
    cleaned: bool = False  # the report text is the cleanup proposal made by this export (--clean), not saved

    def how(self, codes: dict[str, Code]) -> str:
        """How it was coded, in Norwegian (:func:`coder.coding.provenance.norwegian`): «manuell», «forslag .82
        (akseptert av kari)»; when its codings came differently, each with its code: «Kapasitet: forslag .82 (…);
        Ventetid: manuell»."""
        kinds = list(dict.fromkeys(text for _, text in self.made))
        if len(kinds) <= 1:
            return kinds[0] if kinds else ""
        pairs = dict.fromkeys(f"{codes[c].label if c in codes else c}: {text}" for c, text in self.made)
        return "; ".join(pairs)

    @property
    def printed(self) -> str:
        """What the report prints: the report text when there is one."""
        return self.report_text or self.text

    @property
    def code(self) -> str:
        return self.codes[0]

    def time(self) -> str:
        """``00:12:31``: where in the recording its turn starts (empty without times)."""
        if self.t_start is None:
            return ""
        seconds = int(self.t_start)
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    def who(self) -> str:
        """The respondent of a survey answer, else the speaker, else the case."""
        return (self.case if self.kind == "survey" else self.speaker) or self.case or ""

    def position(self) -> str:
        """``tur 14 · 00:12:31 · tegn 2345–2501``: where the passage is in its source."""
        unit = {"transcript": "tur", "survey": "svar", "document": "avsnitt"}.get(self.kind, "segment")
        parts = [f"{unit} {self.turn}"] if self.turn else []
        if self.t_start is not None:
            parts.append(self.time())
        parts.append(f"tegn {self.start}–{self.end}")
        return " · ".join(parts)

    def opening(self, words: int = 8) -> str:
        """The first words of the printed text, for the trace table."""
        parts = self.printed.split()
        return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


@dataclass
class Section:
    """A heading and the quotes under it. ``level`` 1 is a chapter or the title, 2 a code, 3+ its sub-codes."""

    level: int
    title: str
    code_id: str | None = None
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class QuoteExport:
    """Everything a writer needs; no project connection."""

    title: str
    sections: list[Section]
    quotes: list[Quote]
    codes: dict[str, Code]
    paths: dict[str, list[str]]  # code id → the labels from its top-level code down to it
    attribute_keys: list[str]
    selection: list[str]  # how the quotes were chosen, in Norwegian, for the trace section
    project: str
    exported_at: str
    inline: bool = False
    comments: bool = False
    trace: bool = True


# -- the trace ----------------------------------------------------------------------------------------------------
#: What the trace says of a quote the export cleaned (``--clean``): the words differ from the project's.
CLEANED_NOTE = "automatisk språkvasket"
TRACE_HEADER = ["Nr.", "Sitatet begynner", "Kode", "Kilde", "Taler", "Plassering", "Kodet av", "Opphav"]


def code_labels(export: QuoteExport, quote: Quote) -> str:
    return ", ".join(export.codes[c].label for c in quote.codes if c in export.codes)


def trace_row(export: QuoteExport, quote: Quote) -> list[str]:
    """A row of the «Sporbarhet» table: number, first words, codes, source, speaker, place, coders, how coded."""
    return [
        str(quote.number),
        quote.opening(),
        code_labels(export, quote),
        quote.source,
        quote.who(),
        quote.position(),
        ", ".join(quote.coders),
        "; ".join(p for p in (quote.how(export.codes), CLEANED_NOTE if quote.cleaned else "") if p),
    ]


def trace_line(export: QuoteExport, quote: Quote) -> str:
    """The same on one line, with the memo and (when edited) the original words: a Word comment."""
    parts = [
        f"[{quote.number}] {quote.source}",
        quote.who(),
        quote.position(),
        f"koder: {code_labels(export, quote)}",
        "kodet av " + ", ".join(quote.coders),
        f"opphav: {quote.how(export.codes)}" if quote.made else "",
    ]
    if quote.memo:
        parts.append(f"memo: {quote.memo}")
    if quote.cleaned:
        parts.append(CLEANED_NOTE)
    if quote.report_text:
        parts.append(f"original: «{quote.text}»")
    return " · ".join(p for p in parts if p)


def follow_umask(path: str | Path) -> None:
    """Give a file made by ``tempfile.mkstemp`` (always 0600) the mode any other program's new file gets: 0666 less
    the umask, so that colleagues in the project's group on a shared server can read an export when the umask lets
    them, as they can read a file saved from Word."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def atomic_write(path: Path, make) -> None:
    """``make(temporary path)`` then rename it to ``path``: the file appears whole or not at all."""
    path = Path(path)
    if not path.parent.exists():
        raise CoderError(f"{path}: the folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        make(Path(tmp))
        follow_umask(tmp)
        os.replace(tmp, path)
    except PermissionError:
        Path(tmp).unlink(missing_ok=True)
        raise CoderError(f"{path}: cannot write it (is it open in Word or Excel?)") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def inline_text(text: str) -> str:
    """Quotation marks inside an inline «…» quote become ‘…’, as Norwegian typography nests them."""
    return re.sub(r"[«“\"]([^«»“”\"]*)[»”\"]", r"‘\1’", text)
