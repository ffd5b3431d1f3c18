"""Code suggestions in a project: what the engine suggests for a segment, accept and reject, the review queue,
batch suggestion, and retraining the learned layer on the researcher's decisions.

The TUI and the CLI call these; a test can too. Accept and reject are one undoable action each. What the
learned layer learns from a project:

- a code applied to (part of) a segment is a positive for that segment;
- a rejected suggestion is a negative;
- a segment the researcher has coded by hand is *read whole*: codes not applied there count as negatives too
  (the researcher would have applied them). A segment with only decisions on suggestions (the panel, the review
  queue) teaches just those decisions: the other codes were never asked about. Segments nobody has looked at,
  and batch auto-coding, teach nothing.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from coder.model import Code, is_interviewer
from coder.nlp import embeddings
from coder.store import Project, SavedModel, SegmentText
from coder.suggest import saving
from coder.suggest.engine import (
    PRESUMED_NEGATIVES,
    Engine,
    Labelled,
    Model,
    fingerprint,
    presumed_negatives,
    retrain_due,
    train_model,
)
from coder.suggest.evidence import CodeScore, Match
from coder.suggest.features import features
from coder.suggest.semantic_view import SemanticView, semantic_view

SIMILAR = 3  # similar coded segments shown as evidence
SIMILAR_POOL = 400  # coded segments compared, the most recent first
RESEARCHER = ("manual", "suggested", "imported")  # codings the learned layer learns from (not batch auto-coding)
READ_WHOLE = ("manual", "imported")  # codings made by reading the segment and choosing among all codes
QUEUE_BAND = 0.05  # the review queue skips suggestions the engine is sure are wrong (score below this)
FIRST_QUEUE_AFTER = 5_000  # segments scored before a long review queue is shown (the rest is scored meanwhile)
#: before a calibration, a passage without a keyword enters the queue when the meaning's prior reaches this
#: (z ≥ 1.5 at PRIOR_WEIGHT 0.1: among the 7 % of the project's segments nearest the code)
MEANING_BAND = 0.15


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def evidence_of(score: CodeScore) -> dict:
    """What is stored with a decision: the scores and the matched words (offsets into the segment)."""
    return {
        "rule": round(score.rule, 4),
        "learned": None if score.learned is None else round(score.learned, 4),
        "matches": [[m.start, m.end, m.term, m.kind] for m in score.matches],
        "similar": [[s, round(v, 3)] for s, v in score.similar],
    }


def model_of(saved: SavedModel | None) -> dict | None:
    """The trained model a score came from, as a coding's provenance keeps it; None: rules only (no model, or one
    saved in a format this version does not read, which the engine leaves out too)."""
    if saved is None or saved.meta.get("format") != saving.FORMAT:
        return None
    return {"fingerprint": saved.fingerprint, "trained_at": saved.trained_at, "decisions": saved.decisions}


def provenance_of(score: CodeScore, model: dict | None) -> dict:
    """What a coding made from a suggestion keeps of how it came (:mod:`coder.coding.provenance`): the score and the
    code's threshold, the layers' parts (``semantic``: the z-score, None when the semantic layer took no part), the
    model."""
    return {
        "score": round(score.score, 4),
        "threshold": round(score.threshold, 4),
        "rule": round(score.rule, 4),
        "learned": None if score.learned is None else round(score.learned, 4),
        "semantic": None if score.semantic is None else round(score.semantic, 3),
        "model": model,
    }


@dataclass
class QueueItem:
    segment: SegmentText
    score: CodeScore


@dataclass
class TrainReport:
    items: int
    decisions: int
    known: list[str]
    seconds: float
    fallback: list[str] = field(default_factory=list)  # codes on rules alone (too few examples)


class Suggester:
    """The engine for one project: the rule layer from its codebook and its saved model. Build it off the UI
    thread (loading the compound lexicon takes a moment); after that every call is quick.

    ``splitter``: the compound splitter (``coder.nlp.annotate.splitter()``); None: lemmas and surface forms only.
    """

    def __init__(self, project: Project, splitter=None) -> None:
        self.splitter = splitter
        self._lock = threading.Lock()
        self._features: dict[int, dict[str, float]] = {}  # unit feature vectors, by segment
        self.reload(project)

    def reload(self, project: Project) -> None:
        """Read the codebook and the saved model again (after a codebook edit or a retraining)."""
        codes = project.codebook().codes
        model = None
        saved = project.suggest_model()
        if saved is not None:
            model = saving.load(saved.meta, saved.data, saved.fingerprint)
        engine = Engine(codes, self.splitter, model)
        semantic = judged_view(project, codes)
        with self._lock:
            self.codes: dict[str, Code] = {c.id: c for c in codes}
            self.engine = engine
            self.semantic = semantic
            self.fingerprint = fingerprint(codes)
            self.trained = saved if model is not None else None  # an unreadable model is retrained when due

    # -- scoring ---------------------------------------------------------------------------------------
    def score_segments(
        self, project: Project, segments: Sequence[SegmentText], with_decided: bool = False
    ) -> list[list[CodeScore]]:
        """Per segment, the codes worth suggesting, best first: not yet applied there, not rejected there."""
        ids = [s.id for s in segments]
        annotations = project.annotations(ids)
        coded = project.segment_codes(ids)
        decided = project.suggestion_decisions(ids)
        with self._lock:
            engine, semantic = self.engine, self.semantic
        z = semantic.z(project, ids) if semantic is not None else {}
        scored = engine.score_many([(s.text, annotations.get(s.id)) for s in segments], [z.get(i) for i in ids])
        out = []
        for seg, scores in zip(segments, scored, strict=True):
            skip = set() if with_decided else coded.get(seg.id, set()) | set(decided.get(seg.id, {}))
            out.append([s for s in scores if s.code_id not in skip])
        return out

    def for_segment(self, project: Project, segment_id: int, similar: int = SIMILAR) -> list[CodeScore]:
        """The suggestions for one segment, best first, the best few with their most similar coded segments."""
        segments = list(project.segment_texts([segment_id]))
        if not segments:
            return []
        scores = self.score_segments(project, segments)[0]
        if similar:
            for score in scores[:3]:
                score.similar = self.similar(project, segments[0], score.code_id, similar)
        return scores

    def similar(
        self, project: Project, segment: SegmentText, code_id: str, n: int = SIMILAR
    ) -> list[tuple[int, float]]:
        """The ``n`` segments coded with ``code_id`` most like ``segment`` (cosine over the feature words)."""
        pool = [s for s in project.coded_segments(code_id, SIMILAR_POOL) if s != segment.id]
        if not pool:
            return []
        self._memo(project, [s for s in (segment.id, *pool) if s not in self._features])
        mine = self._features[segment.id]
        if not mine:
            return []
        found = [(s, _cosine(mine, self._features[s])) for s in pool]
        found = [(s, v) for s, v in found if v > 0]
        found.sort(key=lambda x: -x[1])
        return found[:n]

    def warm(self, project: Project) -> int:
        """Compute the features of every coded segment :meth:`similar` compares with, so that its first call for a
        code is quick (the TUI calls it from a worker, on a connection of its own); how many were computed."""
        pool = {s for code_id in list(self.codes) for s in project.coded_segments(code_id, SIMILAR_POOL)}
        missing = sorted(s for s in pool if s not in self._features)
        for i in range(0, len(missing), 500):
            self._memo(project, missing[i : i + 500])
        return len(missing)

    def _memo(self, project: Project, segment_ids: list[int]) -> None:
        if segment_ids:
            texts = {s.id: s.text for s in project.segment_texts(segment_ids)}
            annotations = project.annotations(segment_ids)
            for s in segment_ids:
                vector = Counter(features(texts.get(s, ""), annotations.get(s)))
                vector.pop("<tom>", None)  # two segments without content words are not alike
                self._features[s] = _unit(vector)

    def forget(self, segment_ids: Iterable[int] | None = None) -> None:
        """Drop memoised features (after text changed)."""
        if segment_ids is None:
            self._features.clear()
        for s in segment_ids or ():
            self._features.pop(s, None)

    # -- the review queue --------------------------------------------------------------------------------
    def review_queue(
        self,
        project: Project,
        source_id: int | None = None,
        limit: int = 200,
        progress: Callable[[int, int], None] | None = None,
        first: Callable[[list[QueueItem]], None] | None = None,
    ) -> list[QueueItem]:
        """The open suggestions where a decision teaches the model most, first: scores near their code's threshold
        and codes on which the two layers disagree; one item per segment and code. Before any calibration, passages
        the semantic layer puts well above the usual for a code come in too (:data:`MEANING_BAND`), ranked by the
        rule score plus the meaning's prior. The interviewer's turns are left
        out: the researcher codes what informants say. Open suggestions the researcher asked for (a theme made into
        a code, :func:`asked_for`) come before all others.

        ``first``: called once with the queue of the first :data:`FIRST_QUEUE_AFTER` segments scored, when there
        are more, so that the researcher can start while the rest is scored (50,000 answers take most of a minute,
        as Prodigy's stream starts before the whole set is scored)."""
        segments = [s for s in project.segment_texts(source_id=source_id) if not is_interviewer(s.speaker)]
        items: list[QueueItem] = []
        step = 500
        for i in range(0, len(segments), step):
            chunk = segments[i : i + step]
            for seg, scores in zip(chunk, self.score_segments(project, chunk), strict=True):
                items.extend(QueueItem(seg, s) for s in scores if s.score >= QUEUE_BAND or s.prior >= MEANING_BAND)
            if progress is not None:
                progress(min(i + step, len(segments)), len(segments))
            if first is not None and i + step >= FIRST_QUEUE_AFTER and i + step < len(segments):
                first(_ranked(project, list(items), segments[: i + step], limit))
                first = None
        return _ranked(project, items, segments, limit)

    # -- training ------------------------------------------------------------------------------------------
    def needs_training(self, project: Project) -> bool:
        decisions = project.decision_count()
        if self.trained is not None and self.trained.fingerprint != self.fingerprint:
            return True
        return retrain_due(decisions, self.trained.decisions if self.trained is not None else None)


def _ranked(project: Project, items: list[QueueItem], segments: list[SegmentText], limit: int) -> list[QueueItem]:
    """The queue: what the researcher asked for first, then the most uncertain, the codes taking turns."""
    items.sort(key=lambda q: (-q.score.uncertainty, -q.score.score, q.segment.id))
    asked = asked_for(project, segments)
    seen = {(q.segment.id, q.score.code_id) for q in asked}
    return [*asked, *(q for q in by_turns(items) if (q.segment.id, q.score.code_id) not in seen)][:limit]


def by_turns(items: Sequence[QueueItem]) -> list[QueueItem]:
    """The codes take turns: the most uncertain item of each code in order of those items, then each code's next one,
    and so on. One code the learned layer has just learned (after «code all hits», say) is uncertain on many
    segments at once and would otherwise fill the queue; balanced, every code gets its decisions."""
    queues: dict[str, deque[QueueItem]] = {}
    for item in items:  # already most uncertain first
        queues.setdefault(item.score.code_id, deque()).append(item)
    out: list[QueueItem] = []
    while queues:
        for code_id in list(queues):
            out.append(queues[code_id].popleft())
            if not queues[code_id]:
                del queues[code_id]
    return out


def asked_for(project: Project, segments: Sequence[SegmentText]) -> list[QueueItem]:
    """The stored open suggestions on ``segments`` that the researcher asked for: the answers of a theme made into
    a code (``coder.themes``; ``theme`` in their evidence). The engine scores live and knows nothing of them, so
    they wait, the most typical first, until each is decided; one whose segment is coded with the code already is
    left out. Shown as on their code's threshold: the engine has no opinion yet."""
    by_id = {s.id: s for s in segments}
    rows = [r for r in project.open_suggestions() if r[0] in by_id and "theme" in r[3]]
    if not rows:
        return []
    coded = project.segment_codes([r[0] for r in rows])
    known = {c.id for c in project.codebook().codes}
    out = []
    for segment_id, code_id, score, evidence in rows:
        if code_id in known and code_id not in coded.get(segment_id, set()):
            matches = [Match(a, b, term, kind, 1.0) for a, b, term, kind in evidence.get("matches", [])]
            theme = evidence["theme"]
            asked = f"theme answer {theme.get('rank', '?')} of {theme.get('of', '?')}, by typicality"
            out.append(
                QueueItem(by_id[segment_id], CodeScore(code_id, score, threshold=score, matches=matches, asked=asked))
            )
    out.sort(key=lambda q: (-q.score.score, q.segment.id))
    return out


Judged = tuple[dict[int, set[str]], dict[int, dict[str, str]]]  # segment → codes coded by the researcher; → decisions


def read_judged(project: Project) -> Judged:
    """What the researcher has coded (not batch auto-coding) and decided on suggestions, read once for a training
    and the semantic layer it fits."""
    return project.segment_codes(origins=RESEARCHER), project.suggestion_decisions()


def judged_view(project: Project, codes: Sequence[Code], judged: Judged | None = None) -> SemanticView | None:
    """The semantic layer with each code's query refined by the passages the researcher coded with it (not batch
    auto-coding) and the suggestions of it they rejected."""
    if not codes or not embeddings.enabled(project.setting("semantic")):
        return None
    coded, decided = judged if judged is not None else read_judged(project)
    rejected: dict[int, set[str]] = {}
    for segment_id, decisions in decided.items():
        mine = {c for c, d in decisions.items() if d == "rejected" and c not in coded.get(segment_id, set())}
        if mine:
            rejected[segment_id] = mine
    return semantic_view(project, codes, coded, rejected)


def training_data(
    project: Project, semantic: SemanticView | None = None, judged: Judged | None = None
) -> list[Labelled]:
    """Every segment the researcher has coded or decided on, labelled (see the module docstring), with the semantic
    layer's z-scores where it has them."""
    codes = [c.id for c in project.codebook().codes]
    coded, decided = judged if judged is not None else read_judged(project)
    chosen = set(project.segment_codes(origins=READ_WHOLE, one_by_one=True))  # not every search hit coded at once
    ids = sorted(set(coded) | set(decided))
    texts = {s.id: s.text for s in project.segment_texts(ids)}
    annotations = project.annotations(ids)
    z = semantic.z_for_training(project, ids) if semantic is not None else {}
    items = []
    for segment_id in ids:
        positive = coded.get(segment_id, set())
        if segment_id in chosen:  # coded by hand: the codes not chosen were weighed and left out
            labels = {c: 1.0 if c in positive else 0.0 for c in codes}
        else:  # only decisions on suggestions: the other codes were never asked about
            labels = {c: 1.0 for c in positive if c in codes}
        for code_id, decision in decided.get(segment_id, {}).items():
            if code_id in codes and code_id not in positive:
                labels[code_id] = 1.0 if decision == "accepted" else 0.0
        items.append(Labelled(texts.get(segment_id, ""), annotations.get(segment_id), labels, z.get(segment_id)))
    return items


def unreviewed(
    project: Project, items: Sequence[Labelled], semantic: SemanticView | None, n: int = PRESUMED_NEGATIVES
) -> list[Labelled]:
    """Up to ``n`` informants' segments nobody has coded or decided on, drawn at random (seeded by how many items
    there are, so a retraining on the same decisions draws the same): the presumed negatives of a training."""
    reviewed = set(project.segment_codes()) | set(project.suggestion_decisions())
    candidates = [row[0] for row in project.segment_table() if row[0] not in reviewed]
    drawn = random.Random(len(items)).sample(candidates, min(n * 2, len(candidates)))
    segments = [s for s in project.segment_texts(drawn) if not is_interviewer(s.speaker)][:n]
    annotations = project.annotations([s.id for s in segments])
    z = semantic.z(project, [s.id for s in segments]) if semantic is not None else {}
    return [Labelled(s.text, annotations.get(s.id), {}, z.get(s.id)) for s in segments]


def retrain(project: Project, splitter=None) -> TrainReport:
    """Train the learned layer on the project's decisions and keep it in the project (one transaction).
    Slow (seconds): call it from a worker with its own connection."""
    started = time.perf_counter()
    codes = project.codebook().codes
    decisions = project.decision_count()
    judged = read_judged(project)
    semantic = judged_view(project, codes, judged)
    items = training_data(project, semantic, judged)
    balanced = presumed_negatives(items, unreviewed(project, items, semantic), [c.id for c in codes])
    model: Model = train_model(codes, balanced, splitter)
    meta, data = saving.dump(model)
    with project.transaction():
        project.save_suggest_model(model.fingerprint, decisions, meta, data)
    known = sorted(model.learned.known) if model.learned else []
    return TrainReport(
        len(items), decisions, known, time.perf_counter() - started, sorted(c.id for c in codes if c.id not in known)
    )


# -- decisions: one undoable action each --------------------------------------------------------------------
def accept(project: Project, segment_id: int, score: CodeScore, coder: str, origin: str = "suggested") -> int | None:
    """Apply the suggested code to the segment and remember the decision; the coding's id (None: it was there)."""
    segment = next(project.segment_texts([segment_id]))
    label = project.code(score.code_id).label
    coding_id = None
    with project.action("suggest", f"accepted {label}", coder):
        if project.find_coding(segment.source_id, segment.start, segment.end, score.code_id, coder) is None:
            made = provenance_of(score, model_of(project.suggest_model()))
            coding_id = project.add_coding(
                segment.source_id, segment.start, segment.end, score.code_id, coder, origin, made
            )
        project.decide_suggestion(segment_id, score.code_id, "accepted", coder, score.score, evidence_of(score))
    return coding_id


def reject(project: Project, segment_id: int, score: CodeScore, coder: str) -> None:
    """Never suggest this code for this segment again (the learned layer takes it as a negative)."""
    label = project.code(score.code_id).label
    with project.action("suggest", f"rejected {label}", coder):
        project.decide_suggestion(segment_id, score.code_id, "rejected", coder, score.score, evidence_of(score))


def above_threshold(project: Project, suggester: Suggester, source_id: int) -> list[tuple[SegmentText, CodeScore]]:
    """The suggestions in a source at or above their code's threshold; the interviewer's turns are left out."""
    segments = [s for s in project.segment_texts(source_id=source_id) if not is_interviewer(s.speaker)]
    return [
        (seg, s)
        for seg, scores in zip(segments, suggester.score_segments(project, segments), strict=True)
        for s in scores
        if s.above
    ]


def accept_all_above(project: Project, suggester: Suggester, source_id: int, coder: str) -> int:
    """Accept every suggestion in a source at or above its code's threshold (not on the interviewer's turns), as
    one action; how many."""
    chosen = above_threshold(project, suggester, source_id)
    if not chosen:
        return 0
    model = model_of(suggester.trained)  # the model these scores came from
    with project.action("suggest", f"accepted {_plural(len(chosen), 'suggestion')} above the threshold", coder):
        for seg, s in chosen:
            if project.find_coding(seg.source_id, seg.start, seg.end, s.code_id, coder) is None:
                made = provenance_of(s, model)
                project.add_coding(seg.source_id, seg.start, seg.end, s.code_id, coder, "suggested", made)
            project.decide_suggestion(seg.id, s.code_id, "accepted", coder, s.score, evidence_of(s))
    return len(chosen)


def apply_codes(project: Project, chosen: Sequence[tuple[int, CodeScore]], coder: str) -> int:
    """Code segments with suggested codes in one undoable action, origin 'auto' (batch auto-coding, not a
    researcher's decision: the learned layer does not learn from these codings). How many codings were made."""
    segments = {s.id: s for s in project.segment_texts([segment_id for segment_id, _ in chosen])}
    model = model_of(project.suggest_model())
    made = 0
    with project.action("suggest", f"auto-coded {_plural(len(chosen), 'suggestion')}", coder):
        for segment_id, s in chosen:
            seg = segments[segment_id]
            if project.find_coding(seg.source_id, seg.start, seg.end, s.code_id, coder) is None:
                project.add_coding(seg.source_id, seg.start, seg.end, s.code_id, coder, "auto", provenance_of(s, model))
                made += 1
    return made


def decisions_per_minute(stamps: Sequence[float], now: float, window: float = 120.0) -> float:
    """Decisions per minute over the last ``window`` seconds (or since the first decision, if sooner)."""
    recent = [t for t in stamps if now - t <= window]
    if not recent:
        return 0.0
    span = max(now - recent[0], 30.0)  # a burst of the first few decisions does not read as hundreds a minute
    return len(recent) * 60.0 / span


def _unit(vector: Counter) -> dict[str, float]:
    """The vector scaled to length 1, so a cosine is a plain dot product (computed once per segment)."""
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit vectors (see :func:`_unit`)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())
