"""Tab in the coding screen: reader → sources list → codebook → reader, as in Harlequin and Posting.

Textual's own order follows the panels' places on screen, which put the sources filter first: j/k after a Tab typed
into it («kkk» filtered every interview away). Here the filter is not a Tab stop; ``f`` or a click goes there, and
Escape or Enter goes back to its list.
"""

from __future__ import annotations

from textual.widget import Widget


class PanelFocus:
    """A mixin of :class:`coder.tui.screens.main.MainScreen` (a Screen with a ``reader`` and a ``codebook_panel``)."""

    def _tab_order(self) -> list[Widget]:
        """The panels' lists in the order Tab visits them; the sources filter is not among them (``f`` or a click
        goes there, Escape or Enter back to the list), so j/k after a Tab move in a list and never type a filter."""
        first = [self.reader, self.query_one("#source-tree"), self.codebook_panel.code_tree]
        rest = [w for w in self.focus_chain if w not in first and w.id != "source-filter"]
        return [w for w in first if w.focusable] + rest

    def _tab(self, step: int, selector) -> Widget | None:
        order = self._tab_order()
        here = self.focused
        if selector != "*" or not order:
            return super().focus_next(selector) if step > 0 else super().focus_previous(selector)
        if here is not None and here.id == "source-filter":
            here = self.query_one("#source-tree")
        at = order.index(here) if here in order else -step
        target = order[(at + step) % len(order)]
        self.set_focus(target)
        return target

    def focus_next(self, selector="*"):
        return self._tab(1, selector)

    def focus_previous(self, selector="*"):
        return self._tab(-1, selector)
