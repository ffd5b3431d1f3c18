"""``coder eval --simulate``: a researcher, simulated, reviews a gold set code by code in the order each system
proposes, and we count how soon the code's passages are found (:mod:`coder.suggest.worksaved`).

For each code, the walk shows the best-ranked unit not yet reviewed; the gold answers yes or no, and that answer is
a decision the learned layer trains on, on the app's schedule (:func:`coder.suggest.engine.retrain_due`), after
which every unit not yet reviewed is ranked again — continuous active learning, as technology-assisted review
calls it. Systems, side by side on the same units and annotations:

- *random*: the expected walk in random order;
- *surface keywords*: "auto-code by text search": keyword at a word's start, ranked by hits;
- *rules*: the rule layer (base forms, phrases, compounds, variants);
- *semantic*: the semantic layer's z-score alone (:mod:`coder.suggest.semantic`);
- *rules + learned*: the engine as it learns from the walk's own decisions;
- *rules + learned + semantic*: the same with the semantic layer in the order from the first unit and in the
  calibration once it is fitted; at each retraining the code's query is refined with the answers so far
  (:meth:`coder.suggest.semantic.Normaliser.refine`), as the app refines it when its suggester reloads.

Static systems are measured by their expected value over ties; a learning system breaks ties by the rule score,
then by a seeded shuffle. Pure: no SQL, no screen.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from coder.model import Code
from coder.suggest.engine import Labelled, presumed_negatives, retrain_due, train_model
from coder.suggest.features import features
from coder.suggest.rules import RuleLayer
from coder.suggest.semantic import PRIOR_WEIGHT, Exemplars, Normaliser
from coder.suggest.surface import SurfaceKeywords
from coder.suggest.worksaved import Summary, macro, random_walk, ranked, summarise, walked

MIN_UNITS = 5  # codes with fewer gold units are listed but left out of the macro average
RANDOM, SURFACE, RULES, SEMANTIC = "random", "surface keywords", "rules", "semantic"
LEARNED, LEARNED_SEMANTIC = "rules + learned", "rules + learned + semantic"


@dataclass
class Unit:
    text: str
    annotation: dict | None
    codes: list[str]


@dataclass
class SimReport:
    units: int
    counts: dict[str, int]  # code → gold units
    measured: list[str]  # codes with at least MIN_UNITS gold units
    systems: dict[str, dict[str, Summary]] = field(default_factory=dict)  # system → code → figures
    macro: dict[str, Summary] = field(default_factory=dict)


def simulate(
    codes: Sequence[Code],
    units: Sequence[Unit],
    splitter=None,
    semantic: Normaliser | None = None,
    vectors: np.ndarray | None = None,
    seed: int = 0,
    systems: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> SimReport:
    """Walk every code with ≥ 1 gold unit through each system. ``semantic``: the semantic layer's normaliser fitted
    on ``vectors`` (the units' embeddings, units × dim, in the order of ``units``), or None to leave the semantic
    systems out."""
    say = progress or (lambda _: None)
    code_ids = [c.id for c in codes]
    counts = {c: sum(c in u.codes for u in units) for c in code_ids}
    present = [c for c in code_ids if counts[c]]
    report = SimReport(len(units), counts, [c for c in present if counts[c] >= MIN_UNITS])
    wanted = list(systems) if systems else [RANDOM, SURFACE, RULES, SEMANTIC, LEARNED, LEARNED_SEMANTIC]
    if semantic is None or vectors is None:
        semantic = vectors = None
        wanted = [s for s in wanted if SEMANTIC not in s]
    rules = RuleLayer(codes, splitter)
    ruled = [{s.code_id: s for s in rules.score(u.text, u.annotation)} for u in units]
    rule = {c: [r[c].rule if c in r else 0.0 for r in ruled] for c in present}
    surface = SurfaceKeywords(codes)
    hits = [{s.code_id: s.score for s in surface.score(u.text)} for u in units]
    words = [features(u.text, u.annotation, r) for u, r in zip(units, ruled, strict=True)]
    zs = semantic.z(vectors) if semantic is not None else None
    z = {c: [float(v) for v in zs[:, code_ids.index(c)]] for c in present} if zs is not None else {}
    for name in wanted:
        report.systems[name] = {}
    for c in present:
        relevant = [c in u.codes for u in units]
        for name in wanted:
            if name == RANDOM:
                walk = random_walk(len(units), sum(relevant))
            elif name == SURFACE:
                walk = ranked([h.get(c, 0.0) for h in hits], relevant)
            elif name == RULES:
                walk = ranked(rule[c], relevant)
            elif name == SEMANTIC:
                walk = ranked(z[c], relevant)
            else:
                say(f"{name}: {c} ({counts[c]} of {len(units)} units)")
                meaning = (semantic, vectors) if name == LEARNED_SEMANTIC else None
                walk = _learning_walk(c, codes, units, relevant, rule[c], words, meaning, splitter, seed)
            report.systems[name][c] = summarise(walk)
    for name in wanted:
        report.macro[name] = macro([report.systems[name][c] for c in report.measured])
    return report


def _learning_walk(
    code: str,
    codes: Sequence[Code],
    units: Sequence[Unit],
    relevant: list[bool],
    rule: list[float],
    words: list[list[str]],
    meaning: tuple[Normaliser, np.ndarray] | None,
    splitter,
    seed: int,
):
    """Review one code's units best first, retraining on the app's schedule on the answers so far; with
    ``meaning`` (the normaliser and the units' vectors), the code's query is refined at each retraining."""
    n = len(units)
    tie = list(range(n))
    random.Random(f"{seed}:{code}").shuffle(tie)
    column = meaning[0].codes.index(code) if meaning is not None else 0
    z = [float(v) for v in meaning[0].z(meaning[1])[:, column]] if meaning is not None else None
    prior = [r + PRIOR_WEIGHT * z[i] if z is not None else r for i, r in enumerate(rule)]
    current = list(prior)
    left = set(range(n))
    order: list[int] = []
    trained_at: int | None = None
    found, wanted = 0, sum(relevant)
    while left and found < wanted:
        if retrain_due(len(order), trained_at):
            seen: dict[int, float] = {}  # what the calibration sees of the judged units: z without themselves
            if meaning is not None:
                z, seen = _refined(meaning, code, column, order, relevant)
                prior = [r + PRIOR_WEIGHT * z[i] for i, r in enumerate(rule)]
            items = [
                Labelled(units[i].text, units[i].annotation, {code: float(relevant[i])}, _one(code, seen.get(i)))
                for i in order
            ]
            pool = [
                Labelled(units[i].text, units[i].annotation, {}, _one(code, z[i] if z is not None else None))
                for i in sorted(left)
            ]
            items = presumed_negatives(items, pool, [code], seed=seed + len(order))
            model = train_model(codes, items, splitter, seed=seed, labels=[code])
            trained_at = len(order)
            rest = sorted(left)
            known = model.learned is not None and code in model.learned.known
            probs = model.learned.predict([words[i] for i in rest]) if known else [{} for _ in rest]
            cal = model.calibration
            for i, p in zip(rest, probs, strict=True):
                semantic = z[i] if z is not None else None
                score = cal.score(rule[i], p.get(code), semantic)
                current[i] = score if cal.weights is not None else prior[i]
        pick = max(left, key=lambda i: (current[i], rule[i], tie[i]))
        left.discard(pick)
        order.append(pick)
        found += relevant[pick]
    order += sorted(left, key=lambda i: (-current[i], -rule[i], -tie[i]))
    return walked(order, relevant)


def _refined(
    meaning: tuple[Normaliser, np.ndarray], code: str, column: int, order: list[int], relevant: list[bool]
) -> tuple[list[float], dict[int, float]]:
    """The code's z over all units with its query refined by the answers so far, and each judged unit's z from the
    query refined without it."""
    norm, vectors = meaning
    pos = [i for i in order if relevant[i]]
    neg = [i for i in order if not relevant[i]]
    refined = norm.refine({code: Exemplars.of(vectors[pos], vectors[neg], vectors.shape[1])})
    z = [float(v) for v in refined.z(vectors)[:, column]]
    left_out = refined.z_left_out(vectors[order], [{code: relevant[i]} for i in order])[:, column]
    return z, {i: float(v) for i, v in zip(order, left_out, strict=True)}


def _one(code: str, z: float | None) -> dict[str, float] | None:
    return {code: z} if z is not None else None


def to_json(report: SimReport) -> dict:
    def figures(s: Summary) -> dict:
        return {
            "recall_after": {f"{share:.0%}": round(r, 4) for share, r in s.recall.items()},
            "wss_at_95": round(s.wss, 4),
            "reviewed_per_found": round(s.per_find, 3),
            "relevant": s.relevant,
        }

    return {
        "units": report.units,
        "codes_measured": report.measured,
        "gold_units_per_code": report.counts,
        "macro": {name: figures(s) for name, s in report.macro.items()},
        "per_code": {name: {c: figures(s) for c, s in per.items()} for name, per in report.systems.items()},
    }


def render(report: SimReport) -> str:
    names = list(report.macro)
    lines = [
        f"work saved: {report.units} units; macro over the {len(report.measured)} codes with ≥ {MIN_UNITS} gold units",
        "",
        f"{'system':<28}{'R@10%':>7}{'R@20%':>7}{'R@30%':>7}{'R@50%':>7}{'WSS@95':>8}{'per find':>10}",
    ]
    for name in names:
        s = report.macro[name]
        cells = "".join(f"{s.recall[share]:>7.2f}" for share in sorted(s.recall))
        lines.append(f"{name:<28}{cells}{s.wss:>8.3f}{s.per_find:>10.2f}")
    lines += ["", "WSS@95 per code", f"{'code':<22}{'n':>4}  " + "".join(f"{_short(n):>11}" for n in names)]
    for c in sorted(report.counts, key=lambda c: -report.counts[c]):
        if not report.counts[c]:
            continue
        mark = "" if c in report.measured else " *"
        row = "".join(f"{report.systems[n][c].wss:>11.3f}" for n in names)
        lines.append(f"{(c + mark)[:22]:<22}{report.counts[c]:>4}  {row}")
    lines.append(f"* fewer than {MIN_UNITS} gold units: not in the macro average")
    return "\n".join(lines)


def _short(name: str) -> str:
    return {RANDOM: "random", SURFACE: "surface", RULES: "rules", SEMANTIC: "semantic", LEARNED: "+learned"}.get(
        name, "+learn+sem"
    )
