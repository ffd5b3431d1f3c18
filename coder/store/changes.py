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

Sessions. Each process is a session (``ProjectBase.session``; a test may give a connection one of its own, to stand
for another process) and each action says which session logged it
(``action.session``) and which undid it (``action.undone_by``). Undo takes back the latest action of *this*
session; when it has none left, the latest action logged before it began — the work of an earlier session, so
undo still works after a restart — unless that session is still running (another ``coder`` process beside this
one, e.g. a ``coder suggest --apply-above`` batch): an action of a running session is undone only when asked for
by its id (:meth:`ChangesMixin.undo` with ``action_id``, ``coder undo PROJECT --action N``), and the message says
whose it is. Actions other sessions log while this one runs are never undone by it unasked. Before an undo or redo
changes a row it checks that the row is as the action left it; when another session changed it since, the undo
is refused with a message and nothing changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from coder.errors import NothingToDo
from coder.store.base import HOST, LIVE_SESSIONS, ProjectBase, now, process_session

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


#: columns a background rescoring rewrites outside any action: not part of the check that a row is unchanged
VOLATILE = {"suggestion": {"score", "evidence"}}


@dataclass
class Done:
    """What :meth:`ChangesMixin.undo` or :meth:`ChangesMixin.redo` did, for the status line."""

    action_id: int
    kind: str
    label: str
    #: set when the action was another session's: whose, and which process (``kari's, in coder suggest …``)
    whose: str | None = None


@dataclass
class Logged:
    """One action of the log as undo sees it (``coder undo --list``)."""

    id: int
    at: str
    coder: str
    kind: str
    label: str
    undone: int
    session: str | None
    undoable: bool
    mine: bool  # logged by this session
    running: bool  # its session is a coder process running now (this one included)
    process: str  # which process, in words


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
                ended = [i for i, by in self._undone_rows() if by == self.session or not self._running(by)]
                self.conn.executemany("UPDATE action SET undone = 2 WHERE id = ?", [(i,) for i in ended])
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
        row, refusal = self._undo_candidate()
        return json.loads(row[2]).get("label", row[1]) if row and refusal is None and _undoable(row[2]) else None

    def redo_label(self) -> str | None:
        row = self._next_undone()
        return json.loads(row[2]).get("label", row[1]) if row else None

    def undo(self, action_id: int | None = None) -> Done:
        """Undo this session's most recent action still done (one transaction), or, given, the action
        ``action_id`` whoever logged it (the explicit way to undo another session's work)."""
        asked = action_id
        with self.transaction():
            if action_id is None:
                row, refusal = self._undo_candidate()
                if refusal:
                    raise NothingToDo(refusal)
            else:
                row = self._action_row(action_id)
                if row[5] != 0:
                    label = json.loads(row[2]).get("label", row[1])
                    raise NothingToDo(f"action {action_id} ({label}) is undone already")
            if row is None:
                raise NothingToDo("nothing to undo")
            action_id, kind, payload, coder, session, _ = row
            if not _undoable(payload):
                which = "the last action" if asked is None else f"action {action_id}"
                raise NothingToDo(f"nothing to undo: {which} ({kind}) cannot be undone")
            data = json.loads(payload)
            label = data.get("label", kind)
            for op in reversed(data["ops"]):
                self._apply(_inverse(op), f"undo «{label}»")
            self.conn.execute("UPDATE action SET undone = 1, undone_by = ? WHERE id = ?", (self.session, action_id))
        return Done(action_id, kind, label, None if session == self.session else self.whose(coder, session))

    def redo(self) -> Done:
        """Redo the action this session undid last (one transaction)."""
        with self.transaction():
            row = self._next_undone()
            if row is None:
                raise NothingToDo("nothing to redo")
            action_id, kind, payload = row
            data = json.loads(payload)
            label = data.get("label", kind)
            for op in data["ops"]:
                self._apply(op, f"redo «{label}»")
            self.conn.execute("UPDATE action SET undone = 0, undone_by = NULL WHERE id = ?", (action_id,))
        return Done(action_id, kind, label)

    def whose(self, coder: str, session: str | None) -> str:
        """An action's coder and process in words: «kari's, in coder suggest (pid 4242 on srv1), still running»."""
        if session == self.session:
            return f"{coder}'s, in this session"
        return f"{coder}'s, in {self._process(session)}, " + ("still running" if self._running(session) else "ended")

    def action_log(self, limit: int = 20) -> list[Logged]:
        """The last ``limit`` actions, newest first, with whose and which process each is."""
        rows = self.conn.execute(
            "SELECT id, at, coder, kind, payload, undone, session FROM action ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [
            Logged(
                r[0],
                r[1],
                r[2],
                r[3],
                json.loads(r[4]).get("label", r[3]),
                r[5],
                r[6],
                _undoable(r[4]),
                r[6] == self.session,
                self._running(r[6]),
                self._process(r[6]),
            )  # fmt: skip
            for r in rows
        ]

    def _undo_candidate(self) -> tuple[tuple | None, str | None]:
        """(the action undo would take back, None) or (that action, why undo refuses it) or (None, None)."""
        row = self.conn.execute(
            "SELECT id, kind, payload, coder, session, undone FROM action "
            "WHERE undone = 0 AND (session = ? OR id <= ?) ORDER BY id DESC LIMIT 1",
            (self.session, self._floor),
        ).fetchone()
        later = self._others_since()
        since = (
            ""
            if later is None
            else f"the last action, «{later[1]}» (action {later[0]}), is {self.whose(later[2], later[3])}: "
            + self._ask(later[0], later[3])
        )
        if row is not None and row[4] == self.session:
            if _undoable(row[2]) or not since:
                return row, None
            return row, f"nothing to undo in this session: its last action ({row[1]}) cannot be undone; {since}"
        if row is None or not self._running(row[4]):
            # nothing of this session: the work of an earlier one, unless others have acted since this one began
            return (None, f"nothing of this session to undo; {since}") if since else (row, None)
        label = json.loads(row[2]).get("label", row[1])
        return row, (
            f"nothing of this session to undo; the last action before it, «{label}» (action {row[0]}), is "
            f"{self.whose(row[3], row[4])}: {self._ask(row[0], row[4])}"
        )

    def _ask(self, action_id: int, session: str | None) -> str:
        """How to undo another session's action: there (while it runs), or by asking for it by its number."""
        asking = f"coder undo {self.path.name} --action {action_id}"
        return f"undo it there, or ask for it: {asking}" if self._running(session) else f"ask for it: {asking}"

    def _others_since(self) -> tuple[int, str, str, str | None] | None:
        """The latest action other sessions logged (still done) since this one began, to name it when refusing."""
        row = self.conn.execute(
            "SELECT id, kind, payload, coder, session FROM action WHERE undone = 0 AND id > ? "
            "AND (session IS NULL OR session != ?) ORDER BY id DESC LIMIT 1",
            (self._floor, self.session),
        ).fetchone()
        return None if row is None else (row[0], json.loads(row[2]).get("label", row[1]), row[3], row[4])

    def _action_row(self, action_id: int) -> tuple:
        row = self.conn.execute(
            "SELECT id, kind, payload, coder, session, undone FROM action WHERE id = ?", (action_id,)
        ).fetchone()
        if row is None:
            raise NothingToDo(f"no action {action_id} in the log")
        return row

    def _undone_rows(self) -> list[tuple[int, str | None]]:
        return self.conn.execute("SELECT id, undone_by FROM action WHERE undone = 1 ORDER BY id").fetchall()

    def _next_undone(self) -> tuple[int, str, str] | None:
        """The action this session undid last (or, when it undid none, one an ended session undid and left)."""
        for action_id, by in self._undone_rows():
            if by == self.session or not self._running(by):
                return self.conn.execute("SELECT id, kind, payload FROM action WHERE id = ?", (action_id,)).fetchone()
        return None

    def _running(self, session: str | None) -> bool:
        """Is ``session`` a coder process running now? This one, another connection of this process, or a process
        alive on this machine. Sessions of another machine (a copy brought here) and before migration 7: no."""
        if session is None:
            return False
        if session == self.session or session in LIVE_SESSIONS or session == process_session():
            return True
        row = self.conn.execute("SELECT pid, host FROM session WHERE id = ?", (session,)).fetchone()
        if row is None or row[1] != HOST or row[0] == os.getpid() or os.name == "nt":
            return False
        try:
            os.kill(row[0], 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's process on a shared server
            return True
        except OSError:
            return False
        return True

    def _process(self, session: str | None) -> str:
        row = None
        if session is not None:
            row = self.conn.execute("SELECT program, pid, host FROM session WHERE id = ?", (session,)).fetchone()
        if row is None:
            return "an earlier session"
        program, pid, host = row
        return f"{program} (pid {pid}" + (")" if host == HOST else f" on {host})")

    def _apply(self, op: dict, what: str = "") -> None:
        table, key = op["table"], KEYS[op["table"]]
        changed = self._changed_since(op)
        if changed:
            raise NothingToDo(
                f"cannot {what}: {changed} was changed since by another action (another session or coder process); "
                "nothing was changed"
            )
        if op["op"] == "delete":
            depends = self._dependents(table, op["row"])
            if depends:
                raise NothingToDo(
                    f"cannot {what}: later work depends on the {_NOUN.get(table, table)} it would remove — "
                    f"{depends}; undo that first, or keep it; nothing was changed"
                )
        try:
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
                self.conn.execute(
                    f"UPDATE {_q(table)} SET {sets} WHERE {_q(key)} = ?", [*op["after"].values(), op["key"]]
                )
        except sqlite3.IntegrityError as error:
            raise NothingToDo(
                f"cannot {what}: what it needs was changed since by another action ({error}); nothing was changed"
            ) from None

    def _dependents(self, table: str, row: dict) -> str | None:
        """Others' (or this coder's later) work that points at ``row``, in words («3 codings by ola, 1 memo by
        kari»), or None when there is none."""
        parts: list[str] = []
        for child, column, parent_column, extra, whose in DEPENDENTS.get(table, []):
            value = row.get(parent_column)
            if value is None:
                continue
            value = str(value) if child == "memo" else value
            if whose is None:
                n = self.conn.execute(
                    f"SELECT count(*) FROM {_q(child)} WHERE {_q(column)} = ?{extra}", (value,)
                ).fetchone()[0]
                rows = [(self._who_made(child, column, value), n)] if n else []
            else:
                rows = self.conn.execute(
                    f"SELECT coalesce({_q(whose)}, '?'), count(*) FROM {_q(child)} WHERE {_q(column)} = ?{extra} "
                    f"GROUP BY 1 ORDER BY 1",
                    (value,),
                ).fetchall()
            noun = {"code": "sub-code", "suggestion": "suggestion decision"}.get(child, child)
            parts += [f"{_count(n, noun)} by {who}" for who, n in rows if n]
        return ", ".join(parts) or None

    def _who_made(self, table: str, column: str, value) -> str:
        """Who wrote the row of ``table`` whose ``column`` is ``value``, from the latest action that did (for work
        without a coder column: a sub-code, a quote mark)."""
        rows = self.conn.execute(
            "SELECT coder, payload FROM action WHERE undone = 0 AND payload LIKE ? ORDER BY id DESC LIMIT 200",
            (f'%"table": "{table}"%',),
        )
        for coder, payload in rows:
            for op in json.loads(payload).get("ops", []):
                if op.get("table") != table:
                    continue
                new = op.get("row") if op["op"] == "insert" else op.get("after")
                if new and new.get(column) == value:
                    return coder
        return "another coder"

    def _changed_since(self, op: dict) -> str | None:
        """When the row ``op`` is about to change is not as the action left it: what, in words; else None.
        Settings (recent codes, quick keys, the theme) are the screen's state, last writer wins: not checked."""
        table = op["table"]
        if table == "setting":
            return None
        key = KEYS[table]
        value = op["row"][key] if op["op"] in ("insert", "delete") else op["key"]
        current = self._row(table, value)
        what = f"{table} {value}"
        if op["op"] == "insert":
            return what if current is not None else None
        if current is None:
            return what
        expected = op["row"] if op["op"] == "delete" else op["before"]
        skip = VOLATILE.get(table, set())
        return what if any(current.get(c) != v for c, v in expected.items() if c not in skip and c in current) else None


#: work that points at a row (table → (child table, its column, the row's column, an extra condition, whose
#: column)): a row deleted by an undo or redo while any of it exists would take it along (ON DELETE CASCADE), so
#: the undo is refused, naming whose it is. Background rows (suggestion scores, caches) are not work.
DEPENDENTS: dict[str, list[tuple[str, str, str, str, str | None]]] = {
    "code": [
        ("coding", "code_id", "id", "", "coder"),
        ("code", "parent_id", "id", "", None),
        ("suggestion", "code_id", "id", " AND decision IS NOT NULL", "decided_by"),
        ("memo", "target_id", "id", " AND target_kind = 'code'", "coder"),
    ],
    "coding": [
        ("quote", "coding_id", "id", "", None),
        ("memo", "target_id", "id", " AND target_kind = 'coding'", "coder"),
    ],
}
_NOUN = {"code": "code", "coding": "coding", "memo": "memo", "quote": "quote", "suggestion": "suggestion decision"}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _undoable(payload: str) -> bool:
    return '"ops"' in payload and bool(json.loads(payload).get("ops"))


def _inverse(op: dict) -> dict:
    if op["op"] == "insert":
        return {"op": "delete", "table": op["table"], "row": op["row"]}
    if op["op"] == "delete":
        return {"op": "insert", "table": op["table"], "row": op["row"]}
    return {"op": "update", "table": op["table"], "key": op["key"], "before": op["after"], "after": op["before"]}


__all__ = ["ChangesMixin", "Done", "Logged", "NothingToDo", "now"]
