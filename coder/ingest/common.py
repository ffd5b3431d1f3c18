"""What every file importer does once the text and turns are known."""

from __future__ import annotations

from pathlib import Path

from coder.errors import InputError
from coder.ingest.attributes import split_front_matter, typed
from coder.ingest.turns import Turn, assemble, looks_like_transcript
from coder.model import ImportedSource, SourceKind


def build_source(
    path: Path,
    turns: list[Turn],
    front: dict[str, str],
    meta: dict,
    kind: SourceKind | None = None,
) -> ImportedSource:
    """Assemble the source from its turns; decide transcript or document if not told."""
    if not turns:
        raise InputError(path, "no text to import after the header")
    if kind is None:
        kind = "transcript" if looks_like_transcript(turns) else "document"
    if kind == "document":
        # A document has paragraphs, not speakers: keep any label in the text.
        turns = [Turn(None, f"{t.speaker}: {t.text}" if t.speaker else t.text) for t in turns]
    text, segments = assemble(turns)
    title, case, attrs = split_front_matter(front)
    speakers: dict[str, int] = {}
    for seg in segments:
        if seg.speaker:
            speakers[seg.speaker] = speakers.get(seg.speaker, 0) + 1
    meta = {**meta, "file": path.name, "speakers": speakers}
    name = title or path.stem
    # An interview is an informant's case; a document only when its header says so.
    if not case and (kind == "transcript" or attrs):
        case = name
    return ImportedSource(
        kind=kind,
        name=name,
        text=text,
        segments=segments,
        path=str(path),
        case=case,
        attributes=typed(attrs),
        meta=meta,
    )
