"""Norwegian (bokmål) compound splitter over the Norsk Ordbank tables shipped in spacy-lookups-data.

    >>> s = default_splitter()
    >>> s.split("kapasitetsutfordringer")
    ['kapasitet', 'utfordring']
    >>> s.split("barnehagelærer")                      # fewest parts: `barnehage` stays whole
    ['barnehage', 'lærer']
    >>> s.split("barnehagelærer", finest=True)         # every part split again
    ['barn', 'hage', 'lærer']
    >>> sorted(s.terms("kompetanseløftsatsingen"))    # what a codebook keyword may match
    ['kompetanse', 'kompetanseløft', 'kompetanseløftsatsing', 'løft', 'løftsatsing', 'satsing']

Decisions:
- `split(word)` returns the FEWEST parts (at least two when the word can be split at all), each a base form: the
  modifiers are lemmas from the lexicon, the last part is lemmatised (`utfordringer` → `utfordring`). A known
  lexicalised compound stays whole as a part (`barnehage` in `barnehagelærer`). `split(word, finest=True)` splits
  every part again until nothing splits. A word that is not a compound comes back unchanged: `[word]`.
- `terms(word)` is the set a keyword search should match against: the lemma of the whole word, the parts at both
  levels, and every run of adjacent parts spelt as in the word with its last part lemmatised (`kompetanseløft`,
  `helsetjeneste` in `skolehelsetjenesten`). So a keyword that is itself a compound is found inside a longer one.
- Parts are lower-cased, except all-capital pieces of hyphenated words (`PP-tjenesten` → `PP`, `tjeneste`).
  Hyphenated words split at the hyphens first, then each piece as a compound; a short ending after an acronym
  (`SFO-er`, `PPT-en`) is inflection, not a part.
- `parts_with_offsets(word)` says where each part sits in the word (for highlighting).

The algorithm is a dynamic programme over the lower-cased word: every part but the last is a lemma of a noun,
adjective or verb in Norsk Ordbank followed by an optional linking `-s-` or `-e-`; the last part is an inflected form
of a noun (or of a 5+ letter adjective or verb). Parts have at least 3 letters; a 3-letter part must be a frequent
member of the lexicon's own compounds in its role (15+), a 4-letter one a member at all (3+), so `spesial|pe|dagog|ikk`
never comes out. Derivational endings that are also words (`het`, `skap`, `dom` …) are never heads and prefix-like
short words (`vei`, `kul`, `gjen` …) never modifiers. When the whole word is a known form, a split must rebuild its
lemma (`tjene|sten` is no reading of `tjenesten`). Among the splits with the fewest parts, the one whose parts are
most productive in the lexicon's compounds wins (a stand-in for word frequency, which Ordbank does not have).

The lexicon (about 140,000 lemmas, their compound counts, and the 15,000 inflected forms the suffix rules cannot
lemmatise) is derived from `nb_lemma_exc.json.gz` the first time (5–10 s) and cached as a pickle (3 MB) in
`$XDG_CACHE_HOME/coder/` (default `~/.cache/coder/`), which loads in about 0.1 s; with no writable cache it is
rebuilt in memory. Results are memoised per word, so repeated words cost a dictionary lookup.
Bokmål only: nynorsk words split only where they share forms with bokmål.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coder.nlp import diskcache
from coder.nlp.ordbank import exc_file

FORMAT_VERSION = 2
_POS = ("noun", "adj", "verb")
LINKERS = ("", "s", "e")
MIN_PART = 3
# A short part must be a productive compound member in the lexicon (counts as modifier + head).
_SHORT_PART_MIN_COUNT = {3: 15, 4: 3}
LINKER_PENALTY = 0.1

# Inflectional endings → what replaces them in the lemma, most frequent first (learnt from the Ordbank tables;
# forms these rules get wrong are stored as exceptions).
SUFFIX_RULES: tuple[tuple[str, str], ...] = (
    ("ene", ""),
    ("ene", "e"),
    ("en", ""),
    ("er", ""),
    ("a", ""),
    ("ne", ""),
    ("et", ""),
    ("r", ""),
    ("e", ""),
    ("n", ""),
    ("a", "e"),
    ("t", ""),
    ("s", ""),
    ("nde", ""),
    ("", "e"),
    ("de", ""),
    ("te", ""),
    ("te", "e"),
    ("t", "e"),
    ("ere", ""),
    ("est", ""),
    ("este", ""),
    ("de", "t"),
    ("re", "er"),
    ("rene", "er"),
    ("mene", ""),
    ("lene", "el"),
    ("ler", "el"),
    ("mer", ""),
    ("st", ""),
    ("ste", ""),
    ("ra", "er"),
    ("rer", "er"),
    ("ma", ""),
    ("men", ""),
    ("met", ""),
    ("ret", "er"),
    ("es", ""),
    ("ens", ""),
    ("ets", ""),
    ("enes", ""),
    ("ers", ""),
)


#: Derivational endings that are also words (`het` hot, `skap` cupboard, `dom` judgement …): never a compound's head,
#: so `sakkyndighet`, `fellesskap`, `ungdom`, `tjeneste` are not split into `sakkyndig|het`, `felles|skap`, ….
NOT_HEADS = frozenset(
    {
        "het",
        "else",
        "skap",
        "dom",
        "bar",
        "lig",
        "ing",
        "ling",
        "inne",
        "isme",
        "ste",
        "sel",
        "ske",
        "ende",
        "tur",
        "kyndig",
    }
)
#: Forms that are modifiers though not lemmas: `foreldre|samarbeid` (the plural of `forelder`).
EXTRA_MODIFIERS = frozenset({"foreldre", "besteforeldre"})
#: Short lemmas that are mostly prefixes or a homograph of one (`vei|leder`, `kul|tur`, `lær|eplan`): never a modifier.
NOT_MODIFIERS = frozenset({"kul", "kon", "gjen", "med", "lær", "vei", "tran", "pro", "sam", "ute", "inn", "mot", "pre"})


def _rules_by_ending() -> dict[str, tuple[tuple[int, str], ...]]:
    table: dict[str, list[tuple[int, str]]] = {}
    for ending, replacement in SUFFIX_RULES:
        table.setdefault(ending, []).append((len(ending), replacement))
    return {ending: tuple(rules) for ending, rules in table.items()}


_RULES_BY_ENDING = _rules_by_ending()
_ENDING_LENGTHS = sorted({len(e) for e in _RULES_BY_ENDING})
_RULE_ORDER = {rule: n for n, rule in enumerate(SUFFIX_RULES)}


def _rule_candidates(form: str, lemmas) -> list[str]:
    """Lemmas reached from `form` by the suffix rules, in the order of SUFFIX_RULES."""
    hits: list[tuple[int, str]] = []
    for size in _ENDING_LENGTHS:
        if size >= len(form) - 1:
            break
        ending = form[len(form) - size :] if size else ""
        for strip, replacement in _RULES_BY_ENDING.get(ending, ()):
            candidate = form[: len(form) - strip] + replacement
            if candidate in lemmas:
                hits.append((_RULE_ORDER[(ending, replacement)], candidate))
    hits.sort()
    return [candidate for _, candidate in hits]


@dataclass
class Lexicon:
    lemmas: frozenset[str]  # lemmas of nouns, adjectives and verbs
    nouns: frozenset[str]
    exceptions: dict[str, str]  # inflected form → lemma, where SUFFIX_RULES cannot reach it (`menn` → `mann`)
    modifier_count: dict[str, int]  # lemma → how many lexicon compounds start with it
    head_count: dict[str, int]  # lemma → how many lexicon compounds end with it

    def lemma_candidates(self, form: str) -> list[str]:
        """Lemmas `form` may be an inflection of, most likely first (the form itself when it is a lemma)."""
        found = [form] if form in self.lemmas else []
        for candidate in _rule_candidates(form, self.lemmas):
            if candidate not in found:
                found.append(candidate)
        exception = self.exceptions.get(form)
        if exception is not None and exception not in found:
            found.append(exception)
        if not found and form.endswith("s") and len(form) > 4:  # genitive: `tjenestens` → `tjenesten` → …
            found = self.lemma_candidates(form[:-1])
        return found

    def lemma(self, form: str) -> str | None:
        candidates = self.lemma_candidates(form)
        return candidates[0] if candidates else None


def _build_lexicon(path: Path) -> Lexicon:
    tables = json.loads(gzip.decompress(path.read_bytes()))
    lemmas: set[str] = set()
    forms: dict[str, list[str]] = {}
    for pos in _POS:
        for form, form_lemmas in tables[pos].items():
            lemmas.update(form_lemmas)
            forms.setdefault(form, []).extend(form_lemmas)
    nouns = frozenset(lemma for form_lemmas in tables["noun"].values() for lemma in form_lemmas)
    exceptions = {}
    for form, form_lemmas in forms.items():
        if form in form_lemmas:
            continue
        candidates = _rule_candidates(form, lemmas)
        if not any(lemma in candidates for lemma in form_lemmas):
            exceptions[form] = form_lemmas[0]
    modifier_count: dict[str, int] = {}
    head_count: dict[str, int] = {}
    for word in nouns:
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            head = word[i:]
            if head not in nouns:
                continue
            for linker in LINKERS:
                modifier = word[: i - len(linker)]
                if len(modifier) >= MIN_PART and word.endswith(linker, 0, i) and modifier in lemmas:
                    modifier_count[modifier] = modifier_count.get(modifier, 0) + 1
                    head_count[head] = head_count.get(head, 0) + 1
    return Lexicon(frozenset(lemmas), nouns, exceptions, modifier_count, head_count)


def _cache_file(path: Path) -> Path:
    stat = path.stat()
    key = hashlib.sha1(f"{FORMAT_VERSION}:{path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return diskcache.cache_dir() / f"nb-compound-lexicon-{key}.pickle"


def load_lexicon(path: Path | None = None, use_cache: bool = True) -> Lexicon:
    """The lexicon from the cache file when there is one, else derived from the Ordbank table (and cached)."""
    path = path or exc_file()
    cached = _cache_file(path) if use_cache else None
    data = diskcache.load(cached) if cached is not None else None
    if isinstance(data, dict):
        try:
            lemmas = frozenset(data["lemmas"])
            return Lexicon(lemmas, frozenset(data["nouns"]), data["exceptions"], data["modifier"], data["head"])
        except KeyError:  # a cache of another shape: rebuild it
            pass
    lexicon = _build_lexicon(path)
    if cached is not None:
        data = {
            "lemmas": sorted(lexicon.lemmas),
            "nouns": sorted(lexicon.nouns),
            "exceptions": lexicon.exceptions,
            "modifier": lexicon.modifier_count,
            "head": lexicon.head_count,
        }
        diskcache.save(cached, data)
    return lexicon


class CompoundSplitter:
    """Splits Norwegian compounds into base forms. Thread-safe; results are memoised per word."""

    def __init__(self, lexicon: Lexicon | None = None):
        self._lexicon = lexicon
        self._lock = threading.Lock()
        self._memo: dict[tuple[str, bool], tuple[str, ...]] = {}
        self._offsets: dict[str, tuple[tuple[int, int, str], ...]] = {}

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            with self._lock:
                if self._lexicon is None:
                    self._lexicon = load_lexicon()
        return self._lexicon

    # -- public API ------------------------------------------------------------------------------------------
    def split(self, word: str, finest: bool = False) -> list[str]:
        """The parts of `word` as base forms; `[word]` when it is not a compound (see the module docs)."""
        key = (word, finest)
        parts = self._memo.get(key)
        if parts is None:
            parts = tuple(p for _, _, p in self.parts_with_offsets(word))
            if len(parts) < 2:
                parts = (word,)
            elif finest:
                parts = tuple(q for p in parts for q in self.split(p, finest=True))
            self._memo[key] = parts
        return list(parts)

    def is_compound(self, word: str) -> bool:
        return len(self.split(word)) > 1

    def lemma(self, word: str) -> str:
        """The base form of a simple or compound word (its last part lemmatised); the word itself if unknown."""
        parts = self.parts_with_offsets(word)
        if len(parts) < 2:
            return self.lexicon.lemma(word.lower()) or word
        start = parts[-1][0]
        return word[:start].lower() + parts[-1][2]

    def terms(self, word: str) -> set[str]:
        """Everything a keyword may match in `word`: its lemma, its parts (coarse and finest) and every run of
        adjacent coarse parts spelt as in the word with the last one lemmatised (`kompetanseløft` in
        `kompetanseløftsatsingen`, `helsetjeneste` in `skolehelsetjenesten`)."""
        terms = {self.lemma(word)}
        segments = self.parts_with_offsets(word)
        if len(segments) < 2:
            return terms
        lower = word.lower()
        terms.update(self.split(word))
        terms.update(self.split(word, finest=True))
        for i in range(len(segments)):
            for j in range(i + 1, len(segments)):
                run = lower[segments[i][0] : segments[j][0]].strip("-") + segments[j][2]
                terms.update((run, run.replace("-", "")))
        return terms

    def parts_with_offsets(self, word: str) -> list[tuple[int, int, str]]:
        """`(start, end, base form)` of each part: `word[start:end]` is where the part sits in `word` (linking
        letters and hyphens fall between parts). One element covering the word when it is not a compound."""
        found = self._offsets.get(word)
        if found is None:
            found = tuple(self._segment_word(word))
            if len(self._offsets) < 1_000_000:
                self._offsets[word] = found
        return list(found)

    # -- the algorithm -----------------------------------------------------------------------------------------
    def _segment_word(self, word: str) -> list[tuple[int, int, str]]:
        if "-" in word.strip("-"):
            return self._segment_hyphenated(word)
        lower = word.lower()
        best = self._best_split(lower)
        if best is None:
            return [(0, len(word), word)]
        return best

    def _segment_hyphenated(self, word: str) -> list[tuple[int, int, str]]:
        pieces, start = [], 0
        for piece in word.split("-"):
            if piece:
                pieces.append((start, piece))
            start += len(piece) + 1
        if len(pieces) > 1 and len(pieces[-1][1]) < MIN_PART and pieces[-1][1].islower():
            pieces.pop()  # an inflection ending after an acronym: `SFO-er`, `PPT-en`, `PP-ene`
        out: list[tuple[int, int, str]] = []
        for n, (start, piece) in enumerate(pieces):
            last = n == len(pieces) - 1
            if piece.isupper() or any(c.isdigit() for c in piece):
                out.append((start, start + len(piece), piece))
                continue
            sub = self._segment_word(piece)
            if len(sub) == 1:
                lower = piece.lower()
                base = (self.lexicon.lemma(lower) or lower) if last else lower
                out.append((start, start + len(piece), base))
            else:
                out.extend((start + s, start + e, p) for s, e, p in sub)
        return out

    def _short_part_ok(self, part: str, role_count: int) -> bool:
        """A 3-letter part must be a frequent member in its role; a 4-letter one a member at all."""
        if len(part) < MIN_PART:
            return False
        if len(part) == MIN_PART:
            return role_count >= _SHORT_PART_MIN_COUNT[3]
        if len(part) == 4:
            lex = self.lexicon
            return lex.modifier_count.get(part, 0) + lex.head_count.get(part, 0) >= _SHORT_PART_MIN_COUNT[4]
        return True

    def _head_lemma(self, w: str, k: int, whole: list[str]) -> str | None:
        """The lemma of the head `w[k:]`, or None when it cannot be a head. When the whole word is a known form
        (`whole`: its lemmas), the split must rebuild one of them, so `tjene|sten` is no reading of `tjenesten`."""
        lex = self.lexicon
        for candidate in lex.lemma_candidates(w[k:]):
            if len(candidate) < MIN_PART or candidate in NOT_HEADS or candidate not in lex.nouns and len(candidate) < 5:
                continue
            if not self._short_part_ok(candidate, lex.head_count.get(candidate, 0)):
                continue
            if whole and w[:k] + candidate not in whole:
                continue
            return candidate
        return None

    def _best_split(self, w: str) -> list[tuple[int, int, str]] | None:
        """Fewest parts (≥ 2), then the most productive parts; None when `w` is no compound."""
        lex = self.lexicon
        n = len(w)
        if n < 2 * MIN_PART:
            return None
        lemmas, mods, heads = lex.lemmas, lex.modifier_count, lex.head_count
        whole = lex.lemma_candidates(w)
        # best[k]: (parts, -score, segments) of the best split of w[:k] into modifiers (each with its linker)
        best: dict[int, tuple[int, float, list[tuple[int, int, str]]]] = {0: (0, 0.0, [])}
        for i in range(0, n - MIN_PART + 1):
            if i not in best:
                continue
            count_i, score_i, segs_i = best[i]
            for j in range(i + MIN_PART, n - MIN_PART + 1):
                modifier = w[i:j]
                if (modifier not in lemmas and modifier not in EXTRA_MODIFIERS) or modifier in NOT_MODIFIERS:
                    continue
                stem = modifier[:-1]
                if (
                    modifier.endswith("s")
                    and stem in lemmas
                    and stem not in NOT_MODIFIERS
                    and mods.get(stem, 0) >= mods.get(modifier, 0)
                ):
                    continue  # `tids|punkt`, `saks|behandling`: read as `tid-s-`, `sak-s-` (the stem wins)
                if not self._short_part_ok(modifier, mods.get(modifier, 0)):
                    continue
                gain = math.log1p(mods.get(modifier, 0)) + 0.05 * len(modifier)
                for linker in LINKERS:
                    k = j + len(linker)
                    if (linker and w[j:k] != linker) or n - k < MIN_PART:
                        continue
                    candidate = (
                        count_i + 1,
                        score_i - gain + (LINKER_PENALTY if linker else 0.0),
                        [*segs_i, (i, j, modifier)],
                    )
                    if k not in best or candidate[:2] < best[k][:2]:
                        best[k] = candidate
        result = None
        for k, (count, score, segs) in best.items():
            if count == 0:
                continue
            head = self._head_lemma(w, k, whole)
            if head is None:
                continue
            total = (count + 1, score - math.log1p(heads.get(head, 0)) - 0.05 * len(head))
            if result is None or total < result[0]:
                result = (total, [*segs, (k, n, head)])
        return None if result is None else result[1]


@lru_cache(maxsize=1)
def default_splitter() -> CompoundSplitter:
    """The shared splitter; its lexicon loads on first use."""
    return CompoundSplitter()
