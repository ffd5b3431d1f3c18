"""Transcripts and documents in .txt and .md files."""

from __future__ import annotations

from pathlib import Path

from coder.ingest.attributes import parse_front_matter
from coder.ingest.common import build_source
from coder.ingest.decode import read_text
from coder.ingest.turns import parse_turns
from coder.model import ImportedSource, SourceKind


def read_plain(path: Path, kind: SourceKind | None = None) -> ImportedSource:
    text, encoding = read_text(path)
    lines = text.split("\n")
    front, body_start = parse_front_matter(lines, path)
    turns, labels = parse_turns(lines[body_start:])
    fmt = "markdown" if path.suffix.lower() == ".md" else "text"
    return build_source(path, turns, front, {"format": fmt, "encoding": encoding}, kind)
