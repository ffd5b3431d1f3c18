"""One engine, one score: the rule layer and the learned layer combined into a calibrated score per code.

:class:`Engine` scores segments from their text and cached annotation; :func:`train_model` makes the learned
layer and the calibration from labelled segments (the project's decisions, or gold data in ``coder eval``).
No SQL and no screen here: ``coder.suggest.service`` connects the engine to a project.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from coder.model import Code
from coder.suggest.calibrate import Calibration, fit
from coder.suggest.evidence import CodeScore
from coder.suggest.features import features
from coder.suggest.learned import Item, LearnedLayer
from coder.suggest.rules import RuleLayer
from coder.suggest.semantic import PRIOR_WEIGHT

CALIBRATION_FOLDS = 3
MIN_DECISIONS = 10  # decisions before the first training
RETRAIN_SHARE = 0.1  # retrain when decisions grew by this share since the last training (and by MIN_DECISIONS)


PRESUMED_NEGATIVES = 100  # unreviewed segments taken as negatives at each training (Cormack & Grossman's AutoTAR)


def presumed_negatives(
    items: Sequence[Labelled],
    pool: Sequence[Labelled],
    codes: Sequence[str],
    seed: int = 0,
    n: int = PRESUMED_NEGATIVES,
) -> list[Labelled]:
    """``items`` plus up to ``n`` segments from ``pool`` (segments nobody has reviewed) labelled *not* each code of
    ``codes`` that has positives among ``items``. Most unreviewed segments do not have a given code, so this is the
    cheap, standard remedy (continuous active learning, "AutoTAR") for a layer that has seen only positives — after
    a bulk action, or at the start of a review that shows the likeliest first — and would otherwise learn that
    everything is that code."""
    wanted = [c for c in codes if any(i.labels.get(c) == 1.0 for i in items)]
    if not wanted or not pool:
        return list(items)
    chosen = random.Random(seed).sample(range(len(pool)), min(n, len(pool)))
    extra = [Labelled(pool[j].text, pool[j].annotation, dict.fromkeys(wanted, 0.0), pool[j].semantic) for j in chosen]
    return [*items, *extra]


def retrain_due(decisions: int, trained_at: int | None) -> bool:
    """The app's schedule: train after :data:`MIN_DECISIONS` decisions, then again when they grew by as many and by
    :data:`RETRAIN_SHARE` (``trained_at``: the decisions the last training saw, None before the first)."""
    if trained_at is None:
        return decisions >= MIN_DECISIONS
    grown = decisions - trained_at
    return grown >= MIN_DECISIONS and grown >= RETRAIN_SHARE * trained_at


def fingerprint(codes: Sequence[Code]) -> str:
    """What a trained model is tied to: the codebook's ids and keywords (labels and colours may change freely)."""
    data = json.dumps(sorted((c.id, sorted(c.keywords)) for c in codes), ensure_ascii=False)
    return hashlib.blake2b(data.encode(), digest_size=8).hexdigest()


@dataclass
class Labelled:
    """A segment with what is known of its codes: 1.0 coded (or accepted), 0.0 rejected; others unknown."""

    text: str
    annotation: dict | None
    labels: dict[str, float]
    semantic: dict[str, float] | None = None  # code → the semantic layer's z-score for this segment, if it has one


@dataclass
class Model:
    """The learned part of the engine, saved with the project."""

    learned: LearnedLayer | None
    calibration: Calibration
    fingerprint: str
    items: int = 0
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # code → (positives, negatives)


class Engine:
    def __init__(self, codes: Sequence[Code], splitter=None, model: Model | None = None) -> None:
        self.codes = list(codes)
        self.rules = RuleLayer(self.codes, splitter)
        self.model = model
        self._ids = {c.id for c in self.codes}

    @property
    def calibration(self) -> Calibration:
        return self.model.calibration if self.model is not None else Calibration()

    def score(self, text: str, annotation: dict | None = None) -> list[CodeScore]:
        return self.score_many([(text, annotation)])[0]

    def score_many(
        self, segments: Sequence[tuple[str, dict | None]], semantic: Sequence[dict[str, float] | None] | None = None
    ) -> list[list[CodeScore]]:
        """Per segment, every code with rule evidence, a learned probability or a semantic z-score (``semantic[i]``:
        code → z for segment i, from :mod:`coder.suggest.semantic`), best first."""
        zs: Sequence[dict[str, float] | None] = semantic if semantic is not None else [None] * len(segments)
        ruled = [{s.code_id: s for s in self.rules.score(text, ann)} for text, ann in segments]
        learned: list[dict[str, float]] = [{} for _ in segments]
        if self.model is not None and self.model.learned is not None and self.model.learned.known:
            words = [features(text, ann, rules) for (text, ann), rules in zip(segments, ruled, strict=True)]
            learned = self.model.learned.predict(words)
        cal = self.calibration
        out = []
        for rules, probs, z in zip(ruled, learned, zs, strict=True):
            scores = []
            for code_id in self._ids & (set(rules) | set(probs) | set(z or ())):
                r = rules.get(code_id)
                rule = r.rule if r is not None else 0.0
                p = probs.get(code_id)
                sem = z.get(code_id) if z else None
                scores.append(
                    CodeScore(
                        code_id,
                        cal.score(rule, p, sem),
                        threshold=cal.threshold_of(code_id),
                        rule=rule,
                        learned=p,
                        matches=r.matches if r is not None else [],
                        semantic=sem,
                        prior=PRIOR_WEIGHT * sem if sem is not None and cal.weights is None else 0.0,
                        calibrated=cal.weights is not None,
                    )
                )
            scores.sort(key=lambda s: (-s.order, -s.rule, s.code_id))
            out.append(scores)
        return out


def train_model(
    codes: Sequence[Code],
    items: Sequence[Labelled],
    splitter=None,
    seed: int = 0,
    folds: int = CALIBRATION_FOLDS,
    labels: Sequence[str] | None = None,
) -> Model:
    """The learned layer on all ``items``, and a calibration fitted on out-of-fold predictions of ``folds`` models.
    ``labels``: the codes the learned layer learns (default all; a simulation of one code's walk gives that one —
    the features still see every code's rules, and a code's output does not depend on the others')."""
    code_ids = list(labels) if labels is not None else [c.id for c in codes]
    rules = RuleLayer(codes, splitter)
    ruled = [{s.code_id: s.rule for s in rules.score(i.text, i.annotation)} for i in items]
    data = [
        Item(features(i.text, i.annotation, r), {c: v for c, v in i.labels.items() if c in code_ids})
        for i, r in zip(items, ruled, strict=True)
    ]
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    oof: list[dict[str, float]] = [{} for _ in items]
    k = min(folds, len(items))
    if k >= 2:
        for f in range(k):
            held = order[f::k]
            held_set = set(held)
            layer = LearnedLayer(code_ids).train([d for j, d in enumerate(data) if j not in held_set], seed=seed)
            for j, probs in zip(held, layer.predict([data[j].words for j in held]), strict=True):
                oof[j] = probs
    rows = [
        (code, ruled[j].get(code, 0.0), oof[j].get(code), (items[j].semantic or {}).get(code), int(value == 1.0))
        for j, d in enumerate(data)
        for code, value in d.labels.items()
    ]
    final = LearnedLayer(code_ids).train(data, seed=seed)
    semantic = any(i.semantic for i in items)
    return Model(final, fit(rows, semantic), fingerprint(codes), len(items), dict(final.counts))
