"""The status line under the reader: who speaks and when, where the cursor is, what is selected, the codings
here (the one in focus in brackets) and how the focused coding came about (its provenance)."""

from __future__ import annotations

from rich.text import Text

from coder.coding import provenance
from coder.model import Code
from coder.tui.literal import plain_text
from coder.tui.widgets.reader import Reader
from coder.tui.widgets.reader_draw import clock


def status_line(reader: Reader, codes: dict[str, Code], width: int) -> Text:
    """The line for the segment at ``reader``'s cursor (``reader.shown`` has segments and the cursor is shown)."""
    shown = reader.shown
    seg = shown.segments[reader.cursor]
    line = Text()
    who = seg.speaker or seg.case or ""
    if who:
        line.append(plain_text(who), "bold")
    if seg.t_start is not None:
        line.append(f" {clock(seg.t_start)}", "dim")
    line.append(f"  {reader.cursor + 1}/{len(shown.segments)}", "dim")
    if reader.only is not None:
        line.append(f" ({len(reader.only)} match the filter)", "dim")
    if reader.span_mode:
        sel = reader.selection()
        words = len(shown.text[sel[0] : sel[1]].split()) if sel else 0
        line.append(f"  span: {words} word{'s' if words != 1 else ''} (←→ move, ⇧←→ extend, esc done)", "italic")
    elif reader.seg_anchor is not None:
        line.append(f"  {len(reader.selected_segments())} segments selected", "italic")
    here = reader.codings_here()
    if here:
        focus = reader.focused_coding()
        names = []
        for c in here:
            label = codes[c.code_id].label if c.code_id in codes else c.code_id
            names.append(f"[{label}]" if focus and c.id == focus.id else label)
        line.append(plain_text("  ▸ " + ", ".join(names)))
        if len(here) > 1:
            line.append("  (o: next)", "dim")
        if focus is not None and (how := provenance.describe(focus.origin, focus.provenance)):
            fits = line.cell_len + 2 + len(how) <= width  # else «suggested .82»
            how = how if fits else provenance.short(focus.origin, focus.provenance)
            line.append(plain_text(f"  {how}"), "italic")
    return line
