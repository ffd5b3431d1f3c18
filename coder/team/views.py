"""Whose codings the reader shows: everyone's, one coder's, or where two coders differ.

The reader draws what it is given; the main screen passes the codings through :func:`visible`.
"""

from __future__ import annotations

from dataclasses import dataclass

from coder.model import Coding


@dataclass(frozen=True)
class CoderView:
    """``coders=()``: everyone's codings; one name: only theirs; two names and ``differences``: the codings of
    either that the other has not made (the same code on the same span)."""

    coders: tuple[str, ...] = ()
    differences: bool = False

    def describe(self) -> str:
        if not self.coders:
            return ""
        if self.differences:
            return f"{self.coders[0]} ≠ {self.coders[1]}"
        return f"only {self.coders[0]}"


EVERYONE = CoderView()


def visible(codings: list[Coding], view: CoderView) -> list[Coding]:
    if not view.coders:
        return codings
    if not view.differences:
        return [c for c in codings if c.coder == view.coders[0]]
    a, b = view.coders[:2]
    keys = {name: {(c.source_id, c.start, c.end, c.code_id) for c in codings if c.coder == name} for name in (a, b)}
    other = {a: keys[b], b: keys[a]}
    return [c for c in codings if c.coder in other and (c.source_id, c.start, c.end, c.code_id) not in other[c.coder]]


def choices(coders: dict[str, int], me: str, consensus: str) -> list[tuple[CoderView, str]]:
    """The views worth offering for coders with ``coders[name]`` codings: everyone, each coder, and the
    differences between the coders who coded most (me and consensus first when they coded)."""
    out: list[tuple[CoderView, str]] = [(EVERYONE, f"everyone's codings ({sum(coders.values())})")]
    for name, n in sorted(coders.items(), key=lambda kv: (kv[0] != me, -kv[1], kv[0])):
        out.append((CoderView((name,)), f"only {name} ({n})"))
    people = sorted(coders, key=lambda name: (name != me, name == consensus, -coders[name], name))[:4]
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            out.append((CoderView((a, b), True), f"where {a} and {b} differ"))
    return out
