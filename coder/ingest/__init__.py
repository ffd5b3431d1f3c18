"""Importers: files in, domain objects out. No SQL and no UI in this package."""

from __future__ import annotations

from pathlib import Path

from coder.errors import InputError
from coder.model import ImportedSource, SourceKind

TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")
SURVEY_SUFFIXES = (".csv", ".tsv", ".xlsx")


def read_source(path: Path, kind: SourceKind | None = None) -> ImportedSource:
    """Read one transcript or document file. ``kind=None`` lets the file decide:
    a text with recurring speaker labels is a transcript, other text a document."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".text", ".markdown"):
        from coder.ingest.plaintext import read_plain

        return read_plain(path, kind)
    if suffix == ".docx":
        from coder.ingest.wordfile import read_docx

        return read_docx(path, kind)
    if suffix == ".vtt":
        from coder.ingest.subtitles import read_vtt

        return read_vtt(path, kind)
    if suffix == ".srt":
        from coder.ingest.subtitles import read_srt

        return read_srt(path, kind)
    if suffix in SURVEY_SUFFIXES:
        raise InputError(path, "spreadsheets hold survey answers: use 'coder import-survey' and name the columns")
    if suffix == ".doc":
        raise InputError(path, "old Word .doc files cannot be read: save it as .docx")
    if suffix == ".pdf":
        raise InputError(path, "PDF cannot be imported: save or export it as .docx or .txt")
    known = ", ".join(TRANSCRIPT_SUFFIXES)
    raise InputError(path, f"unknown file type {suffix or '(no suffix)'!r}; coder reads {known}")
