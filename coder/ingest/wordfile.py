"""Transcripts in Word .docx files.

Transcribers mark speakers in Word in two ways: a bold name at the start of the
paragraph (``**Intervjuer:** Hva …``) or the same ``I:``/``IP:`` labels as in
plain text. Bold leading names are taken as speakers even when they occur once.
"""

from __future__ import annotations

import io
from pathlib import Path

from coder.errors import InputError
from coder.ingest.archive import check_package
from coder.ingest.attributes import parse_front_matter
from coder.ingest.common import build_source
from coder.ingest.decode import normalise, read_bytes
from coder.ingest.turns import parse_turns
from coder.model import ImportedSource, SourceKind


def read_docx(path: Path, kind: SourceKind | None = None) -> ImportedSource:
    data = read_bytes(path)
    if not data:
        raise InputError(path, "the file is empty")
    check_package(data, path, ".docx file")
    lines, bold_labels = _paragraphs(data, path)
    front, body_start = parse_front_matter(lines, path)
    turns, _ = parse_turns(lines[body_start:], known=bold_labels)
    return build_source(path, turns, front, {"format": "docx", "encoding": "docx"}, kind)


def _paragraphs(data: bytes, path: Path) -> tuple[list[str], set[str]]:
    """The document's paragraphs as lines (a blank line after each), and the bold speaker labels found.

    Everything python-docx does happens here, where whatever it raises for a damaged document (a part
    missing, an attribute it cannot read) becomes an ``InputError``; the archive itself was checked."""
    import docx  # python-docx; imported here so plain-text imports do not pay for lxml
    from docx.opc.exceptions import PackageNotFoundError

    lines: list[str] = []
    bold_labels: set[str] = set()
    try:
        document = docx.Document(io.BytesIO(data))
        for paragraph in document.paragraphs:
            label, rest = _bold_label(paragraph)
            if label:
                bold_labels.add(label)
                lines.append(normalise(f"{label}: {rest}"))
            else:
                lines.extend(normalise(paragraph.text).split("\n"))
            lines.append("")
    except PackageNotFoundError:
        raise InputError(path, "not a valid .docx file (it may be damaged, or another format renamed)") from None
    except KeyError as exc:
        raise InputError(path, f"this .docx is damaged: {exc.args[0] if exc.args else exc}") from None
    except RecursionError:
        raise InputError(path, "this .docx is nested too deeply to read") from None
    except Exception as exc:  # python-docx and lxml raise errors of every kind on damaged parts
        raise InputError(path, f"this .docx is damaged ({type(exc).__name__}: {exc})") from None
    return lines, bold_labels


def _bold_label(paragraph) -> tuple[str | None, str]:
    """``("Intervjuer", "Hva …")`` when the paragraph opens with a bold ``Name:``."""
    bold = []
    runs = paragraph.runs
    i = 0
    while i < len(runs) and (runs[i].bold or not runs[i].text.strip()):
        bold.append(runs[i].text)
        i += 1
    head = "".join(bold).strip()
    rest = "".join(r.text for r in runs[i:])
    if not head:
        return None, ""
    if head.endswith(":"):
        label = head[:-1].strip()
    elif rest.lstrip().startswith(":"):
        label, rest = head, rest.lstrip()[1:]
    else:
        return None, ""
    if not label or len(label) > 40 or len(label.split()) > 4:
        return None, ""
    return label, rest.strip()
