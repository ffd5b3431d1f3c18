"""Where an entity of the NER really begins and ends, before the anonymisation check judges it.

The NER's spans go wrong in a few regular ways on real text, above all text extracted from PDF or slides:

- one span runs over a line break, a comma or an ampersand and holds two things («Kristiansand⏎Vest-Agder»,
  «Asker, Bærum», «K. & Lotsberg»): :func:`pieces` cuts it there;
- a span stops inside a word («Elevene» of «Elevenes», «Jæger» of «Holst-Jæger»): :func:`whole_words` widens it
  to whole words, over a hyphen only between capitalised parts (a double surname, not «Bergen-området»);
- a full name loses its first name when a middle name or double surname follows («Ek Holst-Jæger» of «Julie Ek
  Holst-Jæger»): :func:`with_names_beside` takes in given names on the left and surnames on the right
  (:mod:`coder.anonymise.gazetteer`) standing one space apart on the same line;
- a span takes in a verb or adverb after a name («Utdanningsdirektoratet utformet»): :func:`without_tail` cuts
  lower-case words the tagger calls anything but a noun or adjective off its end.
"""

from __future__ import annotations

import re

from coder.anonymise import gazetteer

_PIECE = re.compile(r"[^\n,;&/•|]+")
_WORD_BEFORE = re.compile(r"(?<![\w-])([^\W\d_][\w'’-]*)[ \t]$")
_WORD_AFTER = re.compile(r"^[ \t]([^\W\d_][\w'’-]*)(?![\w-])")
#: Parts of speech a name never ends in: a lower-case word tagged so after a name is the sentence going on.
_NOT_IN_A_NAME = frozenset({"VERB", "AUX", "ADV", "ADP", "PRON", "SCONJ", "CCONJ", "DET", "PART", "INTJ"})
MAX_EXTRA = 3  # names taken in on either side, at most


def pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at line breaks, commas, semicolons, «&», «/», bullets and «|»."""
    return [(start + m.start(), start + m.end()) for m in _PIECE.finditer(text[start:end])]


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words: over letters and digits, and over a hyphen between two capitalised
    parts («Holst-Jæger»)."""
    while start > 0 and (text[start - 1].isalnum() or _capital_hyphen(text, start - 1)):
        start -= 1
    while end < len(text) and (text[end].isalnum() or _capital_hyphen(text, end)):
        end += 1
    return start, end


def _capital_hyphen(text: str, i: int) -> bool:
    """Is ``text[i]`` a hyphen joining a word to a capitalised word («Holst-Jæger», «Aas-Lunde»)?"""
    return (
        text[i] == "-"
        and 0 < i < len(text) - 1
        and text[i - 1].isalpha()
        and text[i + 1].isupper()
        and (i < 2 or not text[i - 1].isupper() or not text[i - 2].isupper())  # not «PP-Leder»: an acronym
    )


def with_names_beside(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in capitalised given names just left of the span and surnames just right of it (one space apart, on
    the same line, up to :data:`MAX_EXTRA` on each side)."""
    for _ in range(MAX_EXTRA):
        m = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if not m or not m.group(1)[0].isupper() or not gazetteer.is_given_name(m.group(1)):
            break
        start = m.start(1)
    for _ in range(MAX_EXTRA):
        m = _WORD_AFTER.match(text[end : end + 40])
        if not m or not m.group(1)[0].isupper() or not gazetteer.is_person_name(m.group(1)):
            break
        end += m.end(1)
    return start, end


def without_tail(text: str, start: int, end: int, pos_at) -> int:
    """Where a span of several words ends once lower-case words that are no part of a name are cut off its end
    (``pos_at(offset)``: the tagger's part of speech of the word starting there, "" when unknown)."""
    while True:
        space = max(text.rfind(" ", start, end), text.rfind("\t", start, end))
        if space <= start:
            return end
        word = text[space + 1 : end]
        if not word[:1].islower() or pos_at(space + 1) not in _NOT_IN_A_NAME:
            return end
        end = space
        while end > start and text[end - 1] in " \t":
            end -= 1
