"""Reads and writes the REFI-QDA exchange needs (coder/exchange/service.py): all memos at once, and
imported codings, memos and cases saved with the who and when the file gives them.

Call the writes inside ``project.transaction()``: an import is one transaction, logged as one
action without undo ops (a barrier, like every import).
"""

from __future__ import annotations

from coder.model import Attribute, plain
from coder.store.base import ProjectBase, now
from coder.store.memos import TARGETS, Memo


class ExchangeMixin(ProjectBase):
    # -- reading ------------------------------------------------------------------------------
    def all_memos(self) -> list[Memo]:
        rows = self.conn.execute("SELECT id, target_kind, target_id, text, coder, updated_at FROM memo ORDER BY id")
        return [Memo(*r) for r in rows]

    def source_by_text(self, text: str) -> int | None:
        """The first source whose text is exactly ``text`` (an import of the same transcript again)."""
        row = self.conn.execute("SELECT id FROM source WHERE text = ? ORDER BY id LIMIT 1", (text,)).fetchone()
        return row[0] if row else None

    def source_names(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM source")}

    def segment_at(self, source_id: int, offset: int) -> int | None:
        """The segment holding ``offset`` (else the last one starting before it, else the first)."""
        row = self.conn.execute(
            "SELECT id FROM segment WHERE source_id = ? AND start <= ? ORDER BY start DESC LIMIT 1", (source_id, offset)
        ).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT id FROM segment WHERE source_id = ? ORDER BY start LIMIT 1", (source_id,)
            ).fetchone()
        return row[0] if row else None

    # -- writing (inside a transaction) -----------------------------------------------------------
    def add_case(self, name: str, attributes: list[Attribute]) -> int:
        """The case called ``name`` (created if new) with ``attributes`` set; others it has stay."""
        name = plain(name)
        row = self.conn.execute('SELECT id FROM "case" WHERE name = ?', (name,)).fetchone()
        case_id = row[0] if row else self.conn.execute('INSERT INTO "case" (name) VALUES (?)', (name,)).lastrowid
        self.conn.executemany(
            "INSERT INTO attribute (case_id, key, value, type) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (case_id, key) DO UPDATE SET value = excluded.value, type = excluded.type",
            [(case_id, plain(a.key), plain(a.value), a.type) for a in attributes],
        )
        return case_id

    def give_source_a_case(self, source_id: int, case_name: str) -> None:
        """Tie a source that has no case to ``case_name`` (created if new)."""
        row = self.conn.execute("SELECT case_id FROM source WHERE id = ?", (source_id,)).fetchone()
        if row is not None and row[0] is None:
            self.conn.execute("UPDATE source SET case_id = ? WHERE id = ?", (self.add_case(case_name, []), source_id))

    def add_imported_coding(
        self, source_id: int, start: int, end: int, code_id: str, coder: str, created_at: str | None
    ) -> int | None:
        """Save a coding from another program; None if the project has it already (same span, code and coder)."""
        coder = plain(coder)
        length = self.conn.execute("SELECT length(text) FROM source WHERE id = ?", (source_id,)).fetchone()
        if length is None or not 0 <= start < end <= length[0]:
            raise ValueError(f"span {start}-{end} is outside source {source_id}")
        if self.conn.execute(
            'SELECT 1 FROM coding WHERE source_id = ? AND start = ? AND "end" = ? AND code_id = ? AND coder = ?',
            (source_id, start, end, code_id, coder),
        ).fetchone():
            return None
        cur = self.conn.execute(
            'INSERT INTO coding (source_id, start, "end", code_id, coder, origin, created_at) '
            "VALUES (?, ?, ?, ?, ?, 'imported', ?)",
            (source_id, start, end, code_id, coder, created_at or now()),
        )
        return cur.lastrowid

    def add_imported_memo(self, kind: str, target_id: str | int, text: str, coder: str, updated_at: str | None) -> bool:
        """Add ``text`` to the target's memo (a new memo, or after the one it has); False if it is there already."""
        if kind not in TARGETS:
            raise ValueError(f"memo target {kind!r}")
        text, coder = plain(text, multiline=True).strip(), plain(coder)
        row = self.conn.execute(
            "SELECT id, text FROM memo WHERE target_kind = ? AND target_id = ? ORDER BY id LIMIT 1",
            (kind, str(target_id)),
        ).fetchone()
        if row is None:
            self.conn.execute(
                "INSERT INTO memo (target_kind, target_id, text, coder, updated_at) VALUES (?, ?, ?, ?, ?)",
                (kind, str(target_id), text, coder, updated_at or now()),
            )
            return True
        if text in row[1]:
            return False
        joined = f"{row[1]}\n\n{text}"
        self.conn.execute("UPDATE memo SET text = ?, updated_at = ? WHERE id = ?", (joined, now(), row[0]))
        return True
