"""The cleanup assist for report texts: the light edit Norwegian evaluation reports make to an oral quote.

``propose(text)`` returns the text as a report would print it and what was cut. What goes:

- hesitation sounds: *eh*, *ehm*, *øh*, *æh*, *hm*, *mm* (never a bare *e*, which is a dialect form of *er*,
  nor *øm*, an adjective);
- the transcriber's notes: ``[latter]``, ``[pause]``, ``[uklart]``, ``(ler)``, a time stamp in brackets — but not
  an anonymisation tag such as ``[NAVN 1]`` or ``[kommune]``, nor an omission already marked ``[…]``;
- fillers, each only where it is one:
  *liksom* (not *på liksom* "pretend", not *liksom-samarbeid*);
  *altså* set off by punctuation, or opening a sentence without the verb second (*Altså vi har …*; but *Altså må
  vi …* "therefore we must" and *vi har altså ikke* stay);
  *på en måte* (not *på en måte som/at/der/hvor*);
  *sånn* set off by commas, or before a degree word, a preposition or a redundant *ca.*/*cirka*, and not after
  a verb *være*, an article or *det* (*det er sånn i praksis*, *en sånn sak*, *vi gjør det sånn* stay);
  *ikke sant*, *vet du*, *du vet*, *skjønner du*, *hva skal jeg si*, *la meg se* — only set off by punctuation
  (*det er ikke sant* stays), and a tag *…, sant?*;
- repeated words: a function word said twice (*vi vi*, *at at*, *en – en*), a number repaired (*fire, fire og en
  halv*), a phrase said twice (*og så blir, og så blir vi*); *det det*, *den den*, *de de* only when no cleft
  follows (*det det handler om, er …* stays), and never *så så* (*så så vi at …*); content words said twice are
  emphasis (*mange, mange*) and stay;
- false starts: a cut-off word (*sakk- sakkyndig*, but *lese- og skrivevansker* stays), a pronoun and verb said
  again in another tense (*vi har, vi hadde …*), and an unfinished fragment broken off by a dash or an ellipsis
  (*og det er – vi rekker ikke alt*). A fragment cut after the start of a sentence is marked […]: the reader
  should see that words were left out. Fillers and repetitions are cut silently, as reports do.

Then it tidies: a comma left stranded by a cut after a word that cannot end a phrase goes (*noen med, altså,
eldre utdanning* → *noen med eldre utdanning*), sentences start with a capital, there is no space before
punctuation, and the text ends with a full stop — or with […] when the passage stops mid-sentence
(``mid_end``); a passage that starts mid-sentence (``mid_start``) opens with […] and keeps its small letter.

It is conservative on purpose: only the listed words ever go, never a content word, so what is left is always
the informant's own words in their order. The researcher reads the proposal beside the original and adjusts it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

OMISSION = "[…]"

_ABBREVIATIONS = (
    r"f\.eks\.|bl\.a\.|m\.m\.|m\.fl\.|osv\.|ca\.|dvs\.|mht\.|pga\.|evt\.|nr\.|kl\.|jf\.|ift\.|iht\.|mv\.|"
    r"o\.l\.|t\.o\.m\.|f\.o\.m\.|el\.|st\.|prof\.|dr\."
)
_TOKEN = re.compile(
    r"(?P<note>\[[^\[\]\n]{0,40}\]|\((?:latter|ler|pause|kort pause|lang pause|uklart|uhørbart|sukk|fnis|"
    r"kremt|host|\.\.\.|…)\))"
    rf"|(?P<word>(?i:{_ABBREVIATIONS})|\d+\.(?=\s+[a-zæøå])|\d+(?:[.,:]\d+)*|\w+(?:[-'’/]\w+)*-?)"
    r"|(?P<punct>\.\.\.|…|[.,!?;:]|[–—-]|[«»\"“”()‘’'])"
    r"|(?P<other>\S)",
    re.UNICODE,
)
_NOTE = re.compile(
    r"\[\s*(?:(?:kort |lang )?pause|latter|ler|fnis|sukk(?:er)?|host(?:er)?|kremt(?:er)?|uklart[^\]]*|"
    r"uhørbart|utydelig|avbrutt|avbryter|overlapp[^\]]*|inaudible|crosstalk|\?+|[\d:.]+|\d+\s*sek\w*)\s*\]"
    r"|\((?!…|\.\.\.).*\)",
    re.IGNORECASE,
)
_HESITATION = re.compile(r"^(?:e+h+m*|e{2,}m*|e+m{2,}|ø+h+m*|æ+h+m*|h+m+|m{2,}|mhm+)$", re.IGNORECASE)

#: Words that cannot end a phrase: a comma left after one of them by a cut is an artefact.
NO_END = frozenset(
    "i på til med for av fra om mot etter under over gjennom ved hos mellom uten rundt "
    "en ei et denne dette disse min mitt mine vår vårt våre "
    "og men eller at som fordi når hvis enn "
    "er var har hadde blir ble kan kunne skal skulle vil ville må måtte får fikk "
    "ikke veldig litt mer mest jeg vi man slags sånn sånne noen mange flere alle".split()
)
#: Function words whose repetition is always a stutter.
STUTTER = frozenset(
    "jeg eg vi me du dere man og men eller at som om fordi når hvis en ei et i på til med for av fra "
    "er var har hadde kan skal vil må ikke altså det's".split()
) - {"det's"}
#: Repeated, these may be a cleft or a relative clause (*det det handler om er …*).
AMBIGUOUS_REPEAT = frozenset({"det", "den", "de", "dem", "han", "hun"})
NUMBERS = frozenset("en ett to tre fire fem seks sju syv åtte ni ti elleve tolv tjue tretti førti femti hundre".split())
PRONOUNS = frozenset("jeg eg vi me du dere de det den han hun man".split())
CONJUNCTIONS = frozenset("og men så at fordi når hvis som".split())
#: After these, a comma left by a cut goes unless a new clause starts (*det, eh, sykefraværet*; *det, eh, men*).
WEAK = frozenset("det den de dem jo da bare også nok egentlig".split())
CLAUSE_START = (CONJUNCTIONS - {"så"}) | PRONOUNS | frozenset("eller der hvor hva hvem hvordan hvorfor".split())
BE = frozenset("er var blir ble være vært e".split())
DEGREE = frozenset("veldig litt ganske helt mye mer mest skikkelig kjempe rimelig altfor for".split())
PREPOSITIONS = frozenset("i på til med av fra om mot etter under over gjennom ved hos mellom".split())
HEDGES = frozenset("ca. ca cirka omtrent".split())
#: Before *sånn*, these make it part of the sentence (*det er sånn*, *en sånn sak*, *vi gjør det sånn*).
SAANN_KEEPS = BE | frozenset("en ei et noe noen litt helt akkurat så på den det gjør gjorde gjort".split())
#: Set off by punctuation, these phrases are fillers; anywhere else they are words.
SET_OFF = [
    ("ikke", "sant"),
    ("vet", "du"),
    ("du", "vet"),
    ("skjønner", "du"),
    ("forstår", "du"),
    ("hva", "skal", "jeg", "si"),
    ("hva", "skal", "man", "si"),
    ("hva", "heter", "det"),
    ("la", "meg", "se"),
    ("altså",),
    ("asså",),
    ("sånn",),
]
TAGS = {("ikke", "sant"), ("vet", "du"), ("sant",), ("skjønner", "du"), ("forstår", "du")}
_CLOSING = {",", ".", "!", "?", ";", ":", ")", "»", "”"}
_OPENING = {"(", "«", "“"}
_BREAKS = {",", "–", "—", "-", "…", "..."}
_FINAL = {".", "!", "?"}


@dataclass
class Cut:
    """One thing the proposal left out: ``kind`` is hesitation, note, filler, repeat or false start."""

    kind: str
    text: str


@dataclass
class Proposal:
    text: str
    cuts: list[Cut] = field(default_factory=list)
    omissions: int = 0  # […] put in where words were cut mid-sentence

    def summary(self) -> str:
        """``cut: eh ×3, liksom, altså · repeated: de · false start: «vi har»`` (empty when nothing changed)."""
        parts = []
        groups = {"hesitation": "cut", "filler": "cut", "note": "cut", "repeat": "repeated", "false start": "false"}
        for title in ("cut", "repeated", "false"):
            counts = Counter(c.text.lower() for c in self.cuts if groups[c.kind] == title)
            if not counts:
                continue
            shown = ", ".join(w if n == 1 else f"{w} ×{n}" for w, n in counts.most_common())
            if title == "false":
                shown = ", ".join(f"«{w}»" for w in counts)
                title = "false start"
            parts.append(f"{title}: {shown}")
        if self.omissions:
            parts.append(f"{self.omissions} {OMISSION}")
        return " · ".join(parts)


@dataclass
class _Tok:
    text: str
    kind: str  # w(ord), p(unctuation), n(ote), o(ther)
    space: bool  # whitespace before it in the original
    newline: bool = False  # a line break before it: a turn or paragraph boundary
    touched: bool = False  # a comma next to a cut

    @property
    def low(self) -> str:
        return self.text.casefold()


def propose(text: str, *, mid_start: bool = False, mid_end: bool = False, capital: bool = False) -> Proposal:
    """The report text a researcher would most likely make of ``text``; see the module's docstring.
    ``capital``: a passage that starts mid-sentence gets a capital after its […] too (the quote export's
    ``--clean``: a block quote reads as its own sentence); the dialog keeps the small letter."""
    editor = _Editor(_tokens(text))
    editor.run()
    out = editor.finish(mid_start, mid_end, capital)
    return Proposal(out, editor.cuts, editor.omissions)


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    last = 0
    for m in _TOKEN.finditer(text):
        gap = text[last : m.start()]
        kind = {"note": "n", "word": "w", "punct": "p", "other": "o"}[m.lastgroup or "other"]
        out.append(_Tok(m.group(), kind, bool(gap) or not out, "\n" in gap))
        last = m.end()
    return out


class _Editor:
    def __init__(self, toks: list[_Tok]) -> None:
        self.t = toks
        self.cuts: list[Cut] = []
        self.omissions = 0

    # -- helpers ------------------------------------------------------------------------------------------
    def word(self, i: int) -> str:
        return self.t[i].low if 0 <= i < len(self.t) and self.t[i].kind == "w" else ""

    def is_punct(self, i: int, marks: set[str] | None = None) -> bool:
        if not 0 <= i < len(self.t) or self.t[i].kind != "p":
            return False
        return marks is None or self.t[i].text in marks

    def left_open(self, i: int) -> bool:
        """Nothing of the sentence before ``i``: start, a line break or a punctuation mark."""
        return i == 0 or self.t[i].newline or self.t[i - 1].kind in "pn"

    def right_open(self, j: int) -> bool:
        """Nothing after ``j`` binds to what came before: the end, a line break or a closing mark."""
        return j >= len(self.t) or self.t[j].newline or (self.t[j].kind == "p" and self.t[j].text in _CLOSING | _BREAKS)

    def sentence_start(self, i: int) -> bool:
        j = i - 1
        while j >= 0 and self.t[j].kind == "p" and self.t[j].text in _OPENING:
            j -= 1
        return j < 0 or (self.t[j].kind == "p" and self.t[j].text in _FINAL)

    def drop(self, i: int, j: int) -> None:
        """Remove tokens ``[i, j)``; what follows takes the space of the first removed one."""
        space = self.t[i].space
        newline = self.t[i].newline
        del self.t[i:j]
        if i < len(self.t):
            self.t[i].space = space or self.t[i].space
            self.t[i].newline = newline or self.t[i].newline

    def cut(self, i: int, j: int, kind: str, tag: bool = False) -> None:
        """Cut ``[i, j)`` with the punctuation that set it off, as a sentence would read without it."""
        self.cuts.append(Cut(kind, " ".join(t.text for t in self.t[i:j])))
        comma_left = self.is_punct(i - 1, {","})
        comma_right = self.is_punct(j, {","})
        end_right = j >= len(self.t) or self.is_punct(j, _FINAL | {"…", "..."})
        if comma_left and comma_right:
            self.t[i - 1].touched = True
            self.drop(i, j + 1)
        elif comma_left and end_right:
            if tag and self.is_punct(j, {"?"}):
                self.t[j].text = "."
            self.drop(i - 1, j)
        elif comma_right and (i == 0 or self.left_open(i)):
            self.drop(i, j + 1)
        elif self.sentence_start(i) and j < len(self.t) and self.is_punct(j, _FINAL):
            self.drop(i, j + 1)  # a sentence of its own: «Ikke sant.»
        else:
            self.drop(i, j)

    # -- passes -------------------------------------------------------------------------------------------
    def run(self) -> None:
        self.notes()
        self.hesitations()
        self.fragments()
        for _ in range(2):
            self.fillers()
            self.repeated_phrases()
            self.repeated_words()
            self.restarts()
        self.broken_off()

    def notes(self) -> None:
        i = 0
        while i < len(self.t):
            if self.t[i].kind == "n" and _NOTE.fullmatch(self.t[i].text):
                self.cut(i, i + 1, "note")
            else:
                i += 1

    def hesitations(self) -> None:
        i = 0
        while i < len(self.t):
            if self.t[i].kind == "w" and _HESITATION.match(self.t[i].text):
                self.cut(i, i + 1, "hesitation")
            else:
                i += 1

    def fragments(self) -> None:
        """A word cut off with a hyphen and then said whole: ``sakk- sakkyndig``."""
        i = 0
        while i < len(self.t) - 1:
            tok, nxt = self.t[i], self.t[i + 1]
            stem = tok.low[:-1]
            if tok.kind == "w" and tok.text.endswith("-") and nxt.kind == "w" and len(stem) >= 2:
                if nxt.low.startswith(stem) and nxt.low not in ("og", "eller"):
                    self.cuts.append(Cut("false start", tok.text))
                    self.drop(i, i + 1)
                    continue
            i += 1

    def fillers(self) -> None:
        i = 0
        while i < len(self.t):
            n, tag = self.filler_at(i)
            if n:
                self.cut(i, i + n, "filler", tag)
            else:
                i += 1

    def filler_at(self, i: int) -> tuple[int, bool]:
        """How many words from ``i`` are a filler here (0: none), and whether it is a tag question."""
        w = self.word(i)
        if not w:
            return 0, False
        prev, nxt = self.word(i - 1), self.word(i + 1)
        if w == "liksom":
            return (0, False) if prev in ("på", "gjør", "gjorde", "gjort", "gjøre", "late") else (1, False)
        if w == "på" and nxt == "en" and self.word(i + 2) == "måte":
            after = self.word(i + 3)
            return (0, False) if after in ("som", "at", "der", "hvor", "slik") else (3, False)
        if w in ("altså", "asså") and self.sentence_start(i) and self.t[i + 1 : i + 2] and nxt in PRONOUNS:
            return 1, False  # «Altså vi har …»: no inversion, so not the adverb «therefore»
        if w == "sånn" and not self.left_open(i):
            if nxt in HEDGES and prev not in ("en", "ei", "et"):
                return 1, False  # «sånn ca. sytti»: the ca. says it already
            if (nxt in DEGREE or nxt in PREPOSITIONS) and prev not in SAANN_KEEPS:
                return 1, False
        if w == "sant" and self.is_punct(i - 1, {","}) and self.is_punct(i + 1, {"?"}):
            return 1, True
        for phrase in SET_OFF:
            n = len(phrase)
            if tuple(self.word(k) for k in range(i, i + n)) != phrase:
                continue
            if not (self.left_open(i) and self.right_open(i + n)):
                continue
            if phrase == ("ikke", "sant") and self.word(i - 2) in BE:
                continue  # «Det er, ikke sant, …» is rare; «er, ikke sant» read as a denial stays
            if phrase == ("sånn",) and not (self.is_punct(i - 1, {","}) and self.is_punct(i + n, {","})):
                continue  # only «…, sånn, …»; «Sånn.» and «sånn –» stay
            if phrase in (("altså",), ("asså",)) and self.is_punct(i - 1, {"«", "("}):
                continue
            return n, phrase in TAGS
        return 0, False

    def _sep(self, j: int) -> int:
        """``j`` past one comma or dash, if there is one."""
        return j + 1 if self.is_punct(j, {",", "–", "—", "-", "…", "..."}) else j

    def repeated_phrases(self) -> None:
        """``og så blir, og så blir vi`` → ``og så blir vi``."""
        i = 0
        while i < len(self.t):
            for n in (4, 3, 2):
                first = self.t[i : i + n]
                if len(first) < n or any(t.kind != "w" for t in first):
                    continue
                k = self._sep(i + n)
                second = self.t[k : k + n]
                if len(second) == n and [t.low for t in first] == [t.low for t in second]:
                    if {t.low for t in first} <= AMBIGUOUS_REPEAT | {"så"}:
                        continue
                    self.cuts.append(Cut("repeat", " ".join(t.text for t in first)))
                    self._drop_repeat(i, k)
                    break
            else:
                i += 1

    def _drop_repeat(self, i: int, k: int) -> None:
        """Drop the first copy ``[i, k)``; the second keeps the first one's capital."""
        capital = self.t[i].text[:1].isupper()
        self.drop(i, k)
        if capital and self.t[i].kind == "w":
            self.t[i].text = self.t[i].text[:1].upper() + self.t[i].text[1:]

    def repeated_words(self) -> None:
        i = 0
        while i < len(self.t):
            w = self.word(i)
            k = self._sep(i + 1)
            if w and self.word(k) == w and self.repeat_is_stutter(i, k, w):
                self.cuts.append(Cut("repeat", self.t[i].text))
                self._drop_repeat(i, k)
                continue
            i += 1

    def repeat_is_stutter(self, i: int, k: int, w: str) -> bool:
        if w == "så":
            return False  # «så så vi at …»: then we saw
        if w in STUTTER:
            return True
        if w in NUMBERS or w[:1].isdigit():
            return True  # «fire, fire og en halv»
        if w in AMBIGUOUS_REPEAT:
            if self.word(i - 1) in BE:
                return False  # «det er det det handler om»
            rest = []
            j = k + 1
            while j < len(self.t) and not self.is_punct(j, _FINAL):
                if self.t[j].kind == "w":
                    rest.append(self.t[j].low)
                j += 1
            if rest and rest[0] in BE | {"har", "hadde"}:
                rest = rest[1:]  # the verb of «det det er vanskelig»; a cleft needs a second one
            return not any(r in BE for r in rest)
        return False

    def restarts(self) -> None:
        """``vi har, vi hadde …`` → ``vi hadde …``: a pronoun and a verb said again in another tense."""
        i = 0
        while i < len(self.t) - 4:
            p, v = self.word(i), self.word(i + 1)
            k = self._sep(i + 2)
            p2, v2 = self.word(k), self.word(k + 1)
            starts = self.left_open(i) or self.word(i - 1) in CONJUNCTIONS
            if k > i + 2 and starts and p in PRONOUNS and p == p2 and v and v2 and v != v2 and v[:2] == v2[:2]:
                self.cuts.append(Cut("false start", f"{self.t[i].text} {self.t[i + 1].text}"))
                self._drop_repeat(i, k)
                continue
            i += 1

    def broken_off(self) -> None:
        """An unfinished fragment broken off by a dash or an ellipsis, then a new start:
        ``Vi har mange saker, og det er – vi rekker ikke alt`` → ``Vi har mange saker, […] vi rekker ikke alt``."""
        i = 0
        while i < len(self.t):
            if not self.is_punct(i, {"–", "—", "-", "…", "..."}) or i + 1 >= len(self.t) or self.t[i + 1].kind != "w":
                i += 1
                continue
            start = i
            while start > 0 and self.t[start - 1].kind == "w" and not self.t[start].newline:
                start -= 1
            words = i - start
            paired = any(
                self.is_punct(j, {"–", "—", "-"}) for j in range(i + 1, self._sentence_end(i + 1))
            )  # «– som du vet –» is an aside
            new_sentence = self.t[i].text in ("…", "...") and self.t[i + 1].text[:1].isupper()  # «men … Det ble»
            if 1 <= words <= 3 and self.word(i - 1) in NO_END and not paired and not new_sentence:
                at_start = self.sentence_start(start)
                self.cuts.append(Cut("false start", " ".join(t.text for t in self.t[start:i])))
                capital = self.t[start].text[:1].isupper()
                self.drop(start, i + 1)
                if at_start:
                    if capital:
                        self.t[start].text = self.t[start].text[:1].upper() + self.t[start].text[1:]
                else:
                    self.t.insert(start, _Tok(OMISSION, "n", True))
                    self.omissions += 1
                    start += 1
                i = start
                continue
            i += 1

    def _sentence_end(self, i: int) -> int:
        while i < len(self.t) and not self.is_punct(i, _FINAL):
            i += 1
        return i

    # -- tidy -------------------------------------------------------------------------------------------------
    def finish(self, mid_start: bool, mid_end: bool, capital: bool = False) -> str:
        t = self.t
        # leading punctuation and stranded commas
        while t and t[0].kind == "p" and t[0].text not in _OPENING:
            del t[0]
        i = 0
        while i < len(t):
            tok = t[i]
            if tok.kind == "p" and tok.text == ",":
                nxt = t[i + 1] if i + 1 < len(t) else None
                left, right = self.word(i - 1), self.word(i + 1)
                stranded = tok.touched and right not in CLAUSE_START and (left in NO_END or left in WEAK)
                if (
                    stranded
                    or (nxt is not None and nxt.kind == "p" and nxt.text in {",", ".", "!", "?", ";", ":", "…"})
                    or (i > 0 and t[i - 1].kind == "p" and t[i - 1].text in _OPENING | {",", "–", "—"})
                ):
                    self.drop(i, i + 1)
                    continue
            i += 1
        while t and t[-1].kind == "p" and t[-1].text in {",", ";", ":", "–", "—", "-"}:
            del t[-1]
        if not t:
            return ""
        for i, tok in enumerate(t):
            first_small = i == 0 and mid_start and not capital  # «[…] ventetiden»: the dialog keeps it small
            if tok.kind == "w" and tok.text[:1].islower() and self.sentence_start(i) and not first_small:
                tok.text = tok.text[:1].upper() + tok.text[1:]
        text = _join(t)
        if mid_start and not text.startswith(OMISSION):
            text = f"{OMISSION} {text}"
            self.omissions += 1
        if mid_end:
            text = text.rstrip(" .") + f" {OMISSION}"
            self.omissions += 1
        elif t[-1].text not in _FINAL | {"…", "...", "»", ")", "”"} and t[-1].text != OMISSION:
            text += "."
        return text


def _join(toks: list[_Tok]) -> str:
    out: list[str] = []
    for i, tok in enumerate(toks):
        before = toks[i - 1] if i > 0 else None
        glue = tok.space
        if tok.text == OMISSION:
            glue = True
        elif tok.kind == "p" and (tok.text in _CLOSING or (tok.text in ("…", "...") and not tok.space)):
            glue = False
        elif before is not None and before.kind == "p" and before.text in _OPENING:
            glue = False
        elif before is not None and (before.text == OMISSION or before.text in {",", ".", "!", "?", ";"}):
            glue = True
        out.append((" " if glue and out else "") + tok.text)
    return "".join(out)


def passage_edges(before: str, text: str, after: str) -> tuple[bool, bool]:
    """Whether a coded passage starts and ends mid-sentence, from the words of its segment around it:
    ``(mid_start, mid_end)`` for :func:`propose`."""
    lead, body, tail = before.rstrip(), text.strip(), after.strip()
    mid_start = bool(lead) and lead[-1] not in '.!?…:»"”' and bool(body)
    mid_end = bool(tail) and tail[0] not in ".!?…" and bool(body) and body[-1] not in ".!?…"
    return mid_start, mid_end
