"""The anonymisation check, its finding half: what may identify someone, as candidates with every occurrence.

``run_check`` lists candidates (one per identifier, with every occurrence and its context): entities PER,
LOC, GPE and ORG from the pipeline's NER (the NLP cache where it has them, else the pipeline), and what
:mod:`coder.anonymise.detect` finds by pattern (e-mail, phone, fødselsnummer, date of birth, address), minus
the allow-list (:mod:`coder.anonymise.allow`, the codebook's labels and keywords, the project's own list).
Deciding on them (dismiss, pseudonymise) is :mod:`coder.anonymise.check`, the module the faces call.

Which entities are dropped as no identifier (``DOUBTFUL``): the NER takes capitalised common words for names
where a capital is expected whatever the word — «Altså, …», «Ventetiden er …», «Baksiden», a heading «Intervju
03». A one-word entity is dropped when (1) it stands where any word is capitalised: first on its line (a turn,
a heading), after a sentence's end (``. ! ? : …``, not after an abbreviation like ``f.eks.`` or an initial),
or at a sentence start the pipeline found (``s`` of the NLP cache); (2) it is a common word
(:func:`coder.anonymise.allow.common_word`: a noun, verb, adjective or adverb form in Norsk Ordbank, a function
word, a compound of known words, or a word the tagger calls anything but a proper noun); and (3) nothing says it
is a name: it is not on :data:`~coder.anonymise.allow.NAME_WORDS` (Berg, Strand, Liv, Dag, Vik …), the same word
does not occur capitalised inside a sentence in the same source, and it is not the first name or surname of a
full name in that source (below). So «Strand» inside a sentence is always kept, and «Strand mener …» at a turn's
start too. Leading function words are cut off a longer entity («De første seks» → nothing left to flag, «Nei
men Kari» → «Kari»); «Per i dag» and the like (``allow.FIXED_PHRASES``) are never names.

Before that, each entity's edges are put right (:mod:`coder.anonymise.edges`: cut at line breaks and commas,
whole words, the first name of «Julie Ek Holst-Jæger» taken in, a trailing verb cut off), the names and places the
lists know are added where the NER found nothing (:func:`coder.anonymise.gazetteer.find`), and each is typed from
its words (:func:`coder.anonymise.kinds.kind_of`: «Fatima Ali» a person, «Hammerfest» a place); a text typed so
somewhere gives its kind to its other occurrences the NER labelled otherwise. Since the lists say what is a name,
a one-word common word no list names is doubtful inside a sentence too («Kvalitet i …», «Strategi for …»), and
so is a run of common words («Bedre Tverrfaglig Innsats»): :class:`coder.anonymise.capitals.Judge`. Products and
general acronyms (Vigilo, ISBN: :func:`coder.anonymise.gazetteer.is_term`) are never flagged.

First names and surnames alone join their full name: within one source, a one-word name that is the first or
the last word of exactly one multi-word PER there («Kari» or «Nordvik(s)» beside «Kari Nordvik») is listed as a
hit of that full name's candidate, whatever the NER labelled it; if two full names share it, it stays apart.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from coder.anonymise import allow, detect, edges, gazetteer, kinds
from coder.anonymise.capitals import Judge, capital_position, genitive_base
from coder.anonymise.pseudonyms import NAME_KINDS, TAG, occurrences

KIND_ORDER = {k: i for i, k in enumerate(detect.KINDS)}
#: NER labels → our kinds (NorNE: GPE_LOC, GPE_ORG; OntoNotes-style pipelines: PERSON, FAC, NORP not used).
ENTITY_KINDS = dict(PER="PER", PERSON="PER", LOC="LOC", GPE="GPE", GPE_LOC="GPE", GPE_ORG="GPE", ORG="ORG")
CONTEXT = 40


@dataclass
class Hit:
    """One occurrence of a candidate identifier."""

    kind: str  # "PER", "LOC", "GPE", "ORG", "EMAIL", "PHONE", "FNR", "DOB", "ADDRESS"
    text: str
    source_id: int
    source_name: str
    segment_id: int | None
    start: int  # offsets into source.text
    end: int
    context: str  # about 40 characters either side, one line
    confidence: str = "high"  # "low": e.g. a fødselsnummer whose check digits do not match
    note: str = ""


@dataclass
class Candidate:
    """One identifier with all its occurrences."""

    kind: str
    text: str
    hits: list[Hit]
    status: str = "open"  # "open" | "dismissed" | "pseudonymised"
    tag: str | None = None  # "[NAVN 1]" once pseudonymised (also set when a pseudonymised text came back)
    key: str = ""  # what makes two occurrences the same identifier (digits of a number, lower-case e-mail)
    confidence: str = "high"
    note: str = ""

    @property
    def count(self) -> int:
        return len(self.hits)

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(h.source_name for h in self.hits))


# -- the allow-list --------------------------------------------------------------------------------------
def allow_list(project) -> set[str]:
    """Everything never flagged, in :func:`coder.anonymise.allow.normal` form: the defaults, the codebook's
    labels and keywords, and the project's own list."""
    words = {allow.normal(w) for w in allow.DEFAULT_ALLOWED}
    for code in project.codebook().codes:
        words.add(allow.normal(code.label))
        words.update(allow.normal(k) for k in code.keywords)
    words.update(allow.normal(w) for w in project.allowed_words())
    words.discard("")
    return words


# -- the check -------------------------------------------------------------------------------------------
def run_check(
    project,
    nlp,
    *,
    progress: Callable[[int, int], None] | None = None,
    include_dismissed: bool = False,
) -> list[Candidate]:
    """Candidate identifiers in every source: open first, then by kind, then most frequent first.
    ``nlp``: a spaCy pipeline (None or one without NER: pattern kinds only). ``progress(done, total)`` is
    called as segments are read."""
    allowed = allow_list(project)
    sources = {sid: (name, text) for sid, name, text in project.anon_sources()}
    segments = project.anon_segments()
    by_source: dict[int, list[tuple[int, int, int]]] = {}
    for seg_id, sid, start, end in segments:
        by_source.setdefault(sid, []).append((start, end, seg_id))
    hits: list[Hit] = []

    def make_hit(kind, sid, start, end, confidence="high", note=""):
        name, text = sources[sid]
        spans = by_source.get(sid, [])
        seg = _segment_at(spans, start)
        lo, hi = next(((s, e) for s, e, i in spans if i == seg), (0, len(text)))
        return Hit(kind, text[start:end], sid, name, seg, start, end,
                   context(text, start, end, lo=lo, hi=hi), confidence, note)  # fmt: skip

    keys: dict[tuple[str, str], str] = {}
    references: dict[int, list[tuple[int, int]]] = {}
    for sid, (_, text) in sources.items():
        tags = [(m.start(), m.end()) for m in TAG.finditer(text)]
        references[sid] = [(m.start(), m.end()) for m in allow.REFERENCES.finditer(text)]
        for f in detect.find_patterns(text):
            if overlaps(f.start, f.end, tags):
                continue
            hit = make_hit(f.kind, sid, f.start, f.end, f.confidence, f.note)
            if f.kind == "ADDRESS" and allow.is_allowed(hit.text, allowed):
                continue
            keys[(f.kind, hit.text)] = f.key
            hits.append(hit)
    total = len(segments)
    done = 0
    doubtful: set[int] = set()  # id() of one-word entity hits dropped unless they join a full name
    judge = Judge(sources)
    typed_by_evidence: dict[str, str] = {}  # text → the kind its words or context gave it somewhere
    typed_by_ner: list[Hit] = []  # hits whose kind is only the NER's label
    segments_by_id = {seg_id: (s, e) for seg_id, _, s, e in segments}
    for _seg, sid, start, ents, sentence_starts, pos in _entities(project, nlp, segments, sources):
        text = sources[sid][1]
        starts = {start + s for s in sentence_starts}
        judge.sentence_starts.setdefault(sid, set()).update(starts)
        seen: list[tuple[int, int]] = []  # spans taken in this segment: the NER's first, then the lists'
        finds = gazetteer.find(text[start : start + _seg_len(segments_by_id, _seg, text)])
        for s, e, kind in _entity_spans(text, start, ents + finds, pos, seen):
            surface = text[s:e]
            if not _plausible_name(surface) or allow.is_allowed(surface, allowed) or gazetteer.is_term(surface):
                continue
            if overlaps(s, e, [(h.start, h.end) for h in hits if h.source_id == sid and h.kind not in NAME_KINDS]):
                continue  # part of an address or e-mail already found
            if TAG.search(text[max(0, s - 1) : e + 1]) or overlaps(s, e, references[sid]):
                continue  # a pseudonym given earlier, or part of «Meld. St. 6», «§ 5-1»
            if allow.FIXED_PHRASES.match(text, s):
                continue  # «Per i dag»
            if _in_brackets(text, s, e):
                continue  # a placeholder the transcriber put in already: «[kommune B]», «[navn]»
            line = text.rfind("\n", 0, s) + 1
            typed = kinds.kind_of(surface, kind, text[max(line, s - 30) : s], text[e : e + 12])
            hit = make_hit(typed, sid, s, e)
            if typed != kind or gazetteer.is_known_name(surface):
                typed_by_evidence.setdefault(genitive_base(surface), typed)
            else:
                typed_by_ner.append(hit)
            if judge.doubtful(sid, s, e, pos.get(s - start, "")):
                doubtful.add(id(hit))
            hits.append(hit)
        done += 1
        if progress and (done % 50 == 0 or done == total):
            progress(done, total)
    if progress and total == 0:
        progress(0, 0)
    for hit in typed_by_ner:  # «Havnøy» typed a place where it stands after «på»: a place everywhere
        hit.kind = typed_by_evidence.get(genitive_base(hit.text), hit.kind)
    hits.extend(_short_form_hits(hits, sources, make_hit, doubtful, allowed))
    return _candidates(project, hits, keys, include_dismissed, doubtful)


def _seg_len(segments_by_id: dict[int, tuple[int, int]], seg_id: int, text: str) -> int:
    s, e = segments_by_id.get(seg_id, (0, len(text)))
    return e - s


def _entity_spans(text: str, start: int, ents, pos: dict[int, str], seen: list[tuple[int, int]]):
    """``(start, end, kind)`` of each entity of a segment starting at ``start`` (``ents``: the NER's, then the
    gazetteer's, offsets within the segment), with its edges put right (:mod:`coder.anonymise.edges`): cut at line
    breaks and commas, widened to whole words and to the given names and surnames beside it, leading function
    words and a trailing verb cut off. A span overlapping one already in ``seen`` is skipped; each one yielded is
    added to it."""
    for s, e, label in ents:
        kind = ENTITY_KINDS.get(label)
        if kind is None:
            continue
        for ps, pe in edges.pieces(text, start + s, start + e):
            ps, pe = _trim(text, ps, pe)
            if ps >= pe:
                continue
            ps, pe = edges.whole_words(text, ps, pe)
            ps = _strip_function_words(text, ps, pe)
            pe = edges.without_tail(text, ps, pe, lambda at: pos.get(at - start, ""))
            ps, pe = edges.with_names_beside(text, ps, pe)
            if overlaps(ps, pe, seen):
                continue
            seen.append((ps, pe))
            yield ps, pe, kind


def _short_form_hits(hits: list[Hit], sources, make_hit, doubtful=frozenset(), allowed=frozenset()) -> list[Hit]:
    """The first names and surnames alone the NER missed, in the sources where their full name was found: the
    places :func:`coder.anonymise.check.pseudonymise` will replace too, so the list shows them before it is done.
    A full name judged doubtful («Kvalitetskriterium PPT») has none, nor does an allowed word («PPT»)."""
    out: list[Hit] = []
    full: dict[int, set[str]] = {}
    for hit in hits:
        if hit.kind == "PER" and len(hit.text.split()) > 1 and id(hit) not in doubtful:
            full.setdefault(hit.source_id, set()).add(" ".join(hit.text.split()))
    for sid, names in full.items():
        text = sources[sid][1]
        taken = [(h.start, h.end) for h in hits if h.source_id == sid]
        for start, end in short_form_spans(text, names):
            if not overlaps(start, end, taken) and not allow.is_allowed(text[start:end], allowed):
                out.append(make_hit("PER", sid, start, end))
    return out


_NAME_WORD = r"[A-ZÆØÅ][a-zæøåéèüöä]+(?:-[A-ZÆØÅ][a-zæøåéèüöä]+)?"


def _in_another_name(text: str, short: str, name: str) -> bool:
    """Does ``short`` (a first name or surname of ``name``) also stand beside another capitalised name-like word
    in ``text`` («Kari Hansen» when ``name`` is «Kari Nordvik»)? Then a lone «Kari» could be either of them."""
    words = name.split()
    word = re.escape(short)
    if short == words[0]:
        beside = re.finditer(rf"(?<![\w@.-]){word}[ \t]+({_NAME_WORD})(?!\w)", text)
        expected = words[1]
    else:
        beside = re.finditer(rf"(?<![\w@.-])({_NAME_WORD})[ \t]+{word}(?!\w)", text)
        expected = words[-2]
    return any(m.group(1) != expected and not allow.common_word(m.group(1)) for m in beside)


def short_form_spans(text: str, names) -> list[tuple[int, int]]:
    """Where the first names and surnames of ``names`` (full names found in ``text``) stand alone in ``text``:
    whole words as written (a genitive ``s`` outside the span), not inside a full name, not a short form that two
    of the names share, not «Per i dag» (``allow.FIXED_PHRASES``), and not a common word at a sentence's start
    (:func:`capital_position`, :func:`coder.anonymise.allow.common_word`)."""
    owners: dict[str, set[str]] = {}
    for name in names:
        for short in short_forms(name):
            owners.setdefault(short, set()).add(name)
    inside = [span for name in names for span in occurrences("PER", name, name)(text)]
    spans = []
    for short, of in owners.items():
        if len(of) > 1 or _in_another_name(text, short, next(iter(of))):
            continue
        for start, end in occurrences("PER", short, short)(text):
            if overlaps(start, end, inside) or allow.FIXED_PHRASES.match(text, start):
                continue
            if capital_position(text, start) and allow.common_word(short):
                continue
            spans.append((start, end))
    return sorted(spans)


def _strip_function_words(text: str, start: int, end: int) -> int:
    """Where an entity really starts once leading function words are cut off («Nei men Kari» → «Kari»); names
    that are function words too («Per») are kept."""
    while True:
        match = re.match(r"([^\W\d_]+)[\s,]+(?=\S)", text[start:end])
        if not match or match.group(1) in allow.NAME_WORDS or match.group(1).casefold() not in allow.FUNCTION_WORDS:
            return start
        start += match.end()


def _candidates(
    project,
    hits: list[Hit],
    keys: dict[tuple[str, str], str],
    include_dismissed: bool,
    doubtful: set[int] = frozenset(),
):
    groups: dict[tuple[str, str], list[Hit]] = {}
    for hit in sorted(hits, key=lambda h: (h.source_id, h.start)):
        key = keys.get((hit.kind, hit.text), hit.text if hit.kind in NAME_KINDS else " ".join(hit.text.split()))
        groups.setdefault((hit.kind, key), []).append(hit)
    # a genitive joins its base form: «Hansens» is Hansen
    for kind, key in list(groups):
        if kind in NAME_KINDS and key.endswith("s") and (kind, key[:-1]) in groups:
            groups[(kind, key[:-1])].extend(groups.pop((kind, key)))
    _join_short_forms(groups)
    for group_key, group in list(groups.items()):  # doubtful entities that joined no full name go
        full_name = (
            group_key[0] == "PER" and len(group_key[1].split()) > 1 and any(id(h) not in doubtful for h in group)
        )
        kept = [h for h in group if id(h) not in doubtful or full_name]
        if kept:
            groups[group_key] = kept
        else:
            del groups[group_key]
    salt = project.setting("anonymise_salt")
    dismissed = {(d.kind, d.text_hash) for d in project.identifier_decisions() if d.decision == "dismissed"}
    out = []
    for (kind, key), group in groups.items():
        group.sort(key=lambda h: (h.source_id, h.start))
        surface = Counter(h.text for h in group).most_common(1)[0][0] if kind not in NAME_KINDS else key
        cand = Candidate(kind, surface, group, key=key)
        cand.confidence = "high" if any(h.confidence == "high" for h in group) else "low"
        cand.note = next((h.note for h in group if h.note), "")
        if salt is not None:
            digest = identifier_hash(salt, key)
            if (kind, digest) in dismissed:
                cand.status = "dismissed"
            cand.tag = project.pseudonym_of(digest)
        if cand.status == "dismissed" and not include_dismissed:
            continue
        out.append(cand)
    out.sort(key=lambda c: (c.status != "open", KIND_ORDER[c.kind], -c.count, c.text))
    return out


def short_forms(name: str) -> list[str]:
    """A full name's first name and surname: «Per Arne Kvist» → [«Per», «Kvist»]; [] for one word."""
    words = name.split()
    return list(dict.fromkeys([words[0], words[-1]])) if len(words) > 1 else []


def _join_short_forms(groups: dict[tuple[str, str], list[Hit]]) -> None:
    """Move each one-word name hit that is the first name or surname of exactly one full name (a multi-word PER)
    in its source into that full name's group (module docstring)."""
    full_in: dict[int, dict[str, set[str]]] = {}  # source → short form → full names there
    for (kind, key), group in groups.items():
        if kind == "PER" and len(key.split()) > 1:
            for hit in group:
                for short in short_forms(key):
                    full_in.setdefault(hit.source_id, {}).setdefault(short, set()).add(key)
    if not full_in:
        return
    for (kind, key), group in list(groups.items()):
        if kind not in NAME_KINDS or len(key.split()) != 1:
            continue
        stay = []
        for hit in group:
            names = full_in.get(hit.source_id, {})
            owners = names.get(hit.text) or names.get(genitive_base(hit.text)) or set()
            if len(owners) == 1:
                hit.kind = "PER"
                groups[("PER", next(iter(owners)))].append(hit)
            else:
                stay.append(hit)
        if stay:
            groups[(kind, key)] = stay
        else:
            del groups[(kind, key)]


def _entities(project, nlp, segments, sources):
    """``(segment id, source id, segment start, [(start, end, label), …], {sentence starts}, {token start: POS})``
    for every segment, offsets within the segment: fresh entities from the NLP cache where it has them for this
    pipeline, the pipeline for the rest (with its tagger and sentence splitter, when it has them)."""
    if nlp is None or not ({"ner", "entity_ruler", "span_ruler"} & set(nlp.pipe_names)):
        for seg_id, sid, start, _ in segments:
            yield seg_id, sid, start, [], set(), {}
        return
    cached: dict[int, dict] = {}
    if hasattr(project, "annotations") and "ner" in nlp.pipe_names:
        try:
            from coder.nlp.annotate import pipeline_key

            cached = project.annotations([s[0] for s in segments], pipeline_key(nlp))
        except Exception:  # the cache is an optimisation: never let it stop the check
            cached = {}
    todo = [s for s in segments if s[0] not in cached or "e" not in cached[s[0]]]
    wanted = {"ner", "entity_ruler", "span_ruler", "tok2vec", "transformer", "coder_name_mentions"}
    wanted |= {"morphologizer", "tagger", "attribute_ruler", "senter"}  # POS and sentence starts: see DOUBTFUL
    disable = [name for name in nlp.pipe_names if name not in wanted]
    texts = (sources[sid][1][start:end] for _, sid, start, end in todo)
    fresh = nlp.pipe(texts, batch_size=64, disable=disable)
    pending = iter(zip(todo, fresh, strict=True))
    nxt = next(pending, None)
    for seg in segments:
        seg_id, sid, start, _ = seg
        if nxt is not None and nxt[0][0] == seg_id:
            doc = nxt[1]
            starts = {t.idx for t in doc if t.is_sent_start} if doc.has_annotation("SENT_START") else set()
            pos = {t.idx: t.pos_ for t in doc if t.pos_}
            yield seg_id, sid, start, [(e.start_char, e.end_char, e.label_) for e in doc.ents], starts, pos
            nxt = next(pending, None)
        else:
            row = cached.get(seg_id, {})
            pos = {t[0]: t[3] for t in row.get("t", []) if len(t) > 3 and t[3]}
            yield seg_id, sid, start, [tuple(e) for e in row.get("e", [])], set(row.get("s", [])), pos


def _in_brackets(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` sits inside one pair of square brackets on its line."""
    opening = text.rfind("[", max(0, start - 40), start + 1)
    if opening < 0 or "]" in text[opening:start] or "\n" in text[opening:start]:
        return False
    closing = text.find("]", end - 1, end + 40)
    return closing >= 0 and "[" not in text[end:closing] and "\n" not in text[end:closing]


def _segment_at(spans: list[tuple[int, int, int]], offset: int) -> int | None:
    i = bisect.bisect_right(spans, (offset, float("inf"), 0)) - 1
    if i >= 0 and spans[i][0] <= offset < max(spans[i][1], spans[i][0] + 1):
        return spans[i][2]
    return None


def overlaps(start: int, end: int, spans) -> bool:
    return any(start < e and s < end for s, e in spans)


_EDGE = " \t\n.,;:!?«»\"'()[]–-—…#*"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut spaces, punctuation and symbols (bullets, ticks) off an entity's edges."""
    while start < end and (text[start] in _EDGE or not text[start].isalnum() and text[start] != "§"):
        start += 1
    while end > start and (text[end - 1] in _EDGE or not text[end - 1].isalnum()):
        end -= 1
    return start, end


def _plausible_name(text: str) -> bool:
    """An entity worth showing: has a capital letter, at least two letters, is not all digits."""
    return len(text) >= 2 and any(c.isupper() for c in text) and sum(c.isalpha() for c in text) >= 2


def context(text: str, start: int, end: int, width: int = CONTEXT, lo: int = 0, hi: int | None = None) -> str:
    """About ``width`` characters either side of ``text[start:end]`` within ``[lo, hi)`` (its segment), on one
    line, cut at spaces, with … where it was cut."""
    hi = len(text) if hi is None else max(hi, end)
    lo = min(lo, start)
    left = max(lo, start - width)
    right = min(hi, end + width)
    if left > lo:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < hi:
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    snippet = " ".join(text[left:right].split())
    return ("…" if left > lo else "") + snippet + ("…" if right < hi else "")


def identifier_hash(salt: str, key: str) -> str:
    return hashlib.sha256(f"{salt}\0{key}".encode()).hexdigest()
