"""The anonymisation check's part of the project file: decisions on candidate identifiers, the allow-list,
and rewriting every stored text when an identifier is replaced by a pseudonym.

The check finds the identifiers (:mod:`coder.anonymise.candidates`) and computes the new texts and offsets
(:mod:`coder.anonymise.check`); this mixin only reads and writes rows.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from coder.model import plain
from coder.store.base import now
from coder.store.changes import ChangesMixin

#: Columns a pseudonymisation must not rewrite as plain text: keys, hashes, and the tables it rewrites
#: itself (source text with its offsets, the search index) or clears (the NLP cache).
_NOT_SCRUBBED = {
    ("source", "text"),
    ("source", "hash"),
    ("code", "id"),
    ("code", "parent_id"),
    ("coding", "code_id"),
    ("suggestion", "code_id"),
    ("setting", "key"),
}
_NOT_SCRUBBED_TABLES = {"identifier_decision", "segment_nlp", "segment_embedding", "revision"}  # revision: counters


@dataclass
class Decision:
    kind: str
    text_hash: str
    text: str | None  # in clear only when dismissed
    decision: str  # "dismissed" | "pseudonymised"
    replacement: str | None
    coder: str
    decided_at: str


class IdentifiersMixin(ChangesMixin):
    # -- reading ------------------------------------------------------------------------
    def anon_sources(self) -> list[tuple[int, str, str]]:
        """``(id, name, text)`` of every source, in import order."""
        return self.conn.execute("SELECT id, name, text FROM source ORDER BY id").fetchall()

    def anon_segments(self) -> list[tuple[int, int, int, int]]:
        """``(segment id, source id, start, end)`` of every segment, in source order."""
        return self.conn.execute('SELECT id, source_id, start, "end" FROM segment ORDER BY source_id, start').fetchall()

    def identifier_decisions(self) -> list[Decision]:
        rows = self.conn.execute(
            "SELECT kind, text_hash, text, decision, replacement, coder, decided_at "
            "FROM identifier_decision ORDER BY id"
        )
        return [Decision(*r) for r in rows]

    def pseudonym_of(self, text_hash: str) -> str | None:
        row = self.conn.execute(
            "SELECT replacement FROM identifier_decision WHERE text_hash = ? AND decision = 'pseudonymised' LIMIT 1",
            (text_hash,),
        ).fetchone()
        return row[0] if row else None

    def pseudonym_tags(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT replacement FROM identifier_decision "
                "WHERE decision = 'pseudonymised' AND replacement IS NOT NULL"
            )
        ]

    def anonymise_salt(self) -> str:
        """The project's salt for identifier hashes, made on first use (call inside a transaction)."""
        salt = self.setting("anonymise_salt")
        if salt is None:
            salt = secrets.token_hex(16)
            self.set_setting("anonymise_salt", salt)
        return salt

    def allowed_words(self) -> list[str]:
        """The project's own allow-list (setting ``anonymise_allow``, a JSON list)."""
        return json.loads(self.setting("anonymise_allow", "[]"))

    # -- decisions (inside an action) ----------------------------------------------------------
    def set_allowed_words(self, words: list[str]) -> None:
        value = json.dumps(sorted({plain(w) for w in words}), ensure_ascii=False)
        if self._row("setting", "anonymise_allow") is None:
            self._insert("setting", {"key": "anonymise_allow", "value": value})
        else:
            self._update("setting", "anonymise_allow", {"value": value})

    def decide_identifier(
        self, kind: str, text_hash: str, text: str | None, decision: str, replacement: str | None, coder: str
    ) -> None:
        """Record a decision on ``(kind, identifier)``, replacing an earlier one."""
        row = self.conn.execute(
            "SELECT id FROM identifier_decision WHERE kind = ? AND text_hash = ?", (kind, text_hash)
        ).fetchone()
        if row:
            self._delete("identifier_decision", row[0])
        self._insert(
            "identifier_decision",
            {
                "kind": kind,
                "text_hash": text_hash,
                "text": plain(text),
                "decision": decision,
                "replacement": plain(replacement),
                "coder": plain(coder),
                "decided_at": now(),
            },
        )

    def forget_dismissals(self, text_hash: str) -> int:
        """Drop dismissals of an identifier now pseudonymised (they hold its text in clear)."""
        return self.conn.execute(
            "DELETE FROM identifier_decision WHERE text_hash = ? AND decision = 'dismissed'", (text_hash,)
        ).rowcount

    # -- pseudonymisation (inside a transaction) -----------------------------------------------------
    def codings_of(self, source_id: int) -> list[tuple[int, int, int]]:
        return self.conn.execute('SELECT id, start, "end" FROM coding WHERE source_id = ?', (source_id,)).fetchall()

    def rewrite_source(
        self,
        source_id: int,
        text: str,
        segments: list[tuple[int, int, int]],
        codings: list[tuple[int, int, int]],
        changed_segments: set[int],
    ) -> None:
        """Give a source new text with its segments' and codings' new ``(id, start, end)``; refresh the
        search index and drop the NLP cache of ``changed_segments``. The source's content hash is kept:
        it identifies the imported file, so importing the original again is still refused."""
        self.conn.execute("UPDATE source SET text = ? WHERE id = ?", (text, source_id))
        self.conn.executemany(
            'UPDATE segment SET start = ?, "end" = ?, words = ? WHERE id = ?',
            [(s, e, len(text[s:e].split()), i) for i, s, e in segments],
        )
        self.conn.executemany('UPDATE coding SET start = ?, "end" = ? WHERE id = ?', [(s, e, i) for i, s, e in codings])
        if changed_segments:
            ids = sorted(changed_segments)
            marks = ",".join("?" * len(ids))
            spans = {i: (s, e) for i, s, e in segments}
            self.conn.execute(f"DELETE FROM segment_fts WHERE rowid IN ({marks})", ids)
            self.conn.executemany(
                "INSERT INTO segment_fts (rowid, text) VALUES (?, ?)",
                [(i, text[spans[i][0] : spans[i][1]]) for i in ids],
            )
            for cache in ("segment_nlp", "segment_embedding"):  # what was made from the old text goes with it
                if self._has_table(cache):
                    self.conn.execute(f"DELETE FROM {cache} WHERE segment_id IN ({marks})", ids)

    def scrub_texts(self, probe: Callable[[str], bool], rewrite: Callable[[str], str]) -> dict[str, int]:
        """Rewrite every other text value in the project file that ``probe`` accepts (memos, quote texts,
        suggestion evidence, attribute values, file names in the metadata, the payloads of the action log …);
        returns rows changed per table."""
        changed: dict[str, int] = {}
        for table in self._plain_tables():
            columns = [
                r[1]
                for r in self.conn.execute(f'PRAGMA table_info("{table}")')
                if (r[2] or "").upper() in ("TEXT", "") and (table, r[1]) not in _NOT_SCRUBBED
            ]
            if not columns:
                continue
            cols = ", ".join(f'"{c}"' for c in columns)
            for row in self.conn.execute(f'SELECT rowid, {cols} FROM "{table}"').fetchall():
                updates = {
                    c: rewrite(v) for c, v in zip(columns, row[1:], strict=True) if isinstance(v, str) and probe(v)
                }
                if updates:
                    sets = ", ".join(f'"{c}" = ?' for c in updates)
                    self.conn.execute(f'UPDATE "{table}" SET {sets} WHERE rowid = ?', [*updates.values(), row[0]])
                    changed[table] = changed.get(table, 0) + 1
        return changed

    def log_barrier(self, kind: str, payload: dict, coder: str) -> int:
        """Log an action undo cannot cross (and end the redo branch)."""
        self.conn.execute("UPDATE action SET undone = 2 WHERE undone = 1")
        return self.log(kind, payload, coder)

    def optimize_search_index(self) -> None:
        """Merge the FTS5 index so deleted terms leave its pages (inside the transaction)."""
        self.conn.execute("INSERT INTO segment_fts (segment_fts) VALUES ('optimize')")

    def secure_delete(self, on: bool) -> bool:
        """Overwrite deleted content with zeros (``PRAGMA secure_delete``) on this connection; returns the
        previous setting (some SQLite builds, e.g. Debian's, have it on by default)."""
        before = bool(self.conn.execute("PRAGMA secure_delete").fetchone()[0])
        self.conn.execute(f"PRAGMA secure_delete = {'ON' if on else 'OFF'}")
        return before

    def _has_table(self, name: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
            is not None
        )

    def _plain_tables(self) -> list[str]:
        """Ordinary tables: not SQLite's own, not the FTS index or its shadow tables, not those handled apart."""
        rows = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = {n for n, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")}
        return [
            n
            for n, _ in rows
            if not n.startswith("sqlite_")
            and n not in virtual
            and not any(n.startswith(v + "_") for v in virtual)
            and n not in _NOT_SCRUBBED_TABLES
        ]
