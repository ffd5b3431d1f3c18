"""Speaker turns from lines of text, and the source text built from turns.

One parser serves .txt, .md and .docx (whose paragraphs become lines): it finds
the speaker-label convention a transcript uses (``I:``/``IP:``, ``Intervjuer:``,
``Informant 3:``, ``PP-leder:``, ``[00:01:23] Navn:``, markdown ``**Navn:**``)
by looking at which labels recur at line starts, so a sentence that happens to
contain a colon does not become a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from coder.model import Segment

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LABEL = re.compile(
    rf"""^[ \t]*
    (?:[\[(](?P<ts>{_TIME})[\])][ \t]*|(?P<ts2>{_TIME})[ \t]+)?   # [00:01:23] or 00:01:23
    (?:\*\*|__)?
    (?P<label>[A-ZÆØÅ][\w.\-]{{0,24}}(?:[ ][\w.\-]{{1,24}}){{0,2}})  # 1-3 words, capital first
    (?:\*\*|__)?[ \t]*:(?:\*\*|__)?
    (?:[ \t]+(?P<rest>.*)|[ \t]*$)""",
    re.X,
)
# Labels that mark a transcript even when they occur once.
KNOWN_LABELS = re.compile(
    r"(I|IP|IO|R|Int|Inf|Intervjuer|Interviewer|Moderator|Informant|Respondent|Deltaker|"
    r"PP-leder|Leder|Rektor|Styrer|Spørsmål|Svar|Q|A)( \d+)?",
    re.I,
)
_PLAIN_TIME = re.compile(rf"^[ \t]*[\[(]?(?P<ts>{_TIME})[\])]?[ \t]*")


@dataclass
class Turn:
    speaker: str | None
    text: str
    t_start: float | None = None
    t_end: float | None = None


def seconds(stamp: str) -> float:
    """``01:02:03.5`` → 3723.5; ``02:03`` → 123.0."""
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def find_labels(lines: list[str], known: set[str] = frozenset()) -> Counter[str]:
    """The speaker labels this transcript uses, with how many lines start with each."""
    counts: Counter[str] = Counter()
    timed: set[str] = set()  # a label after a timestamp is a speaker, however rare
    for line in lines:
        m = _LABEL.match(line[:300])
        if m:
            counts[m["label"]] += 1
            if m["ts"] or m["ts2"]:
                timed.add(m["label"])
    return Counter(
        {
            label: n
            for label, n in counts.items()
            if label in known or label in timed or KNOWN_LABELS.fullmatch(label) or (n >= 3 and len(label.split()) <= 2)
        }
    )


def parse_turns(lines: list[str], known: set[str] = frozenset()) -> tuple[list[Turn], Counter[str]]:
    """Split lines into turns. Text before the first label becomes speakerless paragraphs."""
    labels = find_labels(lines, known)
    turns: list[Turn] = []
    current: Turn | None = None
    body: list[str] = []

    def close() -> None:
        nonlocal current, body
        text = "\n".join(body).strip("\n")
        if current is not None:
            current.text = text
            turns.append(current)
        elif text:
            turns.extend(Turn(None, p) for p in paragraphs(body))
        current, body = None, []

    for line in lines:
        m = _LABEL.match(line[:300]) if labels else None
        if m and m["label"] in labels:
            close()
            stamp = m["ts"] or m["ts2"]
            current = Turn(m["label"], "", seconds(stamp) if stamp else None)
            # The match ran on the first 300 characters; take the rest from the whole line.
            first = line[m.start("rest") :].strip() if m["rest"] is not None else ""
            body = [first] if first else []
            continue
        stripped = line.strip()
        if current is not None:
            if stripped:
                body.append(stripped)
        else:
            body.append(stripped)
    close()
    return [t for t in turns if t.text], labels


def paragraphs(lines: list[str]) -> list[str]:
    """Blocks of non-empty lines separated by blank lines, each joined with ``\\n``."""
    out: list[str] = []
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line.rstrip())
        elif block:
            out.append("\n".join(block))
            block = []
    if block:
        out.append("\n".join(block))
    return out


def assemble(turns: list[Turn]) -> tuple[str, list[Segment]]:
    """The source text (turns separated by a blank line) and one segment per turn."""
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for turn in turns:
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(turn.text)
        segments.append(Segment(pos, pos + len(turn.text), turn.speaker, turn.t_start, turn.t_end))
        pos += len(turn.text)
    return "".join(parts), segments


def looks_like_transcript(turns: list[Turn]) -> bool:
    """Enough labelled turns, and they carry most of the text."""
    spoken = [t for t in turns if t.speaker]
    if len(spoken) < 4:
        return False
    spoken_chars = sum(len(t.text) for t in spoken)
    return spoken_chars >= 0.5 * sum(len(t.text) for t in turns)
