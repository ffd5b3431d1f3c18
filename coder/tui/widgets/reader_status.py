"""The status line under the reader: who speaks and when, where the cursor is, what is selected, the codings
here (the one in focus in brackets) and how the focused coding came about (its provenance).

When the line is longer than its room it gives way in steps, so that what is left stays readable and the labels stay
apart (issue 18, item 6): the provenance in short, the span hint in short and «(o: next)» dropped, then the codes'
labels shortened together (coder/tui/shorten.py), never cut mid-word without an ellipsis."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from coder.coding import provenance
from coder.model import Code
from coder.tui.literal import plain_text
from coder.tui.shorten import distinct
from coder.tui.widgets.reader import Reader
from coder.tui.widgets.reader_draw import clock


def status_line(reader: Reader, codes: dict[str, Code], width: int) -> Text:
    """The line for the segment at ``reader``'s cursor (``reader.shown`` has segments and the cursor is shown)."""
    shown = reader.shown
    seg = shown.segments[reader.cursor]
    head = Text()
    who = seg.speaker or seg.case or ""
    if who:
        head.append(plain_text(who), "bold")
    if seg.t_start is not None:
        head.append(f" {clock(seg.t_start)}", "dim")
    head.append(f"  {reader.cursor + 1}/{len(shown.segments)}", "dim")
    if reader.only is not None:
        head.append(f" ({len(reader.only)} match the filter)", "dim")
    spans = [""]
    if reader.span_mode:
        sel = reader.selection()
        words = len(shown.text[sel[0] : sel[1]].split()) if sel else 0
        said = f"  span: {words} word{'s' if words != 1 else ''}"
        spans = [f"{said} (←→ move, ⇧←→ extend, esc done)", f"{said} (esc done)", said]
    elif reader.seg_anchor is not None:
        spans = [f"  {len(reader.selected_segments())} segments selected"]
    here = reader.codings_here()
    focus = reader.focused_coding() if here else None
    labels = [plain_text(codes[c.code_id].label if c.code_id in codes else c.code_id) for c in here]
    focused = [bool(focus and c.id == focus.id) for c in here]
    hows = [""]
    if focus is not None and (how := provenance.describe(focus.origin, focus.provenance)):
        hows = [f"  {plain_text(how)}", f"  {plain_text(provenance.short(focus.origin, focus.provenance))}"]
    hint = "  (o: next)" if len(here) > 1 else ""

    def line(span: str, names: list[str], hint: str, how: str) -> Text:
        out = head.copy()
        if span:
            out.append(span, "italic")
        if names:
            marked = [f"[{n}]" if f else n for n, f in zip(names, focused, strict=True)]
            out.append("  ▸ " + ", ".join(marked))
            if hint:
                out.append(hint, "dim")
            if how:
                out.append(how, "italic")
        return out

    tries = [line(spans[0], labels, hint, how) for how in hows]
    tries += [line(span, labels, "", hows[-1]) for span in spans[1:] or spans]
    for attempt in tries:
        if attempt.cell_len <= width:
            return attempt
    # the labels shortened together until they fit (4 cells each at the least), the focused one last
    rest = tries[-1].cell_len - sum(cell_len(n) for n in labels)
    others = [n for n, f in zip(labels, focused, strict=True) if not f]
    for only_others in (True, False):
        for each in range(max(map(cell_len, labels), default=0) - 1, 3, -1):
            short = iter(distinct(others if only_others else labels, each))
            names = [n if only_others and f else next(short) for n, f in zip(labels, focused, strict=True)]
            if rest + sum(cell_len(n) for n in names) <= width:
                return line(spans[-1], names, "", hows[-1])
    last = line(spans[-1], distinct(labels, 4), "", hows[-1])
    last.truncate(width, overflow="ellipsis")
    return last
