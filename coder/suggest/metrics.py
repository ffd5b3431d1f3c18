"""Precision, recall and F1 per code, micro and macro F1, and recall@k, for multi-label predictions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Scores:
    per_code: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)  # P, R, F1, support
    micro_p: float = 0.0
    micro_r: float = 0.0
    micro_f1: float = 0.0
    macro_f1: float = 0.0
    recall_at_3: float = 0.0
    n: int = 0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(
    gold: Sequence[set[str]],
    predicted: Sequence[set[str]],
    ranked: Sequence[list[str]],
    codes: Sequence[str],
    k: int = 3,
) -> Scores:
    """``gold[i]``/``predicted[i]``: the codes of item i; ``ranked[i]``: every code scored for it, best first.

    Macro F1 averages over ``codes`` that occur in the gold (a code nobody used has no recall to measure).
    recall@k is the share of all gold codes found among each item's k best-ranked codes.
    """
    out = Scores(n=len(gold))
    tp_all = fp_all = fn_all = 0
    f1s = []
    for code in codes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if code in g and code in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if code not in g and code in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if code in g and code not in p)
        support = tp + fn
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / support if support else 0.0
        out.per_code[code] = (p, r, f1(p, r), support)
        if support:
            f1s.append(f1(p, r))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    out.micro_p = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0
    out.micro_r = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0
    out.micro_f1 = f1(out.micro_p, out.micro_r)
    out.macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
    found = sum(len(g & set(r[:k])) for g, r in zip(gold, ranked, strict=True))
    total = sum(len(g) for g in gold)
    out.recall_at_3 = found / total if total else 0.0
    return out
