"""The agreed coding: walk the disagreements between coders and record what the team settles on.

An *item* is a (segment, code) pair some compared coder coded: each coder's codings of that code that overlap the
segment, cut to the segment. Where every coder has the same spans there, the item is *agreed*; anywhere else it is
a *disagreement*. Deciding one records the consensus — codings under the coder name «consensus» (setting
``consensus_coder`` changes it), cut to the segment — and the decision itself (setting
``consensus|<name>|<segment>|<code>``: the choice, the coders, a fingerprint of what they had coded, who decided
and when), as one undoable action. The coders' own codings are never touched. A decision whose fingerprint no
longer matches (a coder changed their coding since) counts as open again.

Choices: a coder's name (take their spans), ``both`` (the union of everyone's spans: the code applies), ``neither``
(the code does not apply here: no consensus coding). :func:`take_agreed` records every agreed item at once, so the
consensus is a whole coding that agreement can be computed against (``--coders kari,consensus``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coder.errors import CoderError
from coder.model import CONSENSUS_PREFIX
from coder.team.agreement import Span, check_coders, merge_spans, scope_sources
from coder.team.identity import consensus_name

if TYPE_CHECKING:
    from coder.store import Project

BOTH, NEITHER, AGREED = "both", "neither", "agreed"


@dataclass
class Item:
    segment_id: int
    source_id: int
    source: str
    ordinal: int  # the segment's place in its source (0-based)
    start: int
    end: int
    code_id: str
    spans: dict[str, list[Span]]  # per compared coder: their spans of the code, cut to the segment
    decision: dict | None = None  # the recorded decision, when fresh

    @property
    def agreed(self) -> bool:
        first = next(iter(self.spans.values()))
        return bool(first) and all(s == first for s in self.spans.values())

    @property
    def state(self) -> str:
        """A fingerprint of what the coders coded here (a decision holds it, to notice later changes)."""
        blob = json.dumps(sorted((c, s) for c, s in self.spans.items()), separators=(",", ":"))
        return hashlib.blake2b(blob.encode(), digest_size=8).hexdigest()

    def applied(self, coder: str) -> bool:
        return bool(self.spans.get(coder))


@dataclass
class Walk:
    """The items of a comparison: the disagreements in reading order, and the counts."""

    coders: list[str]
    consensus: str
    items: list[Item] = field(default_factory=list)  # disagreements only, decided or not
    agreed: int = 0  # agreed items
    agreed_recorded: int = 0  # agreed items already in the consensus

    @property
    def open(self) -> list[Item]:
        return [i for i in self.items if i.decision is None]

    @property
    def decided(self) -> int:
        return sum(i.decision is not None for i in self.items)


def _key(consensus: str, segment_id: int, code_id: str) -> str:
    return f"{CONSENSUS_PREFIX}{consensus}|{segment_id}|{code_id}"


def _clip(spans: list[Span], start: int, end: int) -> list[Span]:
    return merge_spans([(max(s, start), min(e, end)) for s, e in spans if min(e, end) > max(s, start)])


def all_items(
    project: Project,
    coders: list[str],
    code_ids: list[str] | None = None,
    sources: list[str] | None = None,
) -> tuple[list[Item], str]:
    """Every item some compared coder coded, in reading order (sources, segments, codebook order), with its
    fresh decision; and the consensus coder's name."""
    consensus = consensus_name(project)
    coders = check_coders(project, coders)
    if consensus in coders:
        raise CoderError(f"«{consensus}» holds the agreed coding: compare it with agreement, not in the consensus walk")
    codings = [c for c in project.codings() if c.coder in coders and (not code_ids or c.code_id in code_ids)]
    chosen, _ = scope_sources(project, coders, sources, codings)
    names = dict(chosen)
    order = {c.id: k for k, c in enumerate(project.codebook().codes)}
    segs = project.segment_table(list(names))
    by_source: dict[int, list[tuple[int, int, int, int]]] = {}
    for k, (seg_id, sid, start, end) in enumerate(segs):
        by_source.setdefault(sid, []).append((start, end, seg_id, k))
    starts = {sid: [s[0] for s in v] for sid, v in by_source.items()}
    ordinal = {}
    for v in by_source.values():
        for n, seg in enumerate(v):
            ordinal[seg[2]] = n
    raw: dict[tuple[int, str], dict[str, list[Span]]] = {}
    where: dict[int, tuple[int, int, int, int]] = {}
    for c in codings:
        if c.source_id not in names:
            continue
        segments = by_source.get(c.source_id, [])
        i = max(0, bisect.bisect_right(starts[c.source_id], c.start) - 1)
        while i < len(segments) and segments[i][0] < c.end:
            start, end, seg_id, k = segments[i]
            if end > c.start and end > start:
                raw.setdefault((seg_id, c.code_id), {}).setdefault(c.coder, []).append((c.start, c.end))
                where[seg_id] = (c.source_id, start, end, k)
            i += 1
    decisions = project.consensus_decisions(consensus)
    items = []
    for (seg_id, code), spans in raw.items():
        sid, start, end, _ = where[seg_id]
        item = Item(
            seg_id,
            sid,
            names[sid],
            ordinal[seg_id],
            start,
            end,
            code,
            {coder: _clip(spans.get(coder, []), start, end) for coder in coders},
        )
        decision = decisions.get((seg_id, code))
        if decision is not None and decision.get("state") == item.state:
            item.decision = decision
        items.append(item)
    items.sort(key=lambda i: (where[i.segment_id][3], order.get(i.code_id, len(order)), i.code_id))
    return items, consensus


def walk(
    project: Project, coders: list[str], code_ids: list[str] | None = None, sources: list[str] | None = None
) -> Walk:
    """The disagreements to walk, and how many items are agreed."""
    items, consensus = all_items(project, coders, code_ids, sources)
    out = Walk(check_coders(project, coders), consensus)
    for item in items:
        if item.agreed:
            out.agreed += 1
            out.agreed_recorded += item.decision is not None
        else:
            out.items.append(item)
    return out


def take_agreed(
    project: Project, coders: list[str], by: str, code_ids: list[str] | None = None, sources: list[str] | None = None
) -> int:
    """Record every agreed item not yet in the consensus (one undoable action); returns how many."""
    items, consensus = all_items(project, coders, code_ids, sources)
    todo = [i for i in items if i.agreed and i.decision is None]
    if not todo:
        return 0
    with project.action("consensus", f"took {len(todo)} agreed passages as consensus", by):
        for item in todo:
            _record(project, item, AGREED, item.spans[coders[0]], consensus, by)
    return len(todo)


def choices(item: Item) -> list[str]:
    """What can be decided on an item: each coder who applied the code, both, neither."""
    return [*(c for c in item.spans if item.spans[c]), BOTH, NEITHER]


def spans_for(item: Item, choice: str) -> list[Span]:
    if choice == NEITHER:
        return []
    if choice == BOTH:
        return merge_spans([s for spans in item.spans.values() for s in spans])
    if choice not in item.spans:
        raise CoderError(f"«{choice}» is not one of the coders compared ({', '.join(item.spans)})")
    return item.spans[choice]


def decide(project: Project, item: Item, choice: str, by: str) -> str:
    """Record the consensus on one item (one undoable action). Choosing a coder who did not apply the code
    means «neither». Returns the action's label."""
    consensus = consensus_name(project)
    spans = spans_for(item, choice)
    code = project.code(item.code_id).label
    what = {BOTH: "both", NEITHER: "neither"}.get(choice, f"{choice}'s")
    label = f"consensus on {code} in {item.source} §{item.ordinal + 1}: {what}"
    with project.action("consensus", label, by):
        _record(project, item, choice if spans or choice == NEITHER else NEITHER, spans, consensus, by)
    return label


def _record(project: Project, item: Item, choice: str, spans: list[Span], consensus: str, by: str) -> None:
    """Inside an action: replace the consensus codings of the item's code inside its segment, save the decision."""
    for coding in project.codings(item.source_id, item.code_id):
        if coding.coder == consensus and item.start <= coding.start and coding.end <= item.end:
            project.remove_coding(coding.id)
    for start, end in spans:
        project.add_coding(item.source_id, start, end, item.code_id, consensus)
    value = {
        "choice": choice,
        "coders": list(item.spans),
        "state": item.state,
        "by": by,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    project.put_setting(_key(consensus, item.segment_id, item.code_id), json.dumps(value, ensure_ascii=False))
