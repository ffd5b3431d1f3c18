"""The rule layer: a codebook's keywords found in a segment by base form, inside compounds and by spelling variant.

It works from the first minute, before anything is coded. It reads a segment's cached annotation (tokens with
lemmas, see :mod:`coder.nlp.annotate`), and needs no pipeline run of its own:

- a keyword of one word matches a token whose lemma, or surface form, is one of the keyword's base forms
  (``henvisningene`` → henvisning), found with a dictionary lookup per distinct word;
- a keyword of several words (``ikke vår oppgave``, ``spesialpedagogikk og inkluderende praksis``) is a spaCy
  ``Matcher`` pattern over ``LEMMA``, one token pattern per word with the word's possible base forms;
- inside a compound: the compound splitter's parts and runs of parts (``tidspress`` → tid, press;
  ``kompetanseløftsatsingen`` → kompetanseløft);
- a spelling variant: the same word without hyphens (``kompetanse-løftet``) or within a small edit distance
  (rapidfuzz; ``kappasitet``), and long phrases written a little differently (``Kompetanseløftet for
  spesialpedagogikk og inkl. praksis``).

Each code's score is a noisy-or over its distinct matched terms, so two different keywords count more than one
keyword said twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from coder.model import Code
from coder.suggest.evidence import CodeScore, Match, MatchKind

STRENGTH: dict[MatchKind, float] = {
    "lemma": 1.0,
    "phrase": 1.0,
    "compound": 0.8,
    "fuzzy": 0.7,
    "modifier": 0.8,
    "derived": 0.7,
    "description": 0.3,
}
DESCRIPTION_CAP = 0.2  # the most words of a code's description can add to its rule score
PER_TERM = 0.6  # how much one matched term (at full strength) says: 1 term → 0.6, 2 → 0.84, 3 → 0.94
FUZZY_MIN_LEN = 7  # shorter words are too easily confused with each other («presse» / «press»)
FUZZY_CUTOFF = 88.0  # rapidfuzz ratio (0-100)
ENDINGS = ("ene", "ane", "en", "et", "er", "a", "e")  # inflection endings cut before a fuzzy comparison
PHRASE_FUZZY_WORDS = 4  # a phrase keyword of at least this many words is also matched fuzzily on the text
PHRASE_FUZZY_CUTOFF = 85.0

#: Words of a description too common to say which code it is about.
STOP = frozenset(
    "andre annen arbeid arbeide bruke barnet elevens eller gjøre hvordan ikke mellom skole skoler skolen "
    "tjenesten tjenester under etter framfor fra hva også".split()
)

_WORD = re.compile(r"\w+(?:[-‐]\w+)*")


@dataclass(frozen=True)
class Keyword:
    code_id: str
    text: str  # as written in the codebook


class RuleLayer:
    """The codebook's keywords, compiled once; :meth:`score` scores one segment.

    ``splitter``: a :class:`coder.nlp.compounds.CompoundSplitter` (its lexicon gives keywords their base forms and
    compounds their parts); None works on lemmas and surface forms alone.
    """

    def __init__(self, codes: Iterable[Code], splitter=None, describe: bool = True) -> None:
        self.codes = [c for c in codes]
        self.splitter = splitter
        self.vocab = Vocab()
        self.matcher = Matcher(self.vocab)
        self._single: dict[str, list[Keyword]] = {}  # base form → keywords
        self._fuzzy_keys: dict[str, list[Keyword]] = {}  # lowercase keyword without hyphens → keywords
        self._phrases: dict[str, Keyword] = {}  # matcher rule name → keyword
        self._long_phrases: list[tuple[str, Keyword]] = []
        self._token_terms: dict[tuple[str, str], tuple[tuple[str, MatchKind], ...]] = {}
        self._fuzzy_memo: dict[str, tuple[tuple[str, float], ...]] = {}
        self._known_memo: dict[str, bool] = {}
        self._families: dict[str, str] = {}
        self._stems: dict[str, list[Keyword]] = {}  # derivational stem → keywords («inkluder» ← inkludering)
        for code in self.codes:
            for text in dict.fromkeys(k.strip() for k in code.keywords if k.strip()):
                self._add(Keyword(code.id, text))
        self._fuzzy_list = list(self._fuzzy_keys)
        self._described: dict[str, list[Keyword]] = {}  # base form of a rare description word → codes
        if describe:
            self._add_descriptions()

    # -- compiling the codebook --------------------------------------------------------------------------
    def base_forms(self, word: str) -> list[str]:
        """A keyword word's possible base forms: itself (lowercase) and what the Ordbank lexicon says it inflects."""
        lower = word.lower()
        forms = [lower]
        if self.splitter is not None:
            for lemma in self.splitter.lexicon.lemma_candidates(lower)[:3]:
                if lemma not in forms:
                    forms.append(lemma)
        return forms

    def _add(self, keyword: Keyword) -> None:
        words = _WORD.findall(keyword.text)
        if not words:
            return
        if len(words) == 1:
            for form in self.base_forms(words[0]):
                self._single.setdefault(form, []).append(keyword)
            self._fuzzy_keys.setdefault(_flat(words[0]), []).append(keyword)
            for form in self.base_forms(words[0]):
                stem = derivation_stem(form)
                if stem:
                    self._stems.setdefault(stem, []).append(keyword)
            return
        name = f"{keyword.code_id}\x1f{keyword.text}"
        self._phrases[name] = keyword
        pattern = [{"LEMMA": {"IN": self.base_forms(w)}} for w in words]
        self.matcher.add(name, [pattern])
        if len(words) >= PHRASE_FUZZY_WORDS:
            self._long_phrases.append((" ".join(w.lower() for w in words), keyword))

    def _add_descriptions(self) -> None:
        """The words of each code's label and description that belong to few codes, as weak evidence.
        A word that is also a keyword is already stronger evidence; a word of three or more codes says little."""
        words_of: dict[str, set[str]] = {}
        for code in self.codes:
            for word in _WORD.findall(f"{code.label} {code.description}"):
                lower = word.lower()
                if len(lower) < 5 or lower in STOP:
                    continue
                forms = self.base_forms(word)[:2]
                for form in forms:
                    words_of.setdefault(form, set()).add(code.id)
        for form, code_ids in words_of.items():
            if len(code_ids) > 2 or form in self._single:
                continue
            self._described[form] = [Keyword(c, form) for c in sorted(code_ids)]

    # -- one segment --------------------------------------------------------------------------------------
    def matches(self, text: str, annotation: dict | None = None) -> dict[str, list[Match]]:
        """Every match in ``text`` by code id. ``annotation``: the segment's cached annotation (None: the words
        of the text with the lexicon's base forms)."""
        tokens = _tokens(text, annotation, self.splitter)
        found: dict[str, list[Match]] = {}

        def add(code_id: str, start: int, end: int, term: str, kind: MatchKind, strength: float | None = None) -> None:
            found.setdefault(code_id, []).append(
                Match(start, end, term, kind, STRENGTH[kind] if strength is None else strength)
            )

        for start, end, lemma in tokens:
            surface = text[start:end]
            hit = False
            for term, kind in self._terms(surface, lemma):
                for kw in self._single.get(term, ()):
                    add(kw.code_id, start, end, kw.text, kind)
                    hit = True
            if not hit and self._stems:
                for term, _kind in self._terms(surface, lemma):
                    stem = derivation_stem(term)
                    for kw in self._stems.get(stem, ()) if stem else ():
                        add(kw.code_id, start, end, kw.text, "derived")
                        hit = True
            if not hit and self._described:
                for term, _kind in self._terms(surface, lemma):
                    for kw in self._described.get(term, ()):
                        add(kw.code_id, start, end, kw.text, "description")
                        hit = True
            if not hit and len(surface) >= FUZZY_MIN_LEN and not self._known(surface):
                for key, score in self._fuzzy(surface):
                    for kw in self._fuzzy_keys[key]:
                        add(kw.code_id, start, end, kw.text, "fuzzy", STRENGTH["fuzzy"] * score)
        if self._phrases and tokens:
            doc = Doc(
                self.vocab,
                words=[text[s:e] for s, e, _ in tokens],
                spaces=[False] * len(tokens),
                lemmas=[lemma.lower() for _, _, lemma in tokens],
            )
            for match_id, i, j in self.matcher(doc):
                kw = self._phrases[self.vocab.strings[match_id]]
                add(kw.code_id, tokens[i][0], tokens[j - 1][1], kw.text, "phrase")
        if self._long_phrases:
            lower = text.lower()
            for phrase, kw in self._long_phrases:
                if any(m.term == kw.text for m in found.get(kw.code_id, ())):
                    continue
                aligned = fuzz.partial_ratio_alignment(phrase, lower, score_cutoff=PHRASE_FUZZY_CUTOFF)
                if aligned is not None:
                    add(kw.code_id, aligned.dest_start, aligned.dest_end, kw.text, "fuzzy")
        return found

    def score(self, text: str, annotation: dict | None = None) -> list[CodeScore]:
        """The codes with at least one match, best first, each with its matches."""
        scores = []
        for code_id, ms in self.matches(text, annotation).items():
            value = rule_score(ms, self.family)
            scores.append(CodeScore(code_id, value, rule=value, matches=sorted(ms, key=lambda m: m.start)))
        scores.sort(key=lambda s: -s.score)
        return scores

    def family(self, term: str) -> str:
        """One name for the forms of a keyword the codebook lists apart («sak» and «saker», «press» and «presset»,
        «samarbeid» and «samarbeide»): they are one piece of evidence, not two."""
        key = self._families.get(term)
        if key is None:
            words = _WORD.findall(term)
            if len(words) != 1:
                key = term.lower()
            else:
                shortest = min(self.base_forms(words[0]), key=len)
                key = derivation_stem(shortest) or shortest
            self._families[term] = key
        return key

    # -- per distinct word, memoised ---------------------------------------------------------------------
    def _terms(self, surface: str, lemma: str) -> tuple[tuple[str, MatchKind], ...]:
        key = (surface, lemma)
        terms = self._token_terms.get(key)
        if terms is None:
            lower = surface.lower()
            direct = dict.fromkeys((lower, lemma.lower(), _flat(lower)))
            out: dict[str, MatchKind] = {t: "lemma" for t in direct}
            if self.splitter is not None and len(lower) >= 6:
                for word in {lower, lemma.lower()}:
                    heads = {self.splitter.split(word)[-1], self.splitter.split(word, finest=True)[-1]}
                    for term in self.splitter.terms(word):
                        head = any(term.endswith(h) for h in heads)  # «tidspress»: press (head) says more than tid
                        out.setdefault(term.lower(), "compound" if head else "modifier")
            terms = self._token_terms[key] = tuple(out.items())
        return terms

    def _known(self, surface: str) -> bool:
        """A word of the dictionary (or a compound of its words) is no spelling variant: «logopedi» is not a
        misspelt «logoped», «oppdager» not «oppdrag». Without a lexicon every word may be one."""
        if self.splitter is None:
            return False
        lower = surface.lower()
        known = self._known_memo.get(lower)
        if known is None:
            known = self._known_memo[lower] = bool(self.splitter.lexicon.lemma_candidates(lower)) or (
                "-" not in lower and self.splitter.is_compound(lower)
            )
        return known

    def _fuzzy(self, surface: str) -> tuple[tuple[str, float], ...]:
        lower = _flat(surface.lower())
        found = self._fuzzy_memo.get(lower)
        if found is None:
            best: dict[str, float] = {}
            # a misspelt word is not in the lexicon, so its ending is cut by hand: «kappasiteten» → «kappasitet»
            stems = {lower} | {lower[: -len(e)] for e in ENDINGS if lower.endswith(e) and len(lower) - len(e) >= 5}
            for stem in stems:
                for key, score, _ in process.extract(
                    stem, self._fuzzy_list, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3
                ):
                    best[key] = max(best.get(key, 0.0), score / 100)
            found = self._fuzzy_memo[lower] = tuple(best.items())
        return found


def rule_score(matches: list[Match], family: Callable[[str], str] | None = None) -> float:
    """Noisy-or over the distinct pieces of evidence, each at its strongest match. A word of the text counts once
    (however many keywords it matches), and so does a keyword (however often it is said; ``family`` names the forms
    of one keyword). Words of the description add at most :data:`DESCRIPTION_CAP`: they rank a code, but never make
    it a suggestion on their own."""
    family = family or (lambda term: term)
    strongest: dict[tuple[int, int], Match] = {}
    for m in matches:  # a word matched by several keywords: its strongest match
        held = strongest.get((m.start, m.end))
        if held is None or (m.kind != "description", m.strength) > (held.kind != "description", held.strength):
            strongest[(m.start, m.end)] = m
    best: dict[str, float] = {}
    described: dict[str, float] = {}
    for m in strongest.values():
        into = described if m.kind == "description" else best
        key = family(m.term)
        into[key] = max(into.get(key, 0.0), m.strength)
    miss = described_miss = 1.0
    for strength in best.values():
        miss *= 1.0 - PER_TERM * strength
    for strength in described.values():
        described_miss *= 1.0 - PER_TERM * strength
    return 1.0 - miss * (1.0 - min(1.0 - described_miss, DESCRIPTION_CAP))


#: Derivational endings, longest first: a keyword and a word with the same stem are one family
#: («inkludering» / «inkluderende» / «inkludere», «forebygging» / «forebyggende»).
DERIVATIONS = ("eringer", "ering", "ende", "ing", "else", "het", "sjon", "ere", "ert", "et", "e")
MIN_STEM = 6


def derivation_stem(word: str) -> str | None:
    for ending in DERIVATIONS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word if len(word) >= MIN_STEM + 2 else None


def _flat(word: str) -> str:
    return word.replace("-", "").replace("‐", "")


def _tokens(text: str, annotation: dict | None, splitter) -> list[tuple[int, int, str]]:
    """``(start, end, lemma)`` of each word: from the annotation, or (none yet) from the text and the lexicon."""
    if annotation and annotation.get("t") is not None:
        return [(s, e, lemma or text[s:e]) for s, e, lemma, *_ in annotation["t"]]
    tokens = []
    for m in _WORD.finditer(text):
        word = m.group()
        lemma = word
        if splitter is not None:
            lemma = splitter.lexicon.lemma(word.lower()) or word
        tokens.append((m.start(), m.end(), lemma))
    return tokens
