"""Other coder processes on the same project, seen from the coding screen.

Three things another process (a ``coder suggest --apply-above`` batch, a worker's connection, another coder's
coding screen) does to a screen that is open:

* it changes the project. About once a second the app asks the store for SQLite's ``PRAGMA data_version``, which
  moves only when *another* connection commits; then, when what the screen shows changed (the store's
  :meth:`change_mark`), every screen open that shows the project redraws from the store without moving the cursor
  or the selection: the main screen (reader, codebook, sources, memos, suggestions), the retrieval list (read again,
  the same passage highlighted) and the review queue (what others decided meanwhile leaves the queue ahead).
* it is there. Each coding screen keeps a presence row (coder.store.team) with a heartbeat every ``HEARTBEAT``
  seconds; the header says who else has the project open («also open: kari, ola»), leaving out sessions whose
  process is gone (``kill -9``) or whose heartbeat is stale, and the heartbeat closes their rows.
* it holds the write lock. A key whose action finds the project busy (``ProjectBusy``: nothing was written) is
  kept, the screen says «the project is busy (another coder process is writing) — waiting…», and the action runs
  again as soon as the lock is free, in the order the keys came. The screen never waits long inside a key (the
  store's busy timeout is short here) and never shows a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from coder.errors import CoderError, ProjectBusy
from coder.team.service import HEARTBEAT
from coder.tui.literal import plain_text

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
    _since_heartbeat: float = 0.0
    #: the other coders shown in the header («also open: …»)
    others_here: tuple[str, ...] = ()

    def watch_others(self) -> None:
        """Start watching (on mount): remember where the data is now, then look every ``poll_every`` seconds."""
        project = self.project  # type: ignore[attr-defined]
        project.set_busy_timeout(SCREEN_BUSY_TIMEOUT, patience=0)
        self._seen_version = project.data_version()
        self._seen_mark = project.change_mark()
        self._waiting = []
        self.show_presence()
        self.set_interval(self.poll_every, self.look_for_changes)

    def show_presence(self) -> None:
        """The header's «also open: kari, ola» from the presence rows (a read; cheap enough for every look)."""
        project = self.project  # type: ignore[attr-defined]
        names = tuple(dict.fromkeys(p.coder or f"pid {p.pid}" for p in project.present()))
        if names == self.others_here:
            return
        self.others_here = names
        name = project.path.name
        self.title = plain_text(f"coder · {name}" + (f" · also open: {', '.join(names)}" if names else ""))

    def beat(self) -> None:
        """The heartbeat of this session's presence row, when the write lock is free this moment (else next time)."""
        project = self.project  # type: ignore[attr-defined]
        if not getattr(self.work, "present", False):  # type: ignore[attr-defined]
            return
        try:
            if project.write_free():
                project.heartbeat()
        except CoderError:  # busy after all: the next beat is soon enough
            pass

    def look_for_changes(self) -> bool:
        """Redraw when another connection committed something the screen shows; True when it redrew."""
        project = self.project  # type: ignore[attr-defined]
        self._since_heartbeat += self.poll_every
        if self._since_heartbeat >= HEARTBEAT:
            self._since_heartbeat = 0.0
            self.beat()
        self.show_presence()
        version = project.data_version()
        if version == self._seen_version:
            return False
        self._seen_version = version
        mark = project.change_mark()
        if mark == self._seen_mark:
            return False
        self._seen_mark = mark
        from coder.tui.screens.retrieval import RetrievalScreen

        for screen in self.screen_stack:
            if hasattr(screen, "others_changed"):  # the main screen, the review queue
                screen.others_changed()
            elif isinstance(screen, RetrievalScreen):  # its load() keeps the highlighted passage
                screen.load()
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
            who = self.project.lock.holder()  # type: ignore[attr-defined]
            message = f"the project is busy ({who}) — waiting…" if who else BUSY
            self.notify(message, title="Waiting", severity="warning", timeout=4)
            self.sub_title = message
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
