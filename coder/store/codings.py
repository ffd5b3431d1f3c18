"""Codings: a code applied to a span of a source's text."""

from __future__ import annotations

from coder.model import Coding, Origin
from coder.store.base import ProjectBase, now


class CodingsMixin(ProjectBase):
    def add_coding(
        self, source_id: int, start: int, end: int, code_id: str, coder: str, origin: Origin = "manual"
    ) -> int:
        """Apply ``code_id`` to ``[start, end)`` of a source (inside the caller's transaction)."""
        length = len(self.source_text(source_id))
        if not 0 <= start < end <= length:
            raise ValueError(f"span {start}-{end} is outside the source (length {length})")
        cur = self.conn.execute(
            'INSERT INTO coding (source_id, start, "end", code_id, coder, origin, created_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (source_id, start, end, code_id, coder, origin, now()),
        )
        return cur.lastrowid

    def codings(self, source_id: int | None = None) -> list[Coding]:
        sql = 'SELECT id, source_id, start, "end", code_id, coder, origin, created_at FROM coding'
        args: tuple = ()
        if source_id is not None:
            sql += " WHERE source_id = ?"
            args = (source_id,)
        return [Coding(*r) for r in self.conn.execute(sql + " ORDER BY source_id, start, id", args)]
