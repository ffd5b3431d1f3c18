"""Every edit a researcher makes while coding, as one undoable action each.

The TUI calls these; so can a test or a script. Each function is one transaction and
one entry in the action log, so ``project.undo()`` takes it back whole, also after a
restart. Labels are what the status line says after the action and after its undo.
"""

from __future__ import annotations

import json

from coder.codebook.files import PALETTE, slug
from coder.errors import CoderError
from coder.model import Code
from coder.store import Project

QUICK_SLOTS = 9
_RECENT = "recent_codes"
_PINNED = "pinned_codes"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _label(project: Project, code_id: str) -> str:
    return project.code(code_id).label


# -- codings -------------------------------------------------------------------
def code_spans(
    project: Project, spans: list[tuple[int, int, int]], code_id: str, coder: str, provenance: dict | None = None
) -> list[int]:
    """Apply a code to ``(source_id, start, end)`` spans; spans it already has are skipped. ``provenance``: how they
    came to be coded, e.g. ``{"bulk": "search", "query": …}`` for every hit of a search at once (the learned layer
    then does not take those segments as read whole). Returns the new codings' ids (empty when nothing was new)."""
    label = _label(project, code_id)
    ids: list[int] = []
    what = "passage" if len(spans) == 1 else "passages"
    with project.action("code", f"coded {len(spans)} {what} as {label}", coder):
        for source_id, start, end in spans:
            if project.find_coding(source_id, start, end, code_id, coder) is None:
                ids.append(project.add_coding(source_id, start, end, code_id, coder, provenance=provenance))
        if ids:
            _remember(project, code_id)
    return ids


def code_in_vivo(
    project: Project, source_id: int, start: int, end: int, parent: str | None, coder: str
) -> tuple[Code, int]:
    """Make a new code named by the words ``[start, end)`` and apply it there, in one action."""
    words = " ".join(project.source_text(source_id)[start:end].split()).strip(" ,.;:!?«»\"'()–-")
    if not words:
        raise ValueError("select some words to name the code by")
    label = words if len(words) <= 60 else words[:59].rstrip() + "…"
    code = _new_code(project, label, parent)
    with project.action("code", f"coded in vivo as «{label}»", coder):
        _freeze_slots(project)
        project.add_code(code)
        coding_id = project.add_coding(source_id, start, end, code.id, coder)
        _remember(project, code.id)
    return code, coding_id


def uncode(project: Project, coding_id: int, coder: str) -> None:
    coding = project.coding(coding_id)
    with project.action("uncode", f"removed {_label(project, coding.code_id)}", coder):
        project.remove_coding(coding_id)


def recode(project: Project, coding_id: int, code_id: str, coder: str) -> None:
    """Give a coding another code (if that code already covers the span, the coding just goes)."""
    coding = project.coding(coding_id)
    old, new = _label(project, coding.code_id), _label(project, code_id)
    with project.action("recode", f"changed {old} to {new}", coder):
        if project.find_coding(coding.source_id, coding.start, coding.end, code_id, coding.coder) is not None:
            project.remove_coding(coding_id)
        else:
            project.update_coding(coding_id, code_id=code_id)
        _remember(project, code_id)


def resize(project: Project, coding_id: int, start: int, end: int, coder: str) -> None:
    coding = project.coding(coding_id)
    if (start, end) == (coding.start, coding.end):
        return
    if not 0 <= start < end:
        raise ValueError("a coding needs at least one character")
    with project.action("resize", f"resized {_label(project, coding.code_id)}", coder):
        project.update_coding(coding_id, start=start, end=end)


def mark_quote(project: Project, coding_id: int, marked: bool, coder: str) -> None:
    what = "marked as a candidate quote" if marked else "unmarked as a quote"
    with project.action("quote", what, coder):
        project.set_quote_mark(coding_id, marked)


def write_memo(project: Project, target_kind: str, target_id: str | int, text: str, coder: str) -> None:
    had = project.memo(target_kind, target_id) is not None
    what = "deleted the memo" if had and not text.strip() else f"wrote a memo on the {target_kind}"
    with project.action("memo", what, coder):
        project.set_memo(target_kind, target_id, text, coder)


# -- the codebook ----------------------------------------------------------------
def _new_code(project: Project, label: str, parent: str | None, colour: str | None = None) -> Code:
    label = " ".join(label.split())
    if not label:
        raise ValueError("a code needs a name")
    taken = {c.id for c in project.codebook().codes}
    base = slug(label)
    code_id, n = base, 2
    while code_id in taken:
        code_id, n = f"{base}_{n}", n + 1
    if colour is None:
        used = {c.colour for c in project.codebook().codes}
        colour = next((c for c in PALETTE if c not in used), PALETTE[len(taken) % len(PALETTE)])
    return Code(code_id, label, colour=colour, parent=parent)


def new_code(
    project: Project,
    label: str,
    parent: str | None,
    coder: str,
    colour: str | None = None,
    suggestions: list[tuple[int, float, dict]] | None = None,
) -> Code:
    """Add a code; with ``suggestions`` (segment id, score, evidence), also offer it on those segments as open
    suggestions — in the same action, so undo takes both away and redo brings both back (a theme made a code)."""
    code = _new_code(project, label, parent, colour)
    with project.action("code-add", f"added the code {code.label}", coder):
        _freeze_slots(project)
        project.add_code(code)
        if suggestions:
            project.offer_suggestions([(segment_id, code.id, score, ev) for segment_id, score, ev in suggestions])
    return code


def rename_code(project: Project, code_id: str, label: str, coder: str) -> None:
    label = " ".join(label.split())
    if not label:
        raise ValueError("a code needs a name")
    old = _label(project, code_id)
    with project.action("code-edit", f"renamed {old} to {label}", coder):
        project.update_code(code_id, label=label)


def edit_code(project: Project, code_id: str, coder: str, **changes) -> None:
    """Change a code's description, keywords or colour."""
    with project.action("code-edit", f"edited {_label(project, code_id)}", coder):
        project.update_code(code_id, **changes)


def recolour_code(project: Project, code_id: str, colour: str, coder: str) -> None:
    with project.action("code-edit", f"recoloured {_label(project, code_id)}", coder):
        project.update_code(code_id, colour=colour)


def move_code(project: Project, code_id: str, parent: str | None, coder: str) -> None:
    where = _label(project, parent) if parent else "the top level"
    with project.action("code-move", f"moved {_label(project, code_id)} under {where}", coder):
        _freeze_slots(project)
        project.move_code(code_id, parent)


def shift_code(project: Project, code_id: str, step: int, coder: str) -> bool:
    with project.action("code-move", f"moved {_label(project, code_id)} {'up' if step < 0 else 'down'}", coder):
        _freeze_slots(project)
        return project.shift_code(code_id, step)


def merge_codes(project: Project, source_id: str, target_id: str, coder: str) -> int:
    """Fold one code into another; returns how many codings moved."""
    old, new = _label(project, source_id), _label(project, target_id)
    with project.action("code-merge", f"merged {old} into {new}", coder):
        moved = project.merge_codes(source_id, target_id)
        _forget(project, source_id)
    return moved


def others_codings(project: Project, code_id: str, coder: str) -> dict[str, int]:
    """Other coders' codings with the code, by coder: what deleting it would take from them, what merging it moves
    (issue 20: the codebook is shared; one coder's delete must not silently remove another's work)."""
    return {who: n for who, n in project.codings_by_coder([code_id]).items() if who != coder}


def in_words(counts: dict[str, int]) -> str:
    """«ola's 3 codings and kari's 1 coding»."""
    parts = [f"{who}'s {_plural(n, 'coding')}" for who, n in counts.items()]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def delete_code(project: Project, code_id: str, coder: str, others_ok: bool = False) -> int:
    """Delete a code and its codings; returns how many codings went. Other coders' codings go too only when
    ``others_ok`` (the screen asked, naming them); else a :class:`CoderError` names them and nothing changes."""
    label = _label(project, code_id)
    with project.action("code-delete", f"deleted the code {label}", coder) as act:
        others = others_codings(project, code_id, coder)  # inside the transaction: none can be added meanwhile
        if others and not others_ok:
            raise CoderError(f"deleting {label} would remove {in_words(others)}; nothing was deleted (ask them first)")
        gone = project.delete_code(code_id)
        act.label = f"deleted the code {label} and {_plural(gone, 'coding')}"
        _forget(project, code_id)
    return gone


# -- quick keys 1-9 ---------------------------------------------------------------------
# Nine numbers that stay put while one codes: at first the top-level codes (written down the first time anything
# touches the keys, so a code added or moved later does not shift them); a code used that has no number takes a free
# one, and never another code's; pinning a code takes a free number, else the one of the least recently used code
# that is not pinned, and says which. A pinned code keeps its number until it is unpinned.
_SLOTS = "quick_slots"


def pinned(project: Project) -> list[str]:
    return json.loads(project.setting(_PINNED) or "[]")


def quick_codes(project: Project) -> list[str | None]:
    """The code on each of keys 1-9 (None: an empty key)."""
    codes = project.codebook().codes
    known = {c.id for c in codes}
    stored = project.setting(_SLOTS)
    if stored is None:
        slots: list[str | None] = [c.id for c in codes if c.parent is None or c.parent not in known][:QUICK_SLOTS]
    else:
        slots = [s if s in known else None for s in json.loads(stored)]
    return (slots + [None] * QUICK_SLOTS)[:QUICK_SLOTS]


def _freeze_slots(project: Project) -> None:
    """Write the keys down as they are now (the first time: the top-level codes), before the codebook changes."""
    if project.setting(_SLOTS) is None:
        project.set_setting(_SLOTS, json.dumps(quick_codes(project)))


def _take_slot(project: Project, code_id: str, evict: bool = False) -> int | None:
    """The index of ``code_id``'s number key, giving it a free one if it has none; with ``evict`` (pinning), the
    number of the least recently used unpinned code when none is free. None: it has no number."""
    _freeze_slots(project)
    slots = quick_codes(project)
    if code_id in slots:
        return slots.index(code_id)
    free = [i for i, s in enumerate(slots) if s is None]
    if free:
        at = free[0]
    elif evict:
        pins = set(pinned(project))
        recent = json.loads(project.setting(_RECENT) or "[]")
        unpinned = [i for i, s in enumerate(slots) if s not in pins]
        if not unpinned:
            return None
        # least recently used: not used at all first (the last of those), then the oldest use
        at = max(unpinned, key=lambda i: recent.index(slots[i]) if slots[i] in recent else len(recent) + i)
    else:
        return None
    slots[at] = code_id
    project.set_setting(_SLOTS, json.dumps(slots))
    return at


def toggle_pin(project: Project, code_id: str) -> int | None:
    """Pin a code to a number key (its own if it has one), or unpin it. Returns the key (1-9) it is now pinned to;
    None when it was unpinned, or when all nine keys are pinned to other codes."""
    pins = pinned(project)
    key = None
    with project.transaction():
        if code_id in pins:
            pins.remove(code_id)
        else:
            at = _take_slot(project, code_id, evict=True)
            if at is not None:
                pins.append(code_id)
                key = at + 1
        project.set_setting(_PINNED, json.dumps(pins))
    return key


def quick_key_of(project: Project, code_id: str) -> int | None:
    """The number key (1-9) of a code, None when it has none."""
    slots = quick_codes(project)
    return slots.index(code_id) + 1 if code_id in slots else None


def _remember(project: Project, code_id: str) -> None:
    recent = [c for c in json.loads(project.setting(_RECENT) or "[]") if c != code_id]
    project.set_setting(_RECENT, json.dumps([code_id, *recent][:50]))
    _take_slot(project, code_id)


def _forget(project: Project, code_id: str) -> None:
    for key in (_RECENT, _PINNED, _SLOTS):
        ids = json.loads(project.setting(key) or "[]")
        if code_id in ids:
            project.set_setting(
                key,
                json.dumps(
                    [None if c == code_id and key == _SLOTS else c for c in ids if key == _SLOTS or c != code_id]
                ),
            )


# -- where the reader was: a setting per coder and source, not an action (nothing to undo, nothing in the log) --------
def _position_key(coder: str, source_id: int | str) -> str:
    return f"position:{coder}:{source_id}"


def remember_position(project: Project, coder: str, source_id: int, segment: int, segment_id: int, row: int) -> None:
    """Keep where ``coder`` is in a source: the segment's index and id (the id wins while the source is unchanged) and
    ``row``, how many lines below the top of the reader the segment begins; and that this source was open last."""
    value = json.dumps({"segment": segment, "id": segment_id, "row": row})
    with project.transaction():
        project.set_setting(_position_key(coder, source_id), value)
        project.set_setting(_position_key(coder, "last"), str(source_id))


def position(project: Project, coder: str, source_id: int) -> tuple[int, int | None, int] | None:
    """(segment index, segment id, row) where ``coder`` left the source, None when never (or unreadable)."""
    try:
        kept = json.loads(project.setting(_position_key(coder, source_id)) or "null")
        return (int(kept["segment"]), kept.get("id"), int(kept.get("row", 0))) if kept else None
    except (ValueError, TypeError, KeyError):
        return None


def last_source(project: Project, coder: str) -> int | None:
    """The source ``coder`` had open last (None when none is kept)."""
    kept = project.setting(_position_key(coder, "last"))
    return int(kept) if kept and kept.isdigit() else None


def undo(project: Project, action_id: int | None = None) -> str:
    """Undo this session's last action (``project.undo``), or the action ``action_id`` whoever did it; the message
    says whose it was when it was not this session's."""
    done = project.undo(action_id)
    return "undone: " + done.label + (f" ({done.whose})" if done.whose else "")


def redo(project: Project) -> str:
    return "redone: " + project.redo().label


def action_log(project: Project, limit: int = 20):
    """The last actions, newest first, each with whose and which process it is (``coder undo --list``)."""
    return project.action_log(limit)
