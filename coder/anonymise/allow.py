"""Words the anonymisation check never flags: public bodies, national programmes, documents, the codebook.

A candidate is allowed when its text, ignoring case and a genitive ``s``, is one of these words, one of
the project's codebook labels or keywords, or on the project's own list (``coder check --allow WORD``).
"""

from __future__ import annotations

import re

DEFAULT_ALLOWED = (
    # the PP service and its partners
    "PPT", "PP-tjenesten", "PP-tjeneste", "PP-tjenestene", "PP-kontoret", "PP-leder", "PP-lederen", "PP-rådgiver",
    "Statped", "Udir", "Utdanningsdirektoratet", "NAV", "BUP", "Bufetat", "Bufdir", "Barnevernet", "Barnevern",
    "Helsestasjonen", "Skolehelsetjenesten", "Statsforvalteren", "Fylkesmannen", "Barneombudet",
    "Kunnskapsdepartementet", "KD", "Helsedirektoratet", "Helse- og omsorgsdepartementet", "Stortinget",
    "Regjeringen", "KS", "Utdanningsforbundet", "Fagforbundet", "Sametinget", "NOKUT", "OECD", "EU",
    # programmes, laws, documents
    "Kompetanseløftet", "Kompetanseløftet for spesialpedagogikk og inkluderende praksis",
    "Inkluderende barnehage- og skolemiljø",
    "Opplæringsloven", "Opplæringslova", "Barnehageloven", "Barnehagelova", "Forvaltningsloven", "Kunnskapsløftet",
    "LK20", "LK06", "Fagfornyelsen", "IOP", "ITO", "Meld. St.", "NOU", "Stortingsmelding",
    # countries and the like: never identifying on their own
    "Norge", "Noreg", "Sverige", "Danmark", "Finland", "Norden", "Europa", "Vestlandet", "Østlandet", "Sørlandet",
    "Nord-Norge", "Midt-Norge", "Trøndelag",
    # tools and words the pipeline tends to take for names
    "Teams", "Zoom", "Excel", "Word", "Google", "Facebook", "Covid", "Covid-19", "Korona", "Digipost",
)  # fmt: skip

#: Whole references that are no identifiers: «Meld. St. 6 (2019–2020)», «NOU 2019: 23», «§ 5-1».
ALLOWED_PATTERNS = re.compile(r"^(?:Meld\.\s*St\.|NOU|Prop\.|St\.\s*meld\.|§+)\s*[\d:().–\- ]*$", re.I)


#: The same references inside running text: an entity inside one («St» of «Meld. St. 6») is no name.
REFERENCES = re.compile(
    r"(?:Meld\.\s*St\.|St\.\s*meld\.|Prop\.\s*\d+\s*[LS]|NOU)\s*(?:nr\.\s*)?\d+(?:\s*[:(][\s\d–-]+\)?)?|§+\s*[\d-]+"
)


def normal(word: str) -> str:
    return " ".join(word.casefold().split())


def is_allowed(text: str, allowed: set[str]) -> bool:
    """``allowed`` holds :func:`normal` forms."""
    key = normal(text)
    if key in allowed or ALLOWED_PATTERNS.match(text.strip()):
        return True
    for ending in ("s", "'s", "’s", "'"):
        if key.endswith(ending) and key[: -len(ending)] in allowed:
            return True
    return False
