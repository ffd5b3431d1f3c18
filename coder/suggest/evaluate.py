"""``coder eval``: how well suggestions match a gold standard, for three systems side by side.

1. *surface*: keyword matching on surface forms, what "auto-code by text search" in a QDA program does;
2. *rules*: the rule layer alone (base forms, phrases, compounds, spelling variants);
3. *rules + learned*: the whole engine, cross-validated: trained on k-1 folds of the gold, scored on the k-th,
   with a learning curve over the share of the training folds used.

The gold is JSON Lines, one item per line: ``{"id": …, "text": …, "codes": [code id, …]}`` (other fields are
ignored). Every figure is computed in one run on the same annotations.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import InputError
from coder.ingest.decode import read_text
from coder.model import Code
from coder.suggest.engine import Engine, Labelled, train_model
from coder.suggest.evidence import CodeScore
from coder.suggest.metrics import Scores, score
from coder.suggest.surface import SurfaceKeywords

SHARES = (0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass
class GoldItem:
    id: str
    text: str
    codes: list[str]


@dataclass
class Report:
    items: int
    folds: int
    systems: dict[str, Scores] = field(default_factory=dict)
    curve: list[tuple[float, int, Scores]] = field(default_factory=list)  # (share, training items per fold, scores)


def load_gold(path: Path, codes: Sequence[Code]) -> list[GoldItem]:
    """Read a gold file; any fault names the file and the line."""
    text, _ = read_text(path)
    known = {c.id for c in codes}
    items: list[GoldItem] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"not valid JSON: {exc.msg}", number) from None
        if not isinstance(row, dict):
            raise InputError(path, "each line must be a JSON object with 'text' and 'codes'", number)
        body, labels = row.get("text"), row.get("codes")
        if not isinstance(body, str) or not body.strip():
            raise InputError(path, "'text' is missing or empty", number)
        if not isinstance(labels, list) or not all(isinstance(c, str) for c in labels):
            raise InputError(path, "'codes' must be a list of code ids", number)
        unknown = [c for c in labels if c not in known]
        if unknown:
            raise InputError(path, f"code {unknown[0]!r} is not in the codebook", number)
        items.append(GoldItem(str(row.get("id", number)), body, labels))
    if len(items) < 2:
        raise InputError(path, f"{len(items)} gold item(s): an evaluation needs at least 2")
    return items


def _evaluate(gold: Sequence[GoldItem], scored: Sequence[list[CodeScore]], codes: Sequence[str]) -> Scores:
    return score(
        [set(g.codes) for g in gold],
        [{s.code_id for s in ss if s.above} for ss in scored],
        [[s.code_id for s in ss] for ss in scored],
        codes,
    )


def folds_of(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[f::k] for f in range(k)]


def evaluate(
    codes: Sequence[Code],
    gold: Sequence[GoldItem],
    annotations: Sequence[dict | None],
    splitter=None,
    folds: int = 5,
    seed: int = 0,
    shares: Sequence[float] = SHARES,
    progress: Callable[[str], None] | None = None,
) -> Report:
    code_ids = [c.id for c in codes]
    say = progress or (lambda _: None)
    k = max(2, min(folds, len(gold)))
    report = Report(len(gold), k)
    segments = [(g.text, a) for g, a in zip(gold, annotations, strict=True)]
    surface = SurfaceKeywords(codes)
    report.systems["surface keywords"] = _evaluate(gold, [surface.score(t) for t, _ in segments], code_ids)
    report.systems["rules"] = _evaluate(gold, Engine(codes, splitter).score_many(segments), code_ids)
    parts = folds_of(len(gold), k, seed)
    for share in sorted(shares, reverse=True):
        scored: list[list[CodeScore]] = [[] for _ in gold]
        used = 0
        for f, test in enumerate(parts):
            say(f"rules + learned: {share:.0%} of the training folds, fold {f + 1}/{k}")
            held = set(test)
            train_idx = [j for j in range(len(gold)) if j not in held]
            random.Random(seed + f).shuffle(train_idx)
            train_idx = train_idx[: max(1, round(share * len(train_idx)))]
            used = len(train_idx)
            items = [
                Labelled(gold[j].text, annotations[j], {c: float(c in gold[j].codes) for c in code_ids})
                for j in train_idx
            ]
            engine = Engine(codes, splitter, train_model(codes, items, splitter, seed=seed))
            for j, s in zip(test, engine.score_many([segments[j] for j in test]), strict=True):
                scored[j] = s
        result = _evaluate(gold, scored, code_ids)
        report.curve.append((share, used, result))
        if share == 1.0:
            report.systems[f"rules + learned ({k}-fold)"] = result
    report.curve.sort(key=lambda row: row[0])
    return report


def to_json(report: Report) -> dict:
    def scores(s: Scores) -> dict:
        return {
            "micro_p": s.micro_p,
            "micro_r": s.micro_r,
            "micro_f1": s.micro_f1,
            "macro_f1": s.macro_f1,
            "recall_at_3": s.recall_at_3,
            "per_code": {c: {"p": p, "r": r, "f1": f, "support": n} for c, (p, r, f, n) in s.per_code.items()},
        }

    return {
        "items": report.items,
        "folds": report.folds,
        "systems": {name: scores(s) for name, s in report.systems.items()},
        "learning_curve": [{"share": sh, "train_items": n, **scores(s)} for sh, n, s in report.curve],
    }


def render(report: Report, codes: Sequence[Code]) -> str:
    """The report as plain text tables."""
    names = list(report.systems)
    short = {n: n.split(" (")[0] for n in names}
    lines = [
        f"{report.items} gold items, {len(codes)} codes; rules + learned cross-validated in {report.folds} folds",
        "",
    ]
    head = f"{'code':<22}{'n':>4}  " + "  ".join(f"{short[n][:20]:>20}" for n in names)
    lines += [head, f"{'':<26}  " + "  ".join(f"{'P    R    F1':>20}" for _ in names), "-" * len(head)]
    for code in codes:
        cells = []
        support = 0
        for n in names:
            p, r, f, support = report.systems[n].per_code.get(code.id, (0.0, 0.0, 0.0, 0))
            cells.append(f"{p:.2f} {r:.2f} {f:.2f}".rjust(20))
        lines.append(f"{code.id[:22]:<22}{support:>4}  " + "  ".join(cells))
    lines.append("-" * len(head))
    for label, get in (
        ("micro-F1", lambda s: s.micro_f1),
        ("macro-F1", lambda s: s.macro_f1),
        ("recall@3", lambda s: s.recall_at_3),
    ):
        lines.append(f"{label:<26}  " + "  ".join(f"{get(report.systems[n]):>20.3f}" for n in names))
    lines += [
        "",
        "learning curve (rules + learned): share of the training folds used",
        f"{'share':>6} {'items':>6} {'micro-F1':>9} {'macro-F1':>9} {'recall@3':>9}",
    ]
    for share, used, s in report.curve:
        lines.append(f"{share:>6.0%} {used:>6} {s.micro_f1:>9.3f} {s.macro_f1:>9.3f} {s.recall_at_3:>9.3f}")
    return "\n".join(lines)
