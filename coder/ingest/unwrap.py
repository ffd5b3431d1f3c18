"""Hard-wrapped text (extracted from PDF or slides) back into paragraphs.

Text a PDF gave up has a line break at the end of every printed line, sometimes a blank line inside a sentence,
and words hyphenated at the margin. Imported as it is, a strategy document becomes a «paragraph» per printed
line with its sentences cut in two. :func:`looks_wrapped` tells such text from text whose lines are its
paragraphs (most lines end without sentence punctuation, and many are about as long as the longest);
:func:`unwrap` joins the lines of each paragraph and keeps what is not running text apart: list items (•, -, –,
*, «1.», «a)»), numbered headings («3.2 Kapasitet»), short lines without final punctuation before a blank line
(headings). A blank line ends a paragraph unless the line before it ends mid-sentence and the next begins in
lower case. A word hyphenated at the margin is joined when both halves are lower case («henvis-» «ning»), keeps
its hyphen when the first half is not («PP-» «tjenesten»), and keeps hyphen and space before «og»/«eller»
(«barnehage- og skoleåret»). The joined text is what the project keeps (offsets refer to it).
"""

from __future__ import annotations

import re

_END = re.compile(r"[.!?:;»\")]\s*$")
_ITEM = re.compile(r"^\s*(?:[•●▪◦‣\-–—*·]\s+|\d{1,2}[.)]\s+|[a-zæøå][.)]\s+)")
_HEADING_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÆØÅ]")
_SUSPENDED = {"og", "eller", "samt", "til", "enn"}  # «barnehage- og skoleåret»
MIN_LINES = 8


def _width(lines: list[str]) -> int:
    lengths = sorted(len(line) for line in lines)
    return lengths[int(0.9 * (len(lengths) - 1))]


def looks_wrapped(lines: list[str]) -> bool:
    """Whether the non-blank ``lines`` are printed lines rather than paragraphs."""
    text = [line.strip() for line in lines if line.strip()]
    if len(text) < MIN_LINES:
        return False
    open_ended = sum(1 for line in text if not _END.search(line))
    width = _width(text)
    near = sum(1 for line in text if len(line) >= 0.7 * width)
    return open_ended >= 0.5 * len(text) and near >= 0.4 * len(text) and width <= 140


def _is_heading(line: str, width: int) -> bool:
    return bool(_HEADING_NUMBER.match(line)) and len(line) < 0.8 * width and not _END.search(line)


def _join(left: str, right: str) -> str:
    """``left`` and the next printed line ``right`` as one text."""
    match = re.search(r"(\w+)-$", left)
    if match and right[:1].isalpha():
        first = right.split()[0].strip(",.;:")
        if first.casefold() in _SUSPENDED:
            return f"{left} {right}"
        if match[1].islower() and right[0].islower():
            return left[:-1] + right  # «henvis-» «ning»
        return left + right  # «PP-» «tjenesten»
    return f"{left} {right}"


def unwrap(lines: list[str]) -> list[str]:
    """The paragraphs of hard-wrapped ``lines``, each on one line (see the module docstring)."""
    text = [line.strip() for line in lines]
    width = _width([line for line in text if line]) if any(text) else 0
    out: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current:
            out.append(current)
        current = ""

    for i, line in enumerate(text):
        if not line:
            nxt = next((t for t in text[i + 1 :] if t), "")
            mid_sentence = current and not _END.search(current) and not _is_heading(current, width)
            if mid_sentence and nxt[:1].islower() and not _ITEM.match(nxt):
                continue  # a blank line the extraction put inside a sentence
            flush()
            continue
        if _ITEM.match(line) or _is_heading(line, width):
            flush()
            current = line
            continue
        prev = text[i - 1] if i else ""
        if current and prev and line[0].isupper() and not (prev.isupper() and line.isupper()):
            if _END.search(prev) and len(prev) < 0.6 * width:
                flush()  # a sentence ended well before the margin: the paragraph ended there
            elif not _END.search(prev) and len(prev) < 0.7 * width and not _ITEM.match(current):
                flush()  # a short line without punctuation: a title or a heading
        current = _join(current, line) if current else line
    flush()
    return out
