"""Codings: a code applied to a span of a source's text; candidate quotes; retrieval."""

from __future__ import annotations

import json
from dataclasses import dataclass

from coder.model import Attribute, Coding, Origin, plain
from coder.store.base import now
from coder.store.changes import ChangesMixin

_CODING = 'SELECT id, source_id, start, "end", code_id, coder, origin, created_at, provenance FROM coding'


def _coding(row) -> Coding:
    """A coding from its row (the columns of ``_CODING``, provenance as JSON text)."""
    return Coding(*row[:8], provenance=json.loads(row[8]) if row[8] else None)


@dataclass
class Retrieved:
    """A coded passage as the retrieval view shows it."""

    coding: Coding
    source: str
    kind: str
    text: str
    speaker: str | None
    case: str | None
    attributes: dict[str, Attribute]
    quote: bool  # marked as a candidate quote for the report


class CodingsMixin(ChangesMixin):
    def add_coding(
        self,
        source_id: int,
        start: int,
        end: int,
        code_id: str,
        coder: str,
        origin: Origin = "manual",
        provenance: dict | None = None,
    ) -> int:
        """Apply ``code_id`` to ``[start, end)`` of a source (inside the caller's transaction). ``provenance``: how it
        came to be, kept with the row as JSON (:mod:`coder.coding.provenance`; None for coding by hand)."""
        length = self.conn.execute("SELECT length(text) FROM source WHERE id = ?", (source_id,)).fetchone()
        if length is None:
            raise KeyError(f"source {source_id}")
        if not 0 <= start < end <= length[0]:
            raise ValueError(f"span {start}-{end} is outside the source (length {length[0]})")
        row = {
            "source_id": source_id,
            "start": start,
            "end": end,
            "code_id": code_id,
            "coder": plain(coder),
            "origin": origin,
            "created_at": now(),
            "provenance": json.dumps(provenance, ensure_ascii=False) if provenance else None,
        }
        return self._insert("coding", row)

    def coding(self, coding_id: int) -> Coding:
        row = self.conn.execute(_CODING + " WHERE id = ?", (coding_id,)).fetchone()
        if row is None:
            raise KeyError(f"coding {coding_id}")
        return _coding(row)

    def codings(self, source_id: int | None = None, code_id: str | None = None) -> list[Coding]:
        sql, where, args = _CODING, [], []
        if source_id is not None:
            where.append("source_id = ?")
            args.append(source_id)
        if code_id is not None:
            where.append("code_id = ?")
            args.append(code_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_coding(r) for r in self.conn.execute(sql + " ORDER BY source_id, start, id", args)]

    def find_coding(self, source_id: int, start: int, end: int, code_id: str, coder: str | None = None) -> int | None:
        """The coding of ``code_id`` on exactly ``[start, end)`` (by ``coder``, when given: two coders' codings of
        one span are two codings)."""
        sql = 'SELECT id FROM coding WHERE source_id = ? AND start = ? AND "end" = ? AND code_id = ?'
        args: list = [source_id, start, end, code_id]
        if coder is not None:
            sql += " AND coder = ?"
            args.append(coder)
        row = self.conn.execute(sql, args).fetchone()
        return row[0] if row else None

    def remove_coding(self, coding_id: int) -> None:
        """Delete a coding with its quote mark and memos (inside an action)."""
        self._delete("quote", coding_id)
        for (memo_id,) in self.conn.execute(
            "SELECT id FROM memo WHERE target_kind = 'coding' AND target_id = ?", (str(coding_id),)
        ).fetchall():
            self._delete("memo", memo_id)
        self._delete("coding", coding_id)

    def set_provenance(self, coding_id: int, provenance: dict | None) -> None:
        """Say how a coding came (an import's, inside its transaction; :mod:`coder.coding.provenance`)."""
        text = json.dumps(provenance, ensure_ascii=False) if provenance else None
        self._update("coding", coding_id, {"provenance": text})

    def update_coding(self, coding_id: int, **changes) -> None:
        """Change a coding's ``code_id``, ``start`` or ``end`` (inside an action)."""
        self._update("coding", coding_id, changes)

    # -- candidate quotes -----------------------------------------------------
    def quote_marks(self) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT coding_id FROM quote WHERE marked = 1")}

    def set_quote_mark(self, coding_id: int, marked: bool) -> None:
        if self._row("quote", coding_id) is None:
            if marked:
                self._insert("quote", {"coding_id": coding_id, "report_text": None, "marked": 1})
        else:
            self._update("quote", coding_id, {"marked": int(marked)})

    # -- retrieval --------------------------------------------------------------
    def retrieve(self, code_ids: list[str]) -> list[Retrieved]:
        """Every coding of ``code_ids`` with its source, speaker, case and the case's attributes,
        in source order. The segment a coding starts in gives its speaker and (for answers) case."""
        if not code_ids:
            return []
        marks = ",".join("?" * len(code_ids))
        codings = self.conn.execute(
            f"""SELECT c.id, c.source_id, c.start, c."end", c.code_id, c.coder, c.origin, c.created_at, c.provenance,
                       s.name, s.kind, sc.name, coalesce(q.marked, 0)
                FROM coding c JOIN source s ON s.id = c.source_id
                LEFT JOIN "case" sc ON sc.id = s.case_id
                LEFT JOIN quote q ON q.coding_id = c.id
                WHERE c.code_id IN ({marks})
                ORDER BY CASE s.kind WHEN 'transcript' THEN 0 WHEN 'survey' THEN 1 ELSE 2 END, s.id, c.start""",
            code_ids,
        ).fetchall()
        # The passage's text and the segment it starts in, per source in Python: SQL's substr() would read a long
        # survey source's whole text once per coding (5,000 codings of a 50,000-answer question took a minute),
        # and finding the segment by a correlated subquery has no index on segment starts.
        texts = {source_id: self.source_text(source_id) for source_id in {r[1] for r in codings}}
        segment_at = {source_id: self.segment_lookup(source_id) for source_id in texts}
        rows = []
        for r in codings:
            segment = segment_at[r[1]](r[2])
            speaker, case = (segment.speaker, segment.case) if segment is not None else (None, None)
            rows.append((*r[:11], texts[r[1]][r[2] : r[3]], speaker, case if case is not None else r[11], r[12]))
        cases = self.cases_named(r[13] for r in rows if r[13] is not None)
        out = []
        for r in rows:
            case = cases.get(r[13])
            attributes = case.attributes if case is not None else {}
            name = case.name if case is not None else None
            out.append(Retrieved(_coding(r[:9]), r[9], r[10], r[11], r[12], name, attributes, bool(r[14])))
        return out
