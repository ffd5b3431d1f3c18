"""Textual's Footer, recomposed once for the binding changes of a frame instead of once for each.

Textual's Footer rebuilds its keys every time the screen says its bindings changed, and one step of the researcher's
often says so several times (the screen mounts, the focus moves, a panel refreshes): start-up rebuilt the main
screen's footer five times, 54 keys in all, a fifth of the time from the first frame to a settled screen. This one
rebuilds at most once per refresh, with the bindings as they are by then.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    _recompose_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        if self._recompose_pending and screen is self.screen:
            self._bindings_ready = True
            return
        super().bindings_changed(screen)
        self._recompose_pending = self.is_attached and screen is self.screen and bool(screen.app.app_focus)

    async def recompose(self) -> None:
        self._recompose_pending = False
        await super().recompose()
