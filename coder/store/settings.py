"""Project settings: one ``setting`` table of key → text, read and written only here.

Two ways to write: :meth:`set_setting` / :meth:`drop_setting` inside any transaction (not undoable: imports,
pins, the theme), and :meth:`put_setting` inside an action, recorded so that undo takes it back. Either way a
value is kept plain (:func:`coder.model.plain`): settings hold names people gave (the codebook's, a coder's).
"""

from __future__ import annotations

from coder.model import plain
from coder.store.changes import ChangesMixin


class SettingsMixin(ChangesMixin):
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def settings_with_prefix(self, prefix: str) -> dict[str, str]:
        rows = self.conn.execute("SELECT key, value FROM setting WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
        return dict(rows.fetchall())

    def set_setting(self, key: str, value: str) -> None:
        """Set ``key`` (not recorded for undo)."""
        value = plain(value, multiline=True)
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def drop_setting(self, key: str) -> None:
        """Remove ``key`` if it is set (not recorded for undo)."""
        self.conn.execute("DELETE FROM setting WHERE key = ?", (key,))

    def put_setting(self, key: str, value: str | None) -> None:
        """Set (None: remove) a project setting inside an action, so that undo takes it back."""
        old, value = self.setting(key), plain(value, multiline=True)
        if value is None:
            if old is not None:
                self._delete("setting", key)
        elif old is None:
            self._insert("setting", {"key": key, "value": value})
        elif old != value:
            self._update("setting", key, {"value": value})
