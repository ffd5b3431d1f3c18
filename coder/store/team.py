"""What coding as a team reads and writes: who did what, whole tables of another copy of the project (merge),
segments and codings for agreement, and consensus decisions (settings ``consensus|…``).

The merge writes here are raw rows inside the caller's transaction (a merge is one transaction on a file no
one else has open, logged as one action without undo ops, like an import). The consensus writes go through
the recorded ``_insert``/``_delete`` of an open ``project.action`` and are undoable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from coder.model import CONSENSUS_PREFIX, plain
from coder.store.base import HOST, ProjectBase, now
from coder.store.lock import _alive

#: a coding screen says it is still there every HEARTBEAT seconds; one not heard from for STALE seconds is gone
HEARTBEAT = 10.0
STALE = 45.0


@dataclass(frozen=True)
class Present:
    """Another open coding screen on the project (a session row with a live heartbeat)."""

    session: str
    coder: str
    program: str
    pid: int
    host: str
    started_at: str
    seen_at: str


#: The tables a merge reads from the other copy, with the order their rows are read in.
MERGED_TABLES = {
    "source": "id",
    "segment": "source_id, ordinal",
    "case": "id",
    "attribute": "rowid",
    "code": "position, id",
    "coding": "id",
    "memo": "id",
    "quote": "coding_id",
    "suggestion": "id",
    "identifier_decision": "id",
    "setting": "key",
    "action": "id",
    "segment_nlp": "segment_id",
}


#: The columns of people's text a merge copies, kept plain (:func:`coder.model.plain`) as every other write keeps
#: them — the other copy may come from an older coder — with whether the text may have lines.
USER_TEXT = {
    ("source", "name"): False,
    ("source", "grp"): False,
    ("segment", "speaker"): False,
    ("case", "name"): False,
    ("attribute", "key"): False,
    ("attribute", "value"): False,
    ("code", "label"): False,
    ("code", "description"): True,
    ("coding", "coder"): False,
    ("memo", "text"): True,
    ("memo", "coder"): False,
    ("quote", "report_text"): True,
    ("suggestion", "decided_by"): False,
    ("identifier_decision", "coder"): False,
    ("setting", "value"): True,
    ("action", "coder"): False,
}


def _plain_row(table: str, row: dict) -> dict:
    return {
        col: plain(value, multiline=USER_TEXT[table, col])
        if (table, col) in USER_TEXT and isinstance(value, str)
        else value
        for col, value in row.items()
    }


def _q(name: str) -> str:
    return f'"{name}"'


class TeamMixin(ProjectBase):
    # -- presence: who else has the project open ------------------------------------------------------------------
    def join(self, coder: str) -> None:
        """This session is an open coding screen of ``coder``: its row says so, seen now."""
        with self.transaction():
            self._session_row()
            self.conn.execute(
                "UPDATE session SET coder = ?, seen_at = ?, ended_at = NULL WHERE id = ?", (coder, now(), self.session)
            )

    def heartbeat(self) -> None:
        """Say this session is still there, and close the rows of sessions that are gone (their process has ended on
        this machine, or they were not heard from for ``STALE`` seconds: a ``kill -9``, a machine switched off)."""
        gone = [p.session for p in self._open_sessions() if not self._present(p)]
        with self.transaction():
            self.conn.execute("UPDATE session SET seen_at = ? WHERE id = ? AND ended_at IS NULL", (now(), self.session))
            self.conn.executemany("UPDATE session SET ended_at = ? WHERE id = ?", [(now(), g) for g in gone])

    def leave(self) -> None:
        """This coding screen closes: its row is ended (kept: the action log names its actions' process by it)."""
        with self.transaction():
            self.conn.execute("UPDATE session SET ended_at = ? WHERE id = ?", (now(), self.session))

    def present(self) -> list[Present]:
        """The other coding screens open on the project now, by coder name (a read: no lock, no write)."""
        return sorted((p for p in self._open_sessions() if self._present(p)), key=lambda p: (p.coder, p.started_at))

    def _open_sessions(self) -> list[Present]:
        rows = self.conn.execute(
            "SELECT id, coalesce(coder, ''), program, pid, host, started_at, seen_at FROM session "
            "WHERE ended_at IS NULL AND seen_at IS NOT NULL AND id != ?",
            (self.session,),
        ).fetchall()
        return [Present(*r) for r in rows]

    @staticmethod
    def _present(p: Present) -> bool:
        if p.host == HOST and (p.pid != os.getpid() or os.name == "nt") and not _alive(p.pid):
            return False
        try:
            seen = dt.datetime.fromisoformat(p.seen_at)
        except ValueError:
            return False
        return (dt.datetime.now(dt.UTC) - seen).total_seconds() < STALE

    def codings_by_coder(self, code_ids: list[str]) -> dict[str, int]:
        """How many codings each coder has with any of ``code_ids`` (what deleting them would take away)."""
        marks = ", ".join("?" * len(code_ids))
        return dict(
            self.conn.execute(
                f"SELECT coder, count(*) FROM coding WHERE code_id IN ({marks}) GROUP BY coder ORDER BY coder",
                code_ids,
            )
        )

    # -- reading ------------------------------------------------------------------------------------------
    def coder_activity(self) -> dict[str, dict[str, int]]:
        """Per coder name: codings, memos, suggestion decisions, identifier decisions and logged actions."""
        out: dict[str, dict[str, int]] = {}
        queries = {
            "codings": "SELECT coder, count(*) FROM coding GROUP BY coder",
            "memos": "SELECT coder, count(*) FROM memo GROUP BY coder",
            "decisions": "SELECT decided_by, count(*) FROM suggestion WHERE decided_by IS NOT NULL GROUP BY decided_by",
            "identifiers": "SELECT coder, count(*) FROM identifier_decision GROUP BY coder",
            "actions": "SELECT coder, count(*) FROM action GROUP BY coder",
        }
        for what, sql in queries.items():
            for coder, n in self.conn.execute(sql):
                counts = out.setdefault(coder, dict.fromkeys(queries, 0))
                counts[what] = n
        return out

    def coders_with_codings(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT coder, count(*) FROM coding GROUP BY coder ORDER BY coder"))

    def segment_table(self, source_ids: list[int] | None = None) -> list[tuple[int, int, int, int]]:
        """``(segment id, source id, start, end)`` of the segments (of ``source_ids``), in reading order."""
        sql = 'SELECT g.id, g.source_id, g.start, g."end" FROM segment g'
        params: list[int] = []
        if source_ids is not None:
            if not source_ids:
                return []
            sql += f" WHERE g.source_id IN ({','.join('?' * len(source_ids))})"
            params = list(source_ids)
        return self.conn.execute(sql + " ORDER BY g.source_id, g.ordinal", params).fetchall()

    def rows_of(self, table: str) -> list[dict]:
        """Every row of one of :data:`MERGED_TABLES` as a dict (``attribute`` with its rowid)."""
        order = MERGED_TABLES[table]
        cols = "rowid AS _rowid, *" if table == "attribute" else "*"
        cur = self.conn.execute(f"SELECT {cols} FROM {_q(table)} ORDER BY {order}")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def consensus_decisions(self, consensus: str) -> dict[tuple[int, str], dict]:
        """The consensus walk's decisions under the coder name ``consensus``: ``(segment, code) → decision``."""
        prefix = f"{CONSENSUS_PREFIX}{consensus}|"
        out: dict[tuple[int, str], dict] = {}
        for key, value in self.settings_with_prefix(prefix).items():
            segment, _, code = key[len(prefix) :].partition("|")
            if segment.isdigit():
                out[(int(segment), code)] = json.loads(value)
        return out

    # -- copying the whole file ----------------------------------------------------------------------------
    def backup_to(self, path: Path) -> None:
        """Write a consistent copy of the project file to ``path`` (SQLite's online backup; WAL included)."""
        target = sqlite3.connect(path)
        try:
            self.conn.backup(target)
        finally:
            target.close()

    # -- merge writes (raw, inside the caller's transaction) -------------------------------------------------
    def raw_insert(self, table: str, row: dict) -> int:
        row = _plain_row(table, row)
        cols = ", ".join(_q(c) for c in row)
        cur = self.conn.execute(
            f"INSERT INTO {_q(table)} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values())
        )
        return cur.lastrowid

    def raw_update(self, table: str, where: dict, changes: dict) -> None:
        changes = _plain_row(table, changes)
        sets = ", ".join(f"{_q(c)} = ?" for c in changes)
        cond = " AND ".join(f"{_q(c)} = ?" for c in where)
        self.conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE {cond}", [*changes.values(), *where.values()])

    def next_segment_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM segment").fetchone()[0]

    def index_segment(self, segment_id: int, text: str) -> None:
        """Add a copied segment to the full-text index."""
        self.conn.execute("INSERT INTO segment_fts (rowid, text) VALUES (?, ?)", (segment_id, text))

    def copy_annotation(self, segment_id: int, text_hash: str, model: str, data: str) -> None:
        """Copy a segment's NLP cache row (and its lemma index entry) from the other file."""
        from coder.store.nlp_cache import index_text

        self.conn.execute(
            "INSERT INTO segment_nlp (segment_id, text_hash, model, data) VALUES (?, ?, ?, ?)",
            (segment_id, text_hash, model, data),
        )
        self.conn.execute(
            "INSERT INTO segment_lemma_fts (rowid, lemmas) VALUES (?, ?)", (segment_id, index_text(json.loads(data)))
        )

    def rename_coder(self, old: str, new: str) -> int:
        """Give every row ``old`` wrote the name ``new`` (codings, memos, decisions, the log); returns the rows."""
        n, new = 0, plain(new)
        for sql in (
            "UPDATE coding SET coder = ? WHERE coder = ?",
            "UPDATE memo SET coder = ? WHERE coder = ?",
            "UPDATE suggestion SET decided_by = ? WHERE decided_by = ?",
            "UPDATE identifier_decision SET coder = ? WHERE coder = ?",
            "UPDATE action SET coder = ? WHERE coder = ?",
        ):
            n += self.conn.execute(sql, (new, old)).rowcount
        return n

    def join_duplicate_codings(self) -> int:
        """Codings that became one (same source, span, code and coder, e.g. after two spellings of a coder were
        joined) are kept once: the oldest row stays, the others' memos and quote marks move to it. Returns how
        many rows went."""
        groups = self.conn.execute(
            'SELECT min(id), group_concat(id) FROM coding GROUP BY source_id, start, "end", code_id, coder '
            "HAVING count(*) > 1"
        ).fetchall()
        gone = 0
        for keep, ids in groups:
            for other in (int(i) for i in ids.split(",") if int(i) != keep):
                self.conn.execute(
                    "UPDATE memo SET target_id = ? WHERE target_kind = 'coding' AND target_id = ?",
                    (str(keep), str(other)),
                )
                quote = self.conn.execute(
                    "SELECT report_text, marked FROM quote WHERE coding_id = ?", (other,)
                ).fetchone()
                if quote is not None:
                    kept = self.conn.execute(
                        "SELECT report_text, marked FROM quote WHERE coding_id = ?", (keep,)
                    ).fetchone()
                    if kept is None:
                        self.conn.execute("UPDATE quote SET coding_id = ? WHERE coding_id = ?", (keep, other))
                    else:
                        self.conn.execute(
                            "UPDATE quote SET report_text = coalesce(report_text, ?), marked = max(marked, ?) "
                            "WHERE coding_id = ?",
                            (quote[0], quote[1], keep),
                        )
                self.conn.execute("DELETE FROM coding WHERE id = ?", (other,))
                gone += 1
        return gone

    def log_merge(self, payload: dict, coder: str) -> int:
        """Log the merge as an action without undo ops (undo stops there) and end any redo branch."""
        self.conn.execute("UPDATE action SET undone = 2 WHERE undone = 1")
        return self.log("merge", payload, coder)

    def copy_action(self, at: str, coder: str, kind: str, payload: dict) -> None:
        """Keep an action of the other copy in the log, as history only (no undo ops: nothing to redo or undo)."""
        self.conn.execute(
            "INSERT INTO action (at, coder, kind, payload, undone) VALUES (?, ?, ?, ?, 0)",
            (at or now(), plain(coder), kind, json.dumps(payload, ensure_ascii=False)),
        )
