"""Undoable actions: row changes recorded in the action log, replayed backwards or forwards.

A user action runs inside :meth:`ChangesMixin.action`. Every write a store method makes
through :meth:`_insert`, :meth:`_delete` or :meth:`_update` is recorded as an *op* (the
whole row, or its columns before and after). When the action completes, one ``action``
row holds the ops, and the transaction commits. Undo applies the inverse ops in reverse
order; redo applies the ops again. Because the log lives in the project file, undo and
redo work across a restart.

``action.undone``: 0 done, 1 undone (can be redone), 2 undone and superseded by a
newer action (redo no longer possible). Actions logged without ops (imports, codebook
files) cannot be undone and stop undo: undo never reaches past them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from coder.errors import NothingToDo
from coder.store.base import ProjectBase, now

#: The primary key of each table an undoable action may change.
KEYS = {
    "coding": "id",
    "code": "id",
    "memo": "id",
    "quote": "coding_id",
    "setting": "key",
    "identifier_decision": "id",
    "suggestion": "id",
}


@dataclass
class Recorder:
    kind: str
    label: str
    ops: list[dict] = field(default_factory=list)


@dataclass
class Done:
    """What :meth:`ChangesMixin.undo` or :meth:`ChangesMixin.redo` did, for the status line."""

    action_id: int
    kind: str
    label: str


def _q(name: str) -> str:
    return f'"{name}"'


class ChangesMixin(ProjectBase):
    _recorder: Recorder | None = None

    @contextlib.contextmanager
    def action(self, kind: str, label: str, coder: str) -> Iterator[Recorder]:
        """One undoable user action: one transaction, one log entry with its ops.

        ``label`` is what the user reads after undo ("Coded 2 segments as Kapasitet").
        An action that changed nothing is not logged.
        """
        if self._recorder is not None:
            raise RuntimeError("actions do not nest")
        recorder = Recorder(kind, label)
        with self.transaction():
            self._recorder = recorder
            try:
                yield recorder
            finally:
                self._recorder = None
            if recorder.ops:
                self.conn.execute("UPDATE action SET undone = 2 WHERE undone = 1")
                self.log(kind, {"label": recorder.label, "ops": recorder.ops}, coder)

    # -- recorded writes ------------------------------------------------------
    def _insert(self, table: str, row: dict) -> int:
        cols = ", ".join(_q(c) for c in row)
        marks = ", ".join("?" * len(row))
        cur = self.conn.execute(f"INSERT INTO {_q(table)} ({cols}) VALUES ({marks})", list(row.values()))
        key = KEYS[table]
        full = dict(row)
        if key not in full:
            full[key] = cur.lastrowid
        self._record({"op": "insert", "table": table, "row": full})
        return cur.lastrowid

    def _row(self, table: str, key_value) -> dict | None:
        cur = self.conn.execute(f"SELECT * FROM {_q(table)} WHERE {_q(KEYS[table])} = ?", (key_value,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def _delete(self, table: str, key_value) -> dict | None:
        row = self._row(table, key_value)
        if row is None:
            return None
        self.conn.execute(f"DELETE FROM {_q(table)} WHERE {_q(KEYS[table])} = ?", (key_value,))
        self._record({"op": "delete", "table": table, "row": row})
        return row

    def _update(self, table: str, key_value, changes: dict) -> None:
        row = self._row(table, key_value)
        if row is None:
            raise KeyError(f"{table} {key_value!r}")
        before = {c: row[c] for c in changes}
        if before == changes:
            return
        sets = ", ".join(f"{_q(c)} = ?" for c in changes)
        self.conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE {_q(KEYS[table])} = ?", [*changes.values(), key_value])
        self._record({"op": "update", "table": table, "key": key_value, "before": before, "after": dict(changes)})

    def _record(self, op: dict) -> None:
        """Keep ``op`` for the open action; writes outside an action (imports) are simply not undoable."""
        if self._recorder is not None:
            self._recorder.ops.append(op)

    # -- undo and redo ----------------------------------------------------------
    def undo_label(self) -> str | None:
        """What undo would undo now, or None."""
        row = self._last_done()
        return json.loads(row[2]).get("label", row[1]) if row and _undoable(row[2]) else None

    def redo_label(self) -> str | None:
        row = self._next_undone()
        return json.loads(row[2]).get("label", row[1]) if row else None

    def undo(self) -> Done:
        """Undo the most recent action still done (one transaction)."""
        with self.transaction():
            row = self._last_done()
            if row is None:
                raise NothingToDo("nothing to undo")
            action_id, kind, payload = row
            if not _undoable(payload):
                raise NothingToDo(f"nothing to undo: the last action ({kind}) cannot be undone")
            data = json.loads(payload)
            for op in reversed(data["ops"]):
                self._apply(_inverse(op))
            self.conn.execute("UPDATE action SET undone = 1 WHERE id = ?", (action_id,))
        return Done(action_id, kind, data.get("label", kind))

    def redo(self) -> Done:
        """Redo the most recently undone action (one transaction)."""
        with self.transaction():
            row = self._next_undone()
            if row is None:
                raise NothingToDo("nothing to redo")
            action_id, kind, payload = row
            data = json.loads(payload)
            for op in data["ops"]:
                self._apply(op)
            self.conn.execute("UPDATE action SET undone = 0 WHERE id = ?", (action_id,))
        return Done(action_id, kind, data.get("label", kind))

    def _last_done(self) -> tuple[int, str, str] | None:
        return self.conn.execute(
            "SELECT id, kind, payload FROM action WHERE undone = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()

    def _next_undone(self) -> tuple[int, str, str] | None:
        return self.conn.execute("SELECT id, kind, payload FROM action WHERE undone = 1 ORDER BY id LIMIT 1").fetchone()

    def _apply(self, op: dict) -> None:
        table, key = op["table"], KEYS[op["table"]]
        if op["op"] == "insert":
            row = op["row"]
            cols = ", ".join(_q(c) for c in row)
            self.conn.execute(
                f"INSERT INTO {_q(table)} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
        elif op["op"] == "delete":
            self.conn.execute(f"DELETE FROM {_q(table)} WHERE {_q(key)} = ?", (op["row"][key],))
        else:
            sets = ", ".join(f"{_q(c)} = ?" for c in op["after"])
            self.conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE {_q(key)} = ?", [*op["after"].values(), op["key"]])


def _undoable(payload: str) -> bool:
    return '"ops"' in payload and bool(json.loads(payload).get("ops"))


def _inverse(op: dict) -> dict:
    if op["op"] == "insert":
        return {"op": "delete", "table": op["table"], "row": op["row"]}
    if op["op"] == "delete":
        return {"op": "insert", "table": op["table"], "row": op["row"]}
    return {"op": "update", "table": op["table"], "key": op["key"], "before": op["after"], "after": op["before"]}


__all__ = ["ChangesMixin", "Done", "NothingToDo", "now"]
