"""Other coder processes on the same project, seen from the coding screen.

Two things another process (a ``coder suggest --apply-above`` batch, a worker's connection, and with issue 20 another
coder's screen) does to a screen that is open:

* it changes the project. About once a second the app asks the store for SQLite's ``PRAGMA data_version``, which
  moves only when *another* connection commits; then, when what the screen shows changed (the store's
  :meth:`change_mark`), the main screen redraws from the store without moving the cursor or the selection.
* it holds the write lock. A key whose action finds the project busy (``ProjectBusy``: nothing was written) is
  kept, the screen says «the project is busy (another coder process is writing) — waiting…», and the action runs
  again as soon as the lock is free, in the order the keys came. The screen never waits long inside a key (the
  store's busy timeout is short here) and never shows a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from coder.errors import ProjectBusy

if TYPE_CHECKING:
    from textual.timer import Timer

BUSY = "the project is busy (another coder process is writing) — waiting…"
#: seconds between two looks at PRAGMA data_version; the busy timeout of the screen's own writes
POLL_EVERY = 1.0
SCREEN_BUSY_TIMEOUT = 1.0


class WatchesOthers(App):
    """Mixed into ``CoderApp``: polls for other processes' changes and waits out their write locks."""

    poll_every: float = POLL_EVERY
    _seen_version: int | None = None
    _seen_mark: tuple | None = None
    _waiting: list[tuple] | None = None
    _busy_timer: Timer | None = None

    def watch_others(self) -> None:
        """Start watching (on mount): remember where the data is now, then look every ``poll_every`` seconds."""
        project = self.project  # type: ignore[attr-defined]
        project.set_busy_timeout(SCREEN_BUSY_TIMEOUT, patience=0)
        self._seen_version = project.data_version()
        self._seen_mark = project.change_mark()
        self._waiting = []
        self.set_interval(self.poll_every, self.look_for_changes)

    def look_for_changes(self) -> bool:
        """Redraw when another connection committed something the screen shows; True when it redrew."""
        project = self.project  # type: ignore[attr-defined]
        version = project.data_version()
        if version == self._seen_version:
            return False
        self._seen_version = version
        mark = project.change_mark()
        if mark == self._seen_mark:
            return False
        self._seen_mark = mark
        from coder.tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.others_changed()
        return True

    # -- a busy project: keep the action, say so, run it again when the lock is free ---------------------------------
    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except ProjectBusy:
            self._wait_for_writer((action, default_namespace, namespaces))
            return True

    def _wait_for_writer(self, action: tuple) -> None:
        if self._waiting is None:
            self._waiting = []
        self._waiting.append(action)
        if self._busy_timer is None:
            self.notify(BUSY, title="Waiting", severity="warning", timeout=4)
            self.sub_title = BUSY
            self._busy_timer = self.set_interval(0.5, self._retry_waiting)

    async def _retry_waiting(self) -> None:
        project = self.project  # type: ignore[attr-defined]
        if not self._waiting or not project.write_free():
            return
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        waiting, self._waiting = self._waiting, []
        for number, (action, namespace, namespaces) in enumerate(waiting):
            if self._busy_timer is not None:  # busy again: the rest waits behind it, in order
                self._waiting.extend(waiting[number:])
                return
            await self.run_action(action, namespace, namespaces)
        if self._busy_timer is None:
            self.notify("the project is free again: done what was waiting", timeout=3)

    def busy_message(self, error: ProjectBusy) -> str:
        """What a write that found the project busy outside a key's action says (a dialog's answer, say)."""
        return "the project is busy (another coder process is writing); nothing was saved — try again in a moment"
