"""Words the anonymisation check never flags: public bodies, national programmes, documents, the domain's
acronyms, the codebook — and what tells a common word from a name.

A candidate is allowed when its text, ignoring case and a genitive ``s``, is one of these words, one of
the project's codebook labels or keywords, or on the project's own list (``coder check --allow WORD``); an
acronym of the field (``OT``, ``SFO``, ``BTI`` …, :data:`ACRONYMS`) only as written in capitals (so the name
«Ask» is not the acronym ``ASK``), also inflected (``OT-en``, ``PPT-ens``); a cut-off programme name
(«Kompetanseløftet for spesialpedagogikk») when it begins a longer allowed one.

:func:`common_word` says whether a word is an ordinary Norwegian word (a noun, verb, adjective or adverb form in
Norsk Ordbank, a function word, or a compound of known words); :data:`NAME_WORDS` lists the names and places that
are also such words («Berg», «Strand», «Liv», «Dag» …). :mod:`coder.anonymise.candidates` combines them with the
word's position: see ``check.DOUBTFUL``.
"""

from __future__ import annotations

import re

DEFAULT_ALLOWED = (
    # the PP service and its partners
    "PPT", "PP-tjenesten", "PP-tjeneste", "PP-tjenestene", "PP-kontoret", "PP-leder", "PP-lederen", "PP-rådgiver",
    "Statped", "Udir", "Utdanningsdirektoratet", "NAV", "BUP", "Bufetat", "Bufdir", "Barnevernet", "Barnevern",
    "Helsestasjonen", "Skolehelsetjenesten", "Statsforvalteren", "Fylkesmannen", "Barneombudet",
    "Kunnskapsdepartementet", "KD", "Arbeids- og velferdsdirektoratet", "Arbeids- og velferdsetaten",
    "Helsedirektoratet", "Helse- og omsorgsdepartementet", "Stortinget",
    "Regjeringen", "KS", "Utdanningsforbundet", "Fagforbundet", "Sametinget", "NOKUT", "OECD", "EU",
    # programmes, laws, documents
    "Kompetanseløftet", "Kompetanseløftet for spesialpedagogikk og inkluderende praksis",
    "Inkluderende barnehage- og skolemiljø",
    "Opplæringsloven", "Opplæringslova", "Barnehageloven", "Barnehagelova", "Forvaltningsloven", "Kunnskapsløftet",
    "LK20", "LK06", "Fagfornyelsen", "IOP", "ITO", "Meld. St.", "NOU", "Stortingsmelding",
    "Oppfølgingstjenesten", "Skolefritidsordningen", "Tidlig innsats", "Inkluderende fellesskap",
    # countries and the like: never identifying on their own
    "Norge", "Noreg", "Sverige", "Danmark", "Finland", "Norden", "Europa", "Vestlandet", "Østlandet", "Sørlandet",
    "Nord-Norge", "Midt-Norge", "Trøndelag", "Island", "Afrika", "Asia", "Amerika", "Polen", "Litauen",
    "Latvia", "Estland", "Tyskland", "England", "Storbritannia", "Frankrike", "Spania", "Italia", "Nederland",
    "Russland", "Ukraina", "Romania", "Bulgaria", "Tyrkia", "Syria", "Irak", "Iran", "Afghanistan", "Pakistan",
    "India", "Kina", "Thailand", "Filippinene", "Vietnam", "Somalia", "Eritrea", "Etiopia", "Sudan", "USA", "Canada",
    # tools and words the pipeline tends to take for names
    "Teams", "Zoom", "Excel", "Word", "Google", "Facebook", "Covid", "Covid-19", "Korona", "Digipost",
)  # fmt: skip

#: The field's acronyms, allowed only as written (in capitals), also inflected: «OT-en», «PPT-ens».
ACRONYMS = frozenset((
    "PPT", "OT", "BUP", "ABUP", "DPS", "SFO", "AKS", "IOP", "ITO", "NAV", "BTI", "TPO", "PALS", "PMTO", "TIBIR", "ART",
    "LP", "ASK", "CI", "ADHD", "ADD", "ASD", "TS", "HMS", "VGS", "VGO", "KOSTRA", "GSI", "NDLA", "UDI", "IMDi",
    "RVTS", "RBUP", "SPS", "TSB", "USHT", "UH", "IKT", "FAU", "SU", "SMU", "KFU", "NKVTS", "KS", "KD",
))  # fmt: skip

#: Whole references that are no identifiers: «Meld. St. 6 (2019–2020)», «NOU 2019: 23», «§ 5-1».
ALLOWED_PATTERNS = re.compile(r"^(?:Meld\.\s*St\.|NOU|Prop\.|St\.\s*meld\.|§+)\s*[\d:().–\- ]*$", re.I)


#: The same references inside running text: an entity inside one («St» of «Meld. St. 6») is no name.
REFERENCES = re.compile(
    r"(?:Meld\.\s*St\.|St\.\s*meld\.|Prop\.\s*\d+\s*[LS]|NOU)\s*(?:nr\.\s*)?\d+(?:\s*[:(][\s\d–-]+\)?)?|§+\s*[\d-]+"
)


#: Names and places that are also ordinary words (most of them forms Norsk Ordbank knows): never taken for a
#: common word because of it. First names, then surnames and places.
NAME_WORDS = frozenset((
    "Dag", "Liv", "Sol", "Gry", "Mai", "Vår", "Eva", "Linda", "Hilde", "Knut", "Ola", "Mette", "Tone", "Rune", "Stein",
    "Bjørn", "Per", "Siv", "Ask", "Lin", "Svein", "Bent", "Storm", "Gro", "Sander", "Ørn", "Ravn", "Ulv", "Juni",
    "Signe", "Arne", "Tove", "Rut", "Lise", "Trine", "Hedda", "Ella", "Nora", "Kåre", "Odd", "Geir", "Sindre", "Lykke",
    "Ben", "Kai", "Bo", "Jo", "Finn", "Hans", "Jens", "Vilde", "Even", "Tor", "Idun", "Eli", "Mari", "Frøya", "Iver",
    "Berg", "Dal", "Strand", "Li", "Vik", "Moen", "Haug", "Haugen", "Hagen", "Bakken", "Bakke", "Brekke", "Lunde",
    "Eide", "Bø", "Tangen", "Lund", "Nes", "Foss", "Sand", "Bråten", "Ås", "Hauge", "Berge", "Lien", "Dalen", "Moe",
    "Mo", "Engen", "Eng", "Skog", "Vold", "Voll", "Fosse", "Viken", "Lia", "Fjell", "Vang", "Torp", "Mørk", "Kvist",
    "Hage", "Sund", "Holt", "Gran", "Furu", "Lind", "Sletten", "Flaten", "Stokke", "Ulven", "Voss", "Ski", "Os", "Ål",
    "Lom", "Sola", "Alta", "Molde", "Bryne", "Lier", "Rana", "Helle", "Heggen", "Bekk", "Horn", "Sæter", "Hammer",
    "Smed", "Fisker", "Møller", "Skar", "Bratt", "Stue", "Egge", "Kleven", "Dahl", "Lie", "Holm", "Myhre", "Kvam",
    "Aas", "Aune", "Næss", "Ness", "Rud", "Sæther", "Stene", "Fjeld", "Krog", "Tveit", "Haga", "Bjerke", "Nygård",
))  # fmt: skip

#: Closed-class words (pronouns, determiners, conjunctions, prepositions, interjections, bokmål and nynorsk) and
#: the nynorsk adverbs and quantifiers Ordbank (bokmål) lacks, that start many turns and sentences; the NER sometimes
#: takes one for a name («Me er tre tilsette …», «Meir ute i skulane.»).
FUNCTION_WORDS = frozenset("""
    jeg eg du han hun ho vi me dere dokker de dei den det dette denne disse man en ein ei et eit noen nokon ingen alle
    seg sin sitt sine min mitt mine din ditt vår vårt våre deres hans hennes ja nei jo joda jada neida nja mm hm hmm
    ehm eh øh æh ok okei altså liksom vel nåvel og men eller så for at om når da fordi hvis viss som i på til med fra
    frå av etter før ved hos mot per under over uten mens både enten hva hvem hvor hvordan hvorfor kva kven kor korleis
    her der nå no også ikke ikkje bare berre litt mye mange sånn slik
    meir mest mykje lite noko nokre kvar kvifor sidan difor likevel endå enno òg heller kanskje elles framleis saman
""".split())  # fmt: skip

#: Fixed phrases that begin with a word which is also a name: «Per i dag er det …» has no person in it.
FIXED_PHRASES = re.compile(
    r"(?:Per|Pr\.)\s+(?:i\s+dag|i\s+år|nå|no|dags\s+dato|d\.\s?d\.|time|måned|elev|år|person)(?!\w)"
    r"|Dag\s+(?:for|etter)\s+dag\b|Mai\s+og\s+juni\b"
)

#: Last parts of compounds that make place names and surnames (Sol|heim, Eike|dal, Kvern|haugen): a compound
#: ending in one of these is not taken for a common word.
PLACE_PARTS = frozenset("""
    heim hjem dal vik haug bakke bakk berg li lie nes øy mo land stad rud by vang fjell sand strand gard gård vold voll
    set seter sæter eng lund holm foss bø tun myr mark skog ås havn hamn våg sund rød torp tveit bu fjord elv stein
    bekk kvern hage lid vik vika åsen bråten jord sletta slette flat hammer bro bru
""".split())  # fmt: skip

#: Parts of speech that are no proper noun: a word the tagger gives one of these is an ordinary word.
COMMON_POS = frozenset({"NOUN", "VERB", "AUX", "ADJ", "ADV", "PRON", "DET", "INTJ", "CCONJ", "SCONJ", "ADP", "PART"})


def normal(word: str) -> str:
    return " ".join(word.casefold().split())


_INFLECTED_ACRONYM = re.compile(r"^(?P<word>[A-ZÆØÅ][A-Za-zÆØÅæøå]*[A-ZÆØÅ])(?:-[a-zæøå]{1,4})?s?$")


def is_allowed(text: str, allowed: set[str]) -> bool:
    """``allowed`` holds :func:`normal` forms."""
    key = normal(text)
    if key in allowed or ALLOWED_PATTERNS.match(text.strip()):
        return True
    for ending in ("s", "'s", "’s", "'"):
        if key.endswith(ending) and key[: -len(ending)] in allowed:
            return True
    match = _INFLECTED_ACRONYM.match(text.strip())
    if match and (text.strip() in ACRONYMS or match["word"] in ACRONYMS):
        return True
    # a programme's long name cut short by the NER: «Kompetanseløftet for spesialpedagogikk»
    return " " in key and any(word.startswith(key + " ") for word in allowed)


def ordbank_knows(low: str) -> bool:
    from coder.nlp.ordbank import forms

    return any(low in table for table in forms().values())


def _known_compound(low: str) -> bool:
    """``low`` splits into known words and does not end in a part that makes place names."""
    from coder.nlp.compounds import default_splitter

    parts = default_splitter().split(low)
    return len(parts) > 1 and parts[-1] not in PLACE_PARTS


def common_word(word: str, pos: str = "") -> bool:
    """Is ``word`` (one token) an ordinary Norwegian word rather than a name? Its lower-case form is a function
    word, a noun, verb, adjective or adverb form in Norsk Ordbank, or a compound of known words whose last part
    is not one that makes place names; or the tagger gave it a part of speech that is no proper noun (``pos``).
    :data:`NAME_WORDS` are never common words. Ordbank and the compound lexicon are loaded on first use (~1 s)."""
    if word in NAME_WORDS or (word.endswith("s") and len(word) > 3 and word[:-1] in NAME_WORDS):
        return False
    low = word.casefold()
    if low in FUNCTION_WORDS or pos in COMMON_POS:
        return True
    if not low.isalpha():
        return False
    return ordbank_knows(low) or (len(low) >= 8 and _known_compound(low))
