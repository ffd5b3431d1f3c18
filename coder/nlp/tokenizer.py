"""Norwegian tokenizer rules for the PPT / school / kindergarten domain.

`customize_tokenizer(nlp)` changes `nlp.tokenizer` in place, only with spaCy's own serialisable means, so a
pipeline saved after it (`nlp.to_disk`) keeps the behaviour when loaded back with plain `spacy.load`:

- special cases (`Tokenizer.rules`) for domain abbreviations (`kap.`, `eks.`, `iflg.`, `mtp.`, `spes.ped.` …) and
  for law references: `§ 11-6`, `§§ 5-1`, `§ 9A-4`, `§ 17` become ONE token (a special case may contain a
  space; the tokenizer's phrase matcher merges the pieces). Only chapters 1–35 (and 2A, 4A, 5A, 9A, 13A, 14A),
  sections 1–25 and bare paragraphs 1–99 are listed (about 5,500 rules, 0.5 s to add or to load) — that covers
  opplæringslova (old and new), barnehageloven, forvaltningsloven and friends. A sentence-final `§ 5-1.` becomes
  `§ 5-1` + `.`;
- `token_match` keeps `§§` and the unspaced `§11-6` whole (the `§§ 5-1` special case needs `§§` to be one token);
- one suffix rule splits a period after three or more digits (`i 2024.` → `2024` `.`, `12.03.2024.` →
  `12.03.2024` `.`), while ordinals (`5.`, `10. trinn`, `1.-4.`, `8.-10.`, `1.–4.`) and dates like `31.12.` stay.

What the Norwegian defaults already get right and we keep (tests guard it): hyphenated compounds
(`PP-lederen`, `PPT-leder`, `skole-hjem-samarbeid`), all-caps acronyms (`ITO`, sentence-final `PPT.` → `PPT` `.`),
`f.eks.`, `bl.a.`, `o.l.`, `dvs.`, `ca.`, `jf.`, `mht.`, `pga.`, `kl. 14.00`, `12.03.2024`, `+47 912 34 567`.
The tokenizer never changes `doc.text`: every token's offsets point into the original string.

Known limits: a non-breaking space in `§\u00a011-6` is not joined; `f. eks.` (with a space) is two tokens
`f.` `eks.` (both abbreviations, so no sentence break); a sentence ending in a small number (`Det var 5.`) keeps
`5.` as an ordinal token.
"""

from __future__ import annotations

import re

from spacy.attrs import ORTH
from spacy.language import Language

#: Marker in the token_match / suffix patterns that says this tokenizer has been customised already.
_MARK = "(?#coder-domain)"

#: Abbreviations the Norwegian defaults lack; each is also added capitalised (sentence-initial use).
DOMAIN_ABBREVIATIONS = (
    "adm.",
    "ang.",
    "ass.",
    "avd.",
    "bhg.",
    "bl.",
    "d.v.s.",
    "div.",
    "eks.",
    "fig.",
    "forts.",
    "ifht.",
    "iflg.",
    "ift.",
    "i.f.t.",
    "jfr.",
    "kap.",
    "m.a.",
    "m.h.t.",
    "m.t.p.",
    "meld.",
    "mob.",
    "mtp.",
    "o.s.v.",
    "ped.",
    "pers.",
    "prop.",
    "psyk.",
    "sakk.",
    "sept.",
    "spes.",
    "spes.ped.",
    "spesped.",
    "t.d.",
    "tab.",
    "vedl.",
    "årsv.",
)

_LETTER_CHAPTERS = ("2A", "4A", "5A", "9A", "13A", "14A")
_CHAPTERS = tuple(str(n) for n in range(1, 36)) + _LETTER_CHAPTERS
_SECTIONS = range(1, 26)
_BARE_PARAGRAPHS = range(1, 100)

# `§§` on its own and an unspaced reference like `§11-6` or `§9A-4` stay one token.
_TOKEN_MATCH = _MARK + r"(?:§§|§{1,2}\d{1,3}[A-Z]?(?:-\d{1,3}[a-z]?)?)\Z"
# A period after three or more digits ends a sentence (years, full dates), unlike an ordinal `5.` or `31.12.`.
_SUFFIX = _MARK + r"(?<=[0-9]{3})\.$"


def _law_references() -> list[str]:
    refs: list[str] = []
    for sign in ("§", "§§"):
        for chapter in _CHAPTERS:
            for section in _SECTIONS:
                refs.append(f"{sign} {chapter}-{section}")
                if not chapter.isdigit():  # `§ 9 A-4`, the spelling with a space before the letter
                    refs.append(f"{sign} {chapter[:-1]} {chapter[-1]}-{section}")
        refs.extend(f"{sign} {n}" for n in _BARE_PARAGRAPHS)
    return refs


def _pattern(method) -> str | None:
    """The regex behind a tokenizer callback such as `re.compile(...).match` (what spaCy serialises)."""
    return getattr(getattr(method, "__self__", None), "pattern", None)


def _compose(old, extra: str) -> str:
    """A pattern that matches `extra` or whatever the compiled pattern behind `old` matched."""
    old_pattern = _pattern(old)
    return extra if not old_pattern else f"{extra}|{old_pattern}"


def customize_tokenizer(nlp: Language) -> Language:
    """Adapt `nlp.tokenizer` to the PPT/school domain in place and return `nlp`. Idempotent.

    Works on any Norwegian pipeline (`spacy.blank("nb")`, the bundled one, an installed `nb_core_news_*`).
    """
    tokenizer = nlp.tokenizer
    # token_match first: the phrase patterns of the special cases below are tokenized with it.
    if _MARK not in (_pattern(tokenizer.token_match) or ""):
        tokenizer.token_match = re.compile(_compose(tokenizer.token_match, _TOKEN_MATCH)).match
    if _MARK not in (_pattern(tokenizer.suffix_search) or ""):
        tokenizer.suffix_search = re.compile(_compose(tokenizer.suffix_search, _SUFFIX)).search

    rules = tokenizer.rules
    for abbreviation in DOMAIN_ABBREVIATIONS:
        for form in {abbreviation, abbreviation[0].upper() + abbreviation[1:]}:
            if form not in rules:
                tokenizer.add_special_case(form, [{ORTH: form}])
    for ref in _law_references():
        for text, pieces in ((ref, [{ORTH: ref}]), (ref + ".", [{ORTH: ref}, {ORTH: "."}])):
            if text not in rules:
                tokenizer.add_special_case(text, pieces)
    return nlp
