"""Where any word is capitalised: the position rule behind the anonymisation check's ``DOUBTFUL`` entities
(see :mod:`coder.anonymise.candidates`) — first on a line, after a sentence's end, at a sentence start the
pipeline found — and the judge that drops a capitalised common word standing there unless something says it is
a name. Pure: texts in, yes or no out."""

from __future__ import annotations

import re

from coder.anonymise import allow, gazetteer


class Judge:
    """Decides ``DOUBTFUL`` (module docstring of :mod:`coder.anonymise.candidates`): whether an entity is an
    ordinary word or words capitalised by position, by a title or by a heading rather than a name.

    One word: a common word (:func:`coder.anonymise.allow.common_word`) that no list names
    (:data:`~coder.anonymise.allow.NAME_WORDS`, :mod:`coder.anonymise.gazetteer`) and that is not built like a
    place is doubtful wherever it stands — where any word is capitalised, and inside a sentence too, where the
    capital makes a title of it («Kvalitet i Bærumsbarnehagen», «Strategi for …», «Tett på»); a word that is a
    name and a common word («Liv», «Time») is doubtful where any word is capitalised unless it also occurs
    capitalised inside a sentence in that source, and when coordinated with a lower-case noun («Liv og helse»).
    A word in capitals of seven letters or more that names nothing is a heading word.
    Several words: all ordinary words (or the field's acronyms, months, numbers) and none a name → doubtful
    («Bedre Tverrfaglig Innsats», «Januar Februar Mars», «Nærmeste videregående skole …») — except an institution
    named by a common word inside a sentence («… ved Åsen skole»). An acronym glued to a word by PDF extraction
    («BUPBarnevern») is doubtful when both parts are."""

    def __init__(self, sources: dict[int, tuple[str, str]]):
        self.sources = sources
        self.sentence_starts: dict[int, set[int]] = {}
        self._inside: dict[tuple[int, str], bool] = {}

    def doubtful(self, sid: int, start: int, end: int, pos: str = "") -> bool:
        text = self.sources[sid][1]
        word = text[start:end]
        at_capital = capital_position(text, start, self.sentence_starts.get(sid, ()))
        if word.isupper() and len(word.replace(" ", "")) >= 4:  # a heading in capitals: «ANSVAR», «SAMORDNET INNSATS»
            if " " not in word and len(word) >= 7 and word not in allow.ACRONYMS:
                return not gazetteer.is_known_name(word.capitalize())
            return all(w.isalpha() and allow.common_word(w.capitalize()) for w in word.split())
        words = word.split()
        if len(words) > 1:
            return self._common_run(text, start, words, at_capital)
        if _glued(word):
            return True
        if not word.isalpha():
            return False
        named = word in allow.NAME_WORDS or gazetteer.is_known_name(word) or gazetteer.has_place_part(word)
        if named and not _coordinated(text, end, word):
            return at_capital and allow.common_word(word, pos) and not self.inside_a_sentence(sid, genitive_base(word))
        if named:
            return True
        if not at_capital and gazetteer.place_like(word):
            return False  # «i Fjellheim», «på Kråkenes»: built like a place, capitalised inside a sentence
        base = genitive_base(word)
        genitive = base != word and allow.common_word(base) and not gazetteer.place_like(base)
        return allow.common_word(word, pos) or genitive

    @staticmethod
    def _common_run(text: str, start: int, words: list[str], at_capital: bool) -> bool:
        """Several words: see the class docstring."""
        bare = [w.strip(".,:;!?()«»\"'") for w in words]
        if all(w.casefold() in _CALENDAR for w in bare):
            return True  # «Mars April Mai»: a table's row of months, though «Mai» is a name too
        if any(not w or w in allow.NAME_WORDS or gazetteer.is_known_name(w) for w in bare):
            return False
        if not all(_ordinary(w) for w in bare):
            return False
        from coder.anonymise.kinds import INSTITUTIONS

        last = bare[-1]
        return at_capital or not (last[0].islower() and last.endswith(INSTITUTIONS))

    def inside_a_sentence(self, sid: int, word: str) -> bool:
        """Does ``word`` occur (as written, also in the genitive) where a capital is not expected?"""
        if (sid, word) not in self._inside:
            text = self.sources[sid][1]
            pattern = re.compile(rf"(?<![\w@.-]){re.escape(word)}(?=s?(?![\w@-]))")
            self._inside[(sid, word)] = any(
                not capital_position(text, m.start(), self.sentence_starts.get(sid, ())) for m in pattern.finditer(text)
            )
        return self._inside[(sid, word)]


_BULLETS = "–—-*•✓✔▪◦·►■□‣⁃→"
_OPENING = " \t«\"'“„‘(#>" + _BULLETS
_CLOSING = "»\"'”’)"
_SENTENCE_END = ".!?:…"
#: Abbreviations after which a capital does not mean a new sentence (without their last dot, lower case).
ABBREVIATIONS = frozenset(
    "f.eks bl.a dvs ca dr nr jf jfr evt ev mht pga ifm iflg vs mv m.m o.l kl st meld prop tlf ref adm avd".split()
)


def capital_position(text: str, start: int, sentence_starts=()) -> bool:
    """Would any word at ``text[start]`` be capitalised? First on its line (a turn, a heading; not a line that
    continues a sentence broken after a letter or a comma, as text from PDF has), after a sentence's end
    (``. ! ? : …``, with closing quotes; not after an abbreviation or an initial), or at one of
    ``sentence_starts`` (offsets where the pipeline found a sentence start)."""
    if start in sentence_starts:
        return True
    i = start
    while i > 0 and text[i - 1] in _OPENING:
        i -= 1
    if i == 0:
        return True
    if text[i - 1] == "\n":  # a line's start: a turn, a paragraph, a heading — unless a sentence runs on
        if any(c in _BULLETS for c in text[i:start]):
            return True  # a list item
        k = i - 1
        while k > 0 and text[k - 1] in " \t":
            k -= 1
        return k == 0 or text[k - 1] == "\n" or not (text[k - 1].isalpha() or text[k - 1] == ",")
    while i > 0 and text[i - 1] in _CLOSING:
        i -= 1
    if i == 0 or text[i - 1] not in _SENTENCE_END:
        return False
    if text[i - 1] == ".":
        before = re.search(r"([\w.]+)$", text[max(0, i - 16) : i - 1])
        word = before.group(1).casefold() if before else ""
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    return True


def genitive_base(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


#: Lower-case words after «X og» that say X is a person, not a common noun: «Liv og mannen hennes».
_PEOPLE = frozenset("mannen kona kone barna barnet datteren dattera sønnen mor far moren mora faren søsteren broren"
                    " familien foreldrene venninnen vennen kollegaen kollegene samboeren".split())  # fmt: skip
_COORDINATED = re.compile(r"[ \t]+(?:og|&)[ \t]+([a-zæøå]+)")
_CALENDAR = frozenset(
    "januar februar mars april mai juni juli august september oktober november desember"
    " mandag tirsdag onsdag torsdag fredag lørdag søndag".split()
)
_GLUED = re.compile(r"^([A-ZÆØÅ]{2,})([A-ZÆØÅ][a-zæøå]{2,})$")


def _coordinated(text: str, end: int, word: str) -> bool:
    """Is ``word`` (ending at ``end``) an ordinary word joined by «og» to a lower-case noun: «Liv og helse»?"""
    m = _COORDINATED.match(text, end)
    if not m or m.group(1) in allow.FUNCTION_WORDS or m.group(1) in _PEOPLE:
        return False
    return allow.ordbank_knows(word.casefold()) and allow.common_word(m.group(1))


def _ordinary(word: str) -> bool:
    """An ordinary word in a run of several: a common word, a function word, a number, the field's acronym."""
    return (
        word.isdigit()
        or word in allow.ACRONYMS
        or gazetteer.is_term(word)
        or word.casefold() in allow.FUNCTION_WORDS
        or (word.replace("-", "").isalpha() and allow.common_word(word[0].upper() + word[1:]))
    )


def _glued(word: str) -> bool:
    """An acronym glued to a word by PDF extraction, both ordinary: «BUPBarnevern», «PPTSkolen»."""
    m = _GLUED.match(word)
    return bool(m) and (m.group(1) in allow.ACRONYMS or gazetteer.is_term(m.group(1))) and _ordinary(m.group(2))
