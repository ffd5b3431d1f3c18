"""Transcripts and documents in .txt and .md files."""

from __future__ import annotations

from pathlib import Path

from coder.ingest.attributes import parse_front_matter
from coder.ingest.common import build_source
from coder.ingest.decode import read_text
from coder.ingest.turns import Turn, looks_like_transcript, parse_turns
from coder.ingest.unwrap import looks_wrapped, unwrap
from coder.model import ImportedSource, SourceKind


def read_plain(path: Path, kind: SourceKind | None = None) -> ImportedSource:
    text, encoding = read_text(path)
    lines = text.split("\n")
    front, body_start = parse_front_matter(lines, path)
    body = lines[body_start:]
    turns, labels = parse_turns(body)
    meta = {"format": "markdown" if path.suffix.lower() == ".md" else "text", "encoding": encoding}
    document = kind == "document" or (kind is None and not looks_like_transcript(turns))
    if document and looks_wrapped(body):  # text from a PDF: a line per printed line (coder/ingest/unwrap.py)
        turns = [Turn(None, paragraph) for paragraph in unwrap(body)]
        meta["unwrapped"] = True
    return build_source(path, turns, front, meta, kind)
