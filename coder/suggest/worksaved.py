"""Work saved, measured the way technology-assisted review is: how soon a walk through the units finds a code's
passages.

A *walk* is the order in which a researcher reviews the units for one code; ``found[n]`` is how many of the code's
gold units are among the first ``n`` reviewed. From it: recall after reviewing 10, 20, 30 and 50 % of the units;
WSS@95, the work saved over sampling at 95 % recall, ``(N − n95)/N − 0.05`` where ``n95`` units had to be reviewed
to reach 95 % recall (Cohen et al. 2006); and units reviewed per passage found on the way there.

A static ranking with ties is measured by its expected value over every order of the tied units, so that a
system that cannot tell units apart gets what a coin would, not what the file order happens to give; random order
is the same computation with every unit tied.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SHARES = (0.1, 0.2, 0.3, 0.5)
TARGET = 0.95


@dataclass
class Walk:
    """A walk as groups of units reviewed in an unknown order among themselves (ties), in the order reviewed:
    ``(units, relevant among them)``. A system that orders every unit has groups of one."""

    groups: list[tuple[int, int]]

    @property
    def relevant(self) -> int:
        return sum(p for _, p in self.groups)

    @property
    def found(self) -> list[float]:
        """The expected number found after each number of units reviewed: ``found[n]`` for n = 0 … N."""
        out = [0.0]
        for size, positives in self.groups:
            for _ in range(size):
                out.append(out[-1] + positives / size)
        return out

    @property
    def units(self) -> int:
        return sum(g for g, _ in self.groups)

    def recall_after(self, share: float) -> float:
        n = math.ceil(share * self.units - 1e-9)
        return self.found[n] / self.relevant if self.relevant else 0.0

    def reviewed_for(self, recall: float = TARGET) -> float:
        """Units reviewed (expected, may be fractional) when ``recall`` of the relevant units are found."""
        need = math.ceil(recall * self.relevant - 1e-9)
        reviewed = found = 0
        for size, positives in self.groups:
            if need <= 0:
                break
            if found + positives >= need:  # the j-th of p relevant among g tied units comes on average at j(g+1)/(p+1)
                j = need - found
                return reviewed + j * (size + 1) / (positives + 1)
            reviewed += size
            found += positives
        return float(reviewed)

    def wss(self, recall: float = TARGET) -> float:
        return (self.units - self.reviewed_for(recall)) / self.units - (1 - recall) if self.units else 0.0

    def per_find(self, recall: float = TARGET) -> float:
        """Units reviewed per relevant unit found, up to ``recall``."""
        need = math.ceil(recall * self.relevant - 1e-9)
        return self.reviewed_for(recall) / need if need else 0.0


def ranked(scores: Sequence[float], relevant: Sequence[bool]) -> Walk:
    """The expected walk down ``scores``, best first, ties in random order."""
    groups: dict[float, list[bool]] = {}
    for s, r in zip(scores, relevant, strict=True):
        groups.setdefault(s, []).append(r)
    return Walk([(len(groups[s]), sum(groups[s])) for s in sorted(groups, reverse=True)])


def walked(order: Sequence[int], relevant: Sequence[bool]) -> Walk:
    """The walk that reviews the units in ``order`` (indexes), for a system that reorders as it learns."""
    return Walk([(1, int(relevant[i])) for i in order])


def random_walk(units: int, relevant: int) -> Walk:
    """The expected walk in random order: every unit tied."""
    return ranked([0.0] * units, [True] * relevant + [False] * (units - relevant))


@dataclass
class Summary:
    recall: dict[float, float]  # share reviewed → recall
    wss: float
    per_find: float
    relevant: int
    units: int


def summarise(walk: Walk, shares: Sequence[float] = SHARES) -> Summary:
    return Summary({s: walk.recall_after(s) for s in shares}, walk.wss(), walk.per_find(), walk.relevant, walk.units)


def macro(summaries: Sequence[Summary]) -> Summary:
    """The mean over codes of every figure."""
    n = len(summaries)
    if not n:
        return Summary({}, 0.0, 0.0, 0, 0)
    shares = summaries[0].recall
    return Summary(
        {s: sum(x.recall[s] for x in summaries) / n for s in shares},
        sum(x.wss for x in summaries) / n,
        sum(x.per_find for x in summaries) / n,
        sum(x.relevant for x in summaries),
        summaries[0].units,
    )
