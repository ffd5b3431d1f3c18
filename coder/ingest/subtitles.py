"""Transcripts from WebVTT (.vtt) and SubRip (.srt) files, as made by Teams,
Zoom, Whisper and transcription services.

Cues are merged into speaker turns: consecutive cues of the same speaker become
one turn, keeping the first cue's start and the last cue's end time. The speaker
comes from a WebVTT voice tag ``<v Navn>`` or a ``Navn:`` label in the cue text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from coder.errors import InputError
from coder.ingest.common import build_source
from coder.ingest.decode import read_text
from coder.ingest.turns import KNOWN_LABELS, Turn, seconds
from coder.model import ImportedSource, SourceKind

_TIMING = re.compile(
    r"^\s*(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s.*)?$"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>\s][^>]*>")
_LABEL = re.compile(r"^(?:-\s*)?([A-ZÆØÅ][\w.\-]{0,24}(?: [\w.\-]{1,24}){0,2})\s*:\s+(.*)$", re.S)


def read_vtt(path: Path, kind: SourceKind | None = None) -> ImportedSource:
    text, encoding = read_text(path)
    lines = text.split("\n")
    if not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(path, "a WebVTT file must start with 'WEBVTT'", 1)
    cues = _cues(path, lines, start=1, numbered=False)
    return _build(path, cues, "vtt", encoding, kind)


def read_srt(path: Path, kind: SourceKind | None = None) -> ImportedSource:
    text, encoding = read_text(path)
    cues = _cues(path, text.split("\n"), start=0, numbered=True)
    return _build(path, cues, "srt", encoding, kind)


def _cues(path: Path, lines: list[str], start: int, numbered: bool) -> list[tuple[float, float, str]]:
    """``(start s, end s, raw cue text)`` for every cue; block errors name their line."""
    cues = []
    i = start
    n = len(lines)
    while i < n:
        while i < n and not lines[i].strip():
            i += 1
        if i >= n:
            break
        block_start = i
        block = []
        while i < n and lines[i].strip():
            block.append(lines[i])
            i += 1
        head = block[0].strip()
        if not numbered and head.startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((k for k, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            what = "a cue number and then a timing line" if numbered else "a timing line"
            raise InputError(path, f"expected {what} like '00:00:05.000 --> 00:00:09.000'", block_start + 1)
        m = _TIMING.match(block[timing_at])
        if not m:
            raise InputError(
                path, f"cannot read this timing line: {block[timing_at].strip()[:80]!r}", block_start + timing_at + 1
            )
        t0, t1 = seconds(m["a"]), seconds(m["b"])
        if t1 < t0:
            raise InputError(path, "the cue ends before it starts", block_start + timing_at + 1)
        # Line breaks inside and between cues are display wraps: join with spaces.
        body = " ".join(line.strip() for line in block[timing_at + 1 :])
        cues.append((t0, t1, body))
    if not cues:
        raise InputError(path, "no cues with text found")
    return cues


def _speaker_of(body: str) -> tuple[str | None, str]:
    voice = _VOICE.search(body)
    if voice:
        return voice.group(1).strip(), _TAG.sub("", body).strip()
    plain = _TAG.sub("", body).strip()
    m = _LABEL.match(plain)
    if m:
        return m.group(1), m.group(2).strip()
    return None, plain


def _build(path: Path, cues, fmt: str, encoding: str, kind: SourceKind | None) -> ImportedSource:
    parsed = [(t0, t1, *_speaker_of(body)) for t0, t1, body in cues]
    # A "Name:" label counts as a speaker only if it recurs or is a known transcript label,
    # so a subtitle line like "Merk: ..." stays text. Voice tags always count.
    counts = Counter(sp for _, _, sp, _ in parsed if sp)
    voiced = {sp for _, _, body in cues for sp in [v.strip() for v in _VOICE.findall(body)]}
    good = {sp for sp, n in counts.items() if sp in voiced or n >= 2 or KNOWN_LABELS.fullmatch(sp)}
    turns: list[Turn] = []
    for t0, t1, speaker, text in parsed:
        if speaker and speaker not in good:
            text, speaker = f"{speaker}: {text}", None
        if not text:
            continue
        if turns and speaker and turns[-1].speaker == speaker:
            turns[-1].text += " " + text
            turns[-1].t_end = t1
        else:
            turns.append(Turn(speaker, text, t0, t1))
    return build_source(path, turns, {}, {"format": fmt, "encoding": encoding}, kind or "transcript")
