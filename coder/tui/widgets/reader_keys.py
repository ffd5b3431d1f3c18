"""The reader's coding keys, kept apart from the widget so its module stays about moving and drawing."""

from __future__ import annotations

from textual.binding import Binding

#: The keys that code, change or remove what the reader shows at its selection. They are the reader's (the screen
#: does the work: ``screen.…``), so they act only while the reader has the focus and the footer shows them there:
#: a backspace in the Sources or Codes panel never removes the coding the reader happens to be on.
CODING_BINDINGS = [
    Binding("1", "screen.quick(0)", "code", key_display="1-9"),
    *[Binding(str(n), f"screen.quick({n - 1})", "code 1-9", show=False) for n in range(2, 10)],
    Binding("c", "screen.pick", "pick code"),
    Binding("v", "screen.in_vivo", "in vivo"),
    Binding("a", "screen.accept_suggestion", "accept", tooltip="accept the highlighted suggestion"),
    Binding("x", "screen.reject_suggestion", "reject", tooltip="reject the highlighted suggestion (never again here)"),
    Binding("ctrl+a", "screen.accept_all", "accept all above threshold in this source", show=False),
    Binding("delete,backspace", "screen.uncode", "remove coding", show=False),
    Binding("e", "screen.recode", "change code", show=False),
    Binding("o", "screen.cycle", "next coding here", show=False),
    Binding("alt+right,right_square_bracket", "screen.resize('end', 1)", "grow end", show=False),
    Binding("alt+left,left_square_bracket", "screen.resize('end', -1)", "shrink end", show=False),
    Binding("alt+shift+left,left_curly_bracket", "screen.resize('start', 1)", "grow start", show=False),
    Binding("alt+shift+right,right_curly_bracket", "screen.resize('start', -1)", "shrink start", show=False),
    Binding("asterisk", "screen.quote", "mark quote", show=False),
]
