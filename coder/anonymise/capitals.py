"""Where any word is capitalised: the position rule behind the anonymisation check's ``DOUBTFUL`` entities
(see :mod:`coder.anonymise.candidates`) — first on a line, after a sentence's end, at a sentence start the
pipeline found — and the judge that drops a capitalised common word standing there unless something says it is
a name. Pure: texts in, yes or no out."""

from __future__ import annotations

import re

from coder.anonymise import allow


class Judge:
    """Decides ``DOUBTFUL`` (module docstring) for one-word entities: position, common word, name evidence; and for
    entities of several words whose first stands where any word is capitalised and all are common words, the rest
    in lower case («Nærmeste videregående skole …» — but «Leira skole» inside a sentence stays)."""

    def __init__(self, sources: dict[int, tuple[str, str]]):
        self.sources = sources
        self.sentence_starts: dict[int, set[int]] = {}
        self._inside: dict[tuple[int, str], bool] = {}

    def doubtful(self, sid: int, start: int, end: int, pos: str = "") -> bool:
        text = self.sources[sid][1]
        word = text[start:end]
        if word.isupper() and len(word.replace(" ", "")) >= 4:  # a heading in capitals: «ANSVAR», «SAMORDNET INNSATS»
            return all(w.isalpha() and allow.common_word(w.capitalize()) for w in word.split())
        words = word.split()
        if len(words) > 1:  # «Nærmeste videregående skole» opening a sentence: common words, capital by position
            first, rest = words[0], words[1:]
            if not (first.isalpha() and all(w.isalpha() and w.islower() for w in rest)) or first in allow.NAME_WORDS:
                return False
            return (
                capital_position(text, start, self.sentence_starts.get(sid, ()))
                and allow.common_word(first)
                and all(allow.common_word(w) for w in rest)
            )
        if not word.isalpha() or word in allow.NAME_WORDS:
            return False
        if not capital_position(text, start, self.sentence_starts.get(sid, ())):
            return False
        return allow.common_word(word, pos) and not self.inside_a_sentence(sid, genitive_base(word))

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
