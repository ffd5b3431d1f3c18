"""Shortening labels so that they stay distinguishable when space is short (issue 18, item 6).

Cutting every label at the same width makes «Samarbeid med skole» and «Samarbeid med barnehage» both «Samarbeid med»,
Kapasitet and Kompetanse both «K». :func:`distinct` shortens a set of labels shown together so that they stay apart:
a label that fits stays whole; one that does not first drops the words it shares with its parent or its siblings
(«…skole» under «Samarbeid og samhandling»), then keeps both ends with an ellipsis in the middle
(«Kompe…rekruttering»), then a prefix long enough to tell it apart («Kompetanseløf…»). :func:`prefixes` gives the
shortest unique prefixes (the reader's margin: «Kap», «Komp»), :func:`fit` cuts one text at a word with an ellipsis.
Pure functions: widths are terminal cells (:func:`rich.cells.cell_len`), and nothing here knows about widgets.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

ELLIPSIS = "…"


def cut(text: str, width: int) -> str:
    """The longest start of ``text`` at most ``width`` cells wide (no ellipsis)."""
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = cell_len(char)
        if used + w > width:
            break
        out.append(char)
        used += w
    return "".join(out)


def _tail(text: str, width: int) -> str:
    """The longest end of ``text`` at most ``width`` cells wide."""
    return cut(text[::-1], width)[::-1]


def fit(text: str, width: int) -> str:
    """``text`` in ``width`` cells: whole if it fits, else cut with an ellipsis — after the last whole word when that
    keeps at least half of the room, else mid-word (the ellipsis says so)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head = cut(text, width - 1)
    space = head.rstrip().rfind(" ")
    whole = text[len(head) : len(head) + 1] == " "  # the cut fell between words
    if not whole and space >= (width - 1) // 2:
        head = head[:space]
    return head.rstrip(" ,·-–/") + ELLIPSIS


def middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells keeping both ends, the ellipsis in the middle (the end is often what differs); a
    single word is cut at its end."""
    if cell_len(text) <= width:
        return text
    if width <= 2:
        return fit(text, width)
    room = width - 1
    words = text.split()
    if len(words) < 2:  # one word reads best from its start
        return fit(text, width)
    last = words[-1]
    tail_width = cell_len(last) if last and cell_len(last) <= room - 3 else room // 2
    return cut(text, room - tail_width).rstrip() + ELLIPSIS + _tail(text, tail_width).lstrip()


def _shared_words(a: str, b: str) -> str:
    """The whole words ``a`` starts with that ``b`` starts with too (with the space after them), never all of ``a``."""
    shared = ""
    for word_a, word_b in zip(a.split(" ")[:-1], b.split(" "), strict=False):
        if word_a.casefold() != word_b.casefold():
            break
        shared += word_a + " "
    return shared


def _unique_prefix(label: str, others: Sequence[str]) -> int:
    """How many characters of ``label`` tell it apart from every one of ``others`` (all of it when one starts so)."""
    need = 1
    for other in others:
        if other == label:
            continue
        n = 0
        while n < len(label) and n < len(other) and label[n].casefold() == other[n].casefold():
            n += 1
        need = max(need, n + 1)
    return min(need, len(label))


def distinct(
    labels: Sequence[str], width: int | Sequence[int], parents: Sequence[str | None] | None = None
) -> list[str]:
    """Each label in its ``width`` (one for all, or one each), told apart from the others.

    ``parents``: each label's parent label (None at the top): a label that does not fit drops the words it shares
    with its parent or a sibling first. Labels that were different stay different whenever their widths leave room
    (three cells or more): when every shortening collides, the label keeps the part where it differs."""
    n = len(labels)
    widths = [width] * n if isinstance(width, int) else list(width)
    parents = list(parents) if parents is not None else [None] * n
    out: list[str | None] = [lab if cell_len(lab) <= w else None for lab, w in zip(labels, widths, strict=True)]
    taken = {o for o in out if o is not None}
    for i, label in enumerate(labels):
        if out[i] is not None:
            continue
        w = max(widths[i], 1)
        for candidate in _candidates(label, w, i, labels, parents):
            if cell_len(candidate) <= w and candidate not in taken:
                break
        else:
            candidate = _apart(label, w, labels, taken)
        out[i] = candidate
        taken.add(candidate)
    return [o or "" for o in out]


def _candidates(label: str, width: int, i: int, labels: Sequence[str], parents: Sequence[str | None]):
    """The shortenings to try, best first."""
    parent = parents[i]
    shared = [_shared_words(label, parent)] if parent else []
    shared += [_shared_words(label, other) for j, other in enumerate(labels) if j != i and parents[j] == parent]
    prefix = max(shared, key=len, default="")
    if prefix:
        rest = label[len(prefix) :]
        yield ELLIPSIS + rest
        yield ELLIPSIS + fit(rest, width - 1)
        yield ELLIPSIS + middle(rest, width - 1)
    yield middle(label, width)
    yield fit(label, width)
    yield cut(label, width - 1) + ELLIPSIS


def _apart(label: str, width: int, labels: Sequence[str], taken: set[str]) -> str:
    """Every shortening collided: the window of ``label`` where it differs from the others, else a number."""
    need = _unique_prefix(label, labels)
    if width >= 3:
        start = max(need - (width - 2), 0)
        window = label[start:need]
        candidate = (ELLIPSIS if start else "") + window
        candidate = cut(candidate, width - 1) + ELLIPSIS if need < len(label) else cut(candidate, width)
        if candidate not in taken:
            return candidate
    for number in range(2, 10_000):
        mark = f"{ELLIPSIS}{number}"
        candidate = cut(label, max(width - cell_len(mark), 0)) + mark
        if candidate not in taken:
            return candidate
    return cut(label, width)


def prefixes(labels: Sequence[str], width: int, least: int = 3) -> dict[str, str]:
    """The shortest prefix (``least`` characters at the least) that tells each label from the others, at most
    ``width`` cells: «Kap» and «Komp» for Kapasitet and Kompetanse. A label whose unique prefix is longer than the
    room gets its :func:`distinct` shortening. Keys are the labels (one entry per distinct label)."""
    unique = list(dict.fromkeys(labels))
    out: dict[str, str] = {}
    for label in unique:
        need = max(_unique_prefix(label, unique), min(least, len(label)))
        short = label[:need]
        out[label] = short if cell_len(short) <= width else ""
    rest = [label for label in unique if not out[label]]
    if rest:
        taken = {v for v in out.values() if v}
        for label, short in zip(rest, distinct(rest, width), strict=True):
            if short in taken:
                short = _apart(label, width, unique, taken)
            out[label] = short
            taken.add(short)
    return out
