"""Lists that tell a name from a word, and a place from a person, where the NER alone cannot: the anonymisation
check's gazetteer. Package data in ``coder/anonymise/data`` (written for coder, public facts):

- ``places.txt`` — Norway's municipalities (2024) and counties (2024 and before), towns that are no
  municipality, city districts and regions;
- ``given_names.txt`` and ``surnames.txt`` — given names and surnames frequent in Norway, of many origins
  (Norwegian and Sami, Somali, Arabic, Kurdish, Persian, Urdu, Tigrinya, Polish, Lithuanian, Ukrainian,
  Vietnamese, Thai, Filipino, Tamil …): the NER, trained on Norwegian news, types «Fatima Ali» as an
  organisation and misses «Tesfay Gebremedhin»;
- ``terms.txt`` — products, systems and general acronyms that identify no one (Vigilo, Visma Flyt, ISBN …).

Why lists rather than retraining: they work offline, are cheap, and a user can read why a word was typed so.
A place is indirect identification; the group-of-5 rule of Norwegian research ethics is about people — so the
type matters as much as the finding.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _read(name: str, per_line: bool) -> frozenset[str]:
    out: set[str] = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.update([line] if per_line else line.split())
    return frozenset(out)


@functools.cache
def places() -> frozenset[str]:
    return _read("places.txt", per_line=True)


@functools.cache
def given_names() -> frozenset[str]:
    return _read("given_names.txt", per_line=False)


@functools.cache
def surnames() -> frozenset[str]:
    return _read("surnames.txt", per_line=False)


@functools.cache
def terms() -> frozenset[str]:
    return _read("terms.txt", per_line=True)


def _base(word: str) -> str:
    """A genitive's base: «Hammerfests» → «Hammerfest», «Alis» → «Ali», «Moss'» → «Moss»."""
    if word.endswith(("'", "’")):
        return word[:-1]
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def is_place(text: str) -> bool:
    """A Norwegian place as written (also in the genitive)."""
    text = " ".join(text.split())
    return text in places() or _base(text) in places()


def is_given_name(word: str) -> bool:
    return word in given_names() or _base(word) in given_names()


def is_surname(word: str) -> bool:
    return word in surnames() or _base(word) in surnames()


def is_person_name(word: str) -> bool:
    """A given name or a surname on the lists; a hyphenated one when each part is («Aas-Lunde», «Kari-Anne»)."""
    if is_given_name(word) or is_surname(word):
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(p and (is_given_name(p) or is_surname(p) or is_place(p)) for p in parts)


def is_known_name(word: str) -> bool:
    """Any name on the lists: a person's or a place's."""
    return is_person_name(word) or is_place(word)


def place_like(word: str) -> bool:
    """A place on the list, or a word built like a Norwegian place name: it ends in a part that makes them
    (-vik, -dal, -stad, -øy, -nes …, :data:`coder.anonymise.allow.PLACE_PARTS`) after at least three letters."""
    from coder.anonymise.allow import PLACE_PARTS

    low = word.casefold()
    return is_place(word) or any(low.endswith(part) and len(low) >= len(part) + 3 for part in PLACE_PARTS)


def has_place_part(word: str) -> bool:
    """Does ``word`` begin with a place on the list, as the first part of a compound («Bærumsbarnehagen»,
    «Nordlandsforskning», «Osloskolen»)? Places of under four letters and short places that are ordinary words
    («Time», «Lund») do not count."""
    low = word.casefold()
    return any(low[:n] in _compound_heads() and len(low) > n + 2 for n in range(4, min(len(low) - 2, 20)))


@functools.cache
def _compound_heads() -> frozenset[str]:
    from coder.anonymise.allow import ordbank_knows

    heads = set()
    for place in places():
        low = place.casefold()
        if " " not in low and len(low) >= 4 and (len(low) >= 7 or not ordbank_knows(low)):
            heads.update({low, low + "s"})
    return frozenset(heads)


def is_term(text: str) -> bool:
    """A product, system or general acronym that identifies no one, as written (also in the genitive)."""
    text = " ".join(text.split())
    return text in terms() or _base(text) in terms()


# -- finding what the NER missed ------------------------------------------------------------------------------
_CAPITALISED = re.compile(r"(?<![\w@.-])[A-ZÆØÅÁ][\w’'-]*(?![\w@])")
_NAME_AFTER = re.compile(r"[ \t]+((?:(?:van|von|de|der|al|el|bin|ibn|ul|da|di)[ \t]+)?[A-ZÆØÅÁ][\w’-]*)(?![\w@])")
_UNIT_AFTER = re.compile(r"[ \t]+(?:kommune|fylkeskommune|fylke|bydel)(?!\w)")


def find(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of the persons and places in ``text`` the lists know: a given name with the
    capitalised names after it (``PER``), a place with «kommune» or «fylkeskommune» after it (``GPE_LOC``). A lone
    word that is also an ordinary word («Time», «Mai», «Liv») is left to the NER. The check treats these like the
    NER's entities (trimmed, judged, typed) and gives the NER's own the precedence."""
    from coder.anonymise.allow import FUNCTION_WORDS, common_word, ordbank_knows

    def word_like(word: str) -> bool:  # also a name that is a word: «Liv», «Time»
        return word.casefold() in FUNCTION_WORDS or ordbank_knows(word.casefold()) or common_word(word)

    out: list[tuple[int, int, str]] = []
    for m in _CAPITALISED.finditer(text):
        if out and m.start() < out[-1][1]:
            continue
        word, end = m.group(), m.end()
        if is_given_name(word) and len(word) > 2:
            names = 0
            while names < 3 and (after := _NAME_AFTER.match(text, end)):
                nxt = after.group(1).split()[-1]
                if not (is_person_name(nxt) or not word_like(nxt)) or is_place(nxt):
                    break
                end, names = after.end(), names + 1
            if names or not word_like(word):
                out.append((m.start(), end, "PER"))
        elif is_place(word) and not word_like(word):
            unit = _UNIT_AFTER.match(text, end)
            out.append((m.start(), unit.end() if unit else end, "GPE_LOC"))
    for m in _multi_word_places().finditer(text):
        if not any(m.start() < e and s < m.end() for s, e, _ in out):
            out.append((m.start(), m.end(), "GPE_LOC"))
    return sorted(out)


@functools.cache
def _multi_word_places() -> re.Pattern:
    """The places of several words («Møre og Romsdal», «Mo i Rana»), longest first, with «kommune» and the like."""
    names = sorted((p for p in places() if " " in p), key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, names))})(?:{_UNIT_AFTER.pattern})?(?![\w-])")
