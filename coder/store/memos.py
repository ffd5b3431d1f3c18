"""Memos: the researcher's notes on a coding, a segment, a source, a code or the project."""

from __future__ import annotations

from dataclasses import dataclass

from coder.model import plain
from coder.store.base import now
from coder.store.changes import ChangesMixin

TARGETS = ("project", "source", "segment", "code", "coding")


@dataclass
class Memo:
    id: int
    target_kind: str
    target_id: str
    text: str
    coder: str
    updated_at: str


class MemosMixin(ChangesMixin):
    def memo(self, target_kind: str, target_id: str | int) -> Memo | None:
        row = self.conn.execute(
            "SELECT id, target_kind, target_id, text, coder, updated_at FROM memo "
            "WHERE target_kind = ? AND target_id = ? ORDER BY id LIMIT 1",
            (target_kind, str(target_id)),
        ).fetchone()
        return Memo(*row) if row else None

    def memo_targets(self, target_kind: str) -> set[str]:
        """The ids of every ``target_kind`` that has a memo."""
        return {r[0] for r in self.conn.execute("SELECT target_id FROM memo WHERE target_kind = ?", (target_kind,))}

    def set_memo(self, target_kind: str, target_id: str | int, text: str, coder: str) -> Memo | None:
        """Write the memo of a target (inside an action); empty text deletes it."""
        if target_kind not in TARGETS:
            raise ValueError(f"memo target {target_kind!r}")
        old = self.memo(target_kind, target_id)
        text, coder = plain(text, multiline=True).strip(), plain(coder)
        if not text:
            if old:
                self._delete("memo", old.id)
            return None
        if old is None:
            self._insert(
                "memo",
                {
                    "target_kind": target_kind,
                    "target_id": str(target_id),
                    "text": text,
                    "coder": coder,
                    "updated_at": now(),
                },
            )
        elif old.text != text:
            self._update("memo", old.id, {"text": text, "coder": coder, "updated_at": now()})
        return self.memo(target_kind, target_id)
