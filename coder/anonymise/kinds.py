"""Which kind an entity is — person, place, organisation — where the NER's label is often wrong.

The NER, trained on Norwegian news, types names of other origins as organisations («Fatima Ali», «Nguyen Van
Minh») and lone places as persons («Hammerfest»). The kind decides what the researcher does (the group-of-5 rule
is about people; a place is indirect identification), so :func:`kind_of` corrects the label from the words
themselves, in this order:

1. the last word says it: «… kommune», «… fylkeskommune» → GPE; «… skole», «… barnehage», «… sykehus» → ORG;
2. the text is a Norwegian place (:func:`coder.anonymise.gazetteer.is_place`) → GPE — unless the NER said PER and
   it is a surname too («Lund», «Strand»);
3. several capitalised words (or name particles: van, bin, al …) of which one is a given name and the first is a
   given name or a surname → PER («Fatima Ali», «Nguyen Van Minh», «Julie Ek Holst-Jæger»);
4. several words with a compass word (Nordre, Øst …) or a place among them, the NER saying PER → GPE
   («Lyngdal Øst», «FM Agder»);
5. one word: followed by initials as in a reference list («Lotsberg, D. Ø.») → PER; a given name the NER did not
   call a person → PER; a word the NER called a person standing after a preposition of place («i», «på», «til» …)
   that is a place or is built like one (ends in -vik, -dal, -stad, -øy …) and is no given name → GPE.

Otherwise the NER's kind stands.
"""

from __future__ import annotations

import re

from coder.anonymise import gazetteer

#: Last words that make a place (a political unit) of what comes before.
GPE_WORDS = frozenset("kommune kommunes fylke fylkes fylkeskommune fylkeskommunes bydel herad".split())
#: Last words (or their endings: «ungdomsskole») that make an organisation.
INSTITUTIONS = (
    "skole", "skule", "skolen", "skulen", "barnehage", "barnehagen", "oppvekstsenter", "sykehus", "sjukehus",
    "sykehjem", "sjukeheim", "helsesenter", "helsestasjon", "legekontor", "legesenter", "kirke", "kyrkje",
    "universitet", "høgskole", "høyskole", "høgskule", "bibliotek", "senter", "klinikk", "gymnas", "vgs",
    "idrettslag", "menighet", "kontor",
)  # fmt: skip
#: Last words, as written, of a company's or a club's name.
ORG_SUFFIXES = frozenset("AS ASA SA IL FK BK SK".split())
COMPASS = frozenset("Nord Sør Øst Vest Nordre Søndre Østre Vestre Øvre Nedre Indre Ytre Midtre".split())
PARTICLES = frozenset("van von de der den da di du la le al el bin ibn ul ben abu".split())
_CITATION = re.compile(r"^,\s*(?:[A-ZÆØÅ]\.\s*-?){1,3}")
_LOCATIVE = re.compile(
    r"(?:^|[\s(])(?:i|på|til|fra|ved|mellom|utenfor|nær|rundt|mot|kommuner|kommunene)[,:]?\s+$", re.I
)


def kind_of(text: str, ner_kind: str, before: str = "", after: str = "") -> str:
    """The kind of the entity ``text`` the NER labelled ``ner_kind`` (PER, LOC, GPE or ORG); ``before`` and
    ``after``: some text either side of it on its line (module docstring)."""
    words = text.split()
    if not words:
        return ner_kind
    last = words[-1].casefold()
    if len(words) > 1 and last in GPE_WORDS:
        return "GPE"
    if len(words) > 1 and (words[-1][0].islower() and last.endswith(INSTITUTIONS) or words[-1] in ORG_SUFFIXES):
        return "ORG"
    if gazetteer.is_place(text):
        return "PER" if ner_kind == "PER" and len(words) == 1 and gazetteer.is_surname(text) else "GPE"
    if len(words) > 1:
        if _a_person(words):
            return "PER"
        if ner_kind == "PER" and (COMPASS & {words[0], words[-1]} or any(gazetteer.is_place(w) for w in words)):
            return "GPE"
        return ner_kind
    if _CITATION.match(after):
        return "PER"
    if ner_kind != "PER" and gazetteer.is_given_name(text):
        return "PER"
    if (
        ner_kind == "PER"
        and not gazetteer.is_given_name(text)
        and _LOCATIVE.search(before)
        and gazetteer.place_like(text)
    ):
        return "GPE"
    return ner_kind


def _a_person(words: list[str]) -> bool:
    names = [w for w in words if w not in PARTICLES]
    if len(names) < 2 or not all(w[0].isupper() for w in names):
        return False
    given = [gazetteer.is_given_name(w) for w in names]
    return any(given) and (given[0] or gazetteer.is_surname(names[0]))
