"""Notifications that cover nothing that matters (issue 18, item 7), for the app (``CoderApp`` mixes this in).

Textual stacks every toast over the content at the bottom right, each a line higher. Here an information and a
warning are each one line over the footer (``app.tcss``: ``Toast.-information``, ``Toast.-warning``), the newest of its
kind only; an error still stands over the content, as Textual has it. The notifications themselves stay as raised."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ScreenStackError
from textual.content import Content
from textual.css.query import NoMatches
from textual.notifications import Notifications
from textual.widgets._toast import ToastRack

from coder.tui.literal import plain_text
from coder.tui.shorten import fit


class Notices:
    """Mixin for the app: its ``notify`` (plain text, never markup) and how the notifications are shown."""

    def notify(self, message: str, *, markup: bool = False, **options) -> None:
        """Textual's notification as text: messages carry code labels, file names and answers, and a «[» in them is
        never a style, nor a control character sent to the terminal (:func:`coder.tui.literal.plain_text`). Markup stays
        off whatever ``markup`` says: a widget's or a screen's own ``notify`` passes Textual's ``markup=True``."""
        if options.get("title"):
            options["title"] = plain_text(options["title"])
        super().notify(plain_text(message, multiline=True), markup=False, **options)

    def _refresh_notifications(self) -> None:
        """Show the notifications so that they cover nothing that matters (issue 18, item 7): an information and a
        warning are each a line over the footer (app.tcss), the newest of its kind only, its title and lines run on in
        it; an error stands over the content at the right, as Textual has it. The notifications themselves stay as
        they were raised (Textual stacked every one, each a line higher over the content). Once per turn of the
        event loop: two shows in one turn would each mount a toast (the first not yet there for the second to drop)."""
        if not getattr(self, "_toasts_due", False):
            self._toasts_due = True
            self.call_later(self._show_toasts)

    def _show_toasts(self) -> None:
        self._toasts_due = False
        try:
            rack = self.screen.get_child_by_type(ToastRack)
        except (ScreenStackError, NoMatches):
            return
        shown, newest = Notifications(), {}
        superseded = getattr(self, "_superseded", set())
        for note in self._notifications:
            if note.severity == "error":
                shown.add(note)
            else:
                superseded.update(n.identity for n in [newest.get(note.severity)] if n is not None)
                newest[note.severity] = note
        superseded &= {note.identity for note in self._notifications}
        self._superseded = superseded
        for note in newest.values():
            if note.identity not in superseded:
                line = " · ".join(part.strip() for part in note.message.splitlines() if part.strip())
                shown.add(replace(note, message=f"{note.title}: {line}" if note.title else line, title=""))
        rack.show(shown)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: «coder · demo.coder — saved 17:03 · coded as …»; when that does not fit, what was just done
        comes first and the file's name after it (the header cuts the end, and the end was the news)."""
        full = super().format_title(title, sub_title)
        room = self.size.width - 18  # the header's icon and the room kept for it on the right
        if not sub_title or full.cell_length <= room:
            return full
        return Content.assemble(Content(fit(sub_title, room)), (f" · {self.path.name}", "dim"))
