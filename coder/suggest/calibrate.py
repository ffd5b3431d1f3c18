"""One calibrated score from the two layers, and a threshold per code.

A logistic regression over ``[rule score, logit of the learned probability, whether the model knows the code]``,
pooled over all codes (a code with a handful of decisions cannot carry a model of its own), fitted on
*out-of-fold* predictions so it learns how far to trust the learned layer on segments it has not seen. Its output
estimates the chance that a suggestion is right. Each code's threshold maximises F1 on those same predictions when
the code has enough positives; the others share the pooled threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

RULE_THRESHOLD = 0.4  # rules alone: one keyword matched by base form, phrase or compound part is a suggestion
MIN_FOR_OWN_THRESHOLD = 20  # a threshold of its own needs this many positives (fewer: noise, measured on the dev gold)
L2 = 1.0
MIN_EACH = 10  # right and wrong examples each, before the calibration is fitted
THRESHOLD_RANGE = (0.1, 0.9)  # a threshold outside it would suggest everything or nothing


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _row(rule: float, learned: float | None, semantic: float | None = None, with_semantic: bool = False) -> list[float]:
    row = [1.0, rule, _logit(learned) if learned is not None else 0.0, 1.0 if learned is not None else 0.0]
    if with_semantic:  # the semantic layer's z-score (0 where it has none), and whether it has one
        row += [semantic if semantic is not None else 0.0, 1.0 if semantic is not None else 0.0]
    return row


@dataclass
class Calibration:
    weights: list[float] | None = None  # None: rules alone, score = rule score
    threshold: float = RULE_THRESHOLD
    thresholds: dict[str, float] = field(default_factory=dict)

    def score(self, rule: float, learned: float | None, semantic: float | None = None) -> float:
        """The calibrated score; with no calibration yet, the rule score (the rules decide until there is one). A
        calibration fitted without the semantic layer ignores ``semantic``."""
        if self.weights is None:
            return rule
        row = _row(rule, learned, semantic, with_semantic=len(self.weights) > 4)
        z = sum(w * x for w, x in zip(self.weights, row, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def threshold_of(self, code_id: str) -> float:
        return self.thresholds.get(code_id, self.threshold)

    def to_dict(self) -> dict:
        return {"weights": self.weights, "threshold": self.threshold, "thresholds": self.thresholds}

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        return cls(data.get("weights"), data.get("threshold", RULE_THRESHOLD), dict(data.get("thresholds", {})))


def fit(rows: Sequence[tuple[str, float, float | None, float | None, int]], semantic: bool = False) -> Calibration:
    """``rows``: (code, rule score, out-of-fold learned probability or None, semantic z-score or None, 1 if right
    else 0); ``semantic``: fit a weight for the semantic layer too. Too few of either kind (:data:`MIN_EACH`): the
    rules alone, as before any training."""
    positives = sum(y for *_, y in rows)
    if positives < MIN_EACH or len(rows) - positives < MIN_EACH:
        return Calibration()
    x = np.array([_row(r, p, z, semantic) for _, r, p, z, _ in rows])
    y = np.array([y for *_, y in rows], dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2)
    penalty[0] = 0.0  # the intercept is free
    for _ in range(50):  # Newton's method on the L2-penalised log-likelihood
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    cal = Calibration(weights=[float(v) for v in w])
    scored = [(code, cal.score(r, p, z), y) for code, r, p, z, y in rows]
    cal.threshold = _clamp(best_threshold([(s, y) for _, s, y in scored]))
    for code in sorted({c for c, *_ in rows}):
        mine = [(s, y) for c, s, y in scored if c == code]
        if sum(y for _, y in mine) >= MIN_FOR_OWN_THRESHOLD:
            cal.thresholds[code] = _clamp(best_threshold(mine, cal.threshold))
    return cal


def _clamp(threshold: float) -> float:
    return min(THRESHOLD_RANGE[1], max(THRESHOLD_RANGE[0], threshold))


def best_threshold(scored: Sequence[tuple[float, int]], fallback: float = 0.5) -> float:
    """The threshold with the best F1 over (score, right) pairs; ties go to the one nearest ``fallback``."""
    positives = sum(y for _, y in scored)
    if not positives:
        return fallback
    best = (-1.0, 0.0, fallback)
    values = sorted({round(s, 4) for s, _ in scored})
    for i, t in enumerate(values):
        tp = sum(1 for s, y in scored if s >= t and y)
        fp = sum(1 for s, y in scored if s >= t and not y)
        f = 2 * tp / (2 * tp + fp + (positives - tp)) if tp else 0.0
        cut = (t + values[i - 1]) / 2 if i else t  # halfway to the next lower score: unseen scores fall on a side
        key = (f, -abs(cut - fallback), cut)
        if key > best:
            best = key
    return best[2]
