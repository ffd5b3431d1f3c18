"""Quotes for the report: coded passages with everything an export prints, report texts, and who said what.

A *report text* is the edited wording of a coded passage (fillers cut, omissions marked) kept in
``quote.report_text``; the source text is never changed. It belongs to the passage, so it is kept on every
coding of exactly the same span (two codes on one sentence share one report text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from coder.model import Attribute, plain
from coder.store.changes import ChangesMixin

#: How much of the segment around a passage is read, to tell whether it starts or ends mid-sentence.
AROUND = 40


@dataclass
class CodedPassage:
    """One coding with its source, speaker, case, attributes, report text, quote mark and memo."""

    coding_id: int
    source_id: int
    source: str
    kind: str  # transcript, survey, document
    start: int
    end: int
    code_id: str
    coder: str
    created_at: str
    text: str  # the source's words, as they are
    speaker: str | None
    turn: int | None  # the number of the segment (turn, answer, paragraph) it starts in, from 1
    t_start: float | None  # the segment's time in the recording, in seconds
    case: str | None
    attributes: dict[str, Attribute]
    report_text: str | None
    marked: bool
    memo: str | None
    before: str  # up to AROUND characters of its segment before it
    after: str  # up to AROUND characters of its segment after it
    origin: str = "manual"  # manual, suggested, auto, imported
    provenance: dict | None = None  # how it came (coder.coding.provenance)


@dataclass
class Respondent:
    case_id: int
    name: str
    answers: int  # segments of the chosen sources that are theirs
    attributes: dict[str, Attribute]


class QuotesMixin(ChangesMixin):
    # -- reading ------------------------------------------------------------------------------------------
    def coded_passages(self, code_ids: Iterable[str] | None = None) -> list[CodedPassage]:
        """Every coding of ``code_ids`` (None: every coding), in source order: interviews, survey answers,
        documents; then by place. The segment a coding starts in gives its speaker, turn, time and (for
        answers) case."""
        codes = list(code_ids) if code_ids is not None else None
        if codes == []:
            return []
        where, args = "", []
        if codes is not None:
            where = f"WHERE c.code_id IN ({','.join('?' * len(codes))})"
            args = codes
        rows = self.conn.execute(
            f"""SELECT c.id, c.source_id, s.name, s.kind, c.start, c."end", c.code_id, c.coder, c.created_at,
                       substr(s.text, c.start + 1, c."end" - c.start),
                       g.speaker, g.ordinal, g.t_start, coalesce(g.case_id, s.case_id),
                       q.report_text, coalesce(q.marked, 0),
                       (SELECT text FROM memo WHERE target_kind = 'coding' AND target_id = CAST(c.id AS TEXT)
                        ORDER BY id LIMIT 1),
                       substr(s.text, max(coalesce(g.start, 0), c.start - {AROUND}) + 1,
                              c.start - max(coalesce(g.start, 0), c.start - {AROUND})),
                       CASE WHEN g."end" IS NULL OR c."end" <= g."end"
                            THEN substr(s.text, c."end" + 1,
                                        min(coalesce(g."end", length(s.text)), c."end" + {AROUND}) - c."end")
                            ELSE '' END,
                       c.origin, c.provenance
                FROM coding c JOIN source s ON s.id = c.source_id
                LEFT JOIN segment g ON g.id = (
                    SELECT id FROM segment WHERE source_id = c.source_id AND start <= c.start
                    ORDER BY start DESC LIMIT 1)
                LEFT JOIN quote q ON q.coding_id = c.id
                {where}
                ORDER BY CASE s.kind WHEN 'transcript' THEN 0 WHEN 'survey' THEN 1 ELSE 2 END, s.id, c.start,
                         c."end" DESC, c.id""",
            args,
        ).fetchall()
        names, attrs = self._case_details({r[13] for r in rows if r[13] is not None})
        return [
            CodedPassage(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                None if r[11] is None else r[11] + 1,
                r[12],
                names.get(r[13]),
                attrs.get(r[13], {}),
                r[14],
                bool(r[15]),
                r[16],
                r[17] or "",
                r[18] or "",
                r[19],
                json.loads(r[20]) if r[20] else None,
            )  # fmt: skip
            for r in rows
        ]

    def _case_details(self, case_ids: set[int]) -> tuple[dict[int, str], dict[int, dict[str, Attribute]]]:
        names: dict[int, str] = {}
        attrs: dict[int, dict[str, Attribute]] = {i: {} for i in case_ids}
        if not case_ids:
            return names, attrs
        ids = sorted(case_ids)
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            marks = ",".join("?" * len(part))
            names.update(self.conn.execute(f'SELECT id, name FROM "case" WHERE id IN ({marks})', part))
            for case_id, key, value, kind in self.conn.execute(
                f"SELECT case_id, key, value, type FROM attribute WHERE case_id IN ({marks}) ORDER BY rowid", part
            ):
                attrs[case_id][key] = Attribute(key, value, kind)
        return names, attrs

    def quote_spans(self) -> dict[tuple[int, int, int], tuple[bool, str | None]]:
        """``(source id, start, end)`` → (marked ★ on some coding of that span, its report text)."""
        out: dict[tuple[int, int, int], tuple[bool, str | None]] = {}
        rows = self.conn.execute(
            'SELECT c.source_id, c.start, c."end", q.marked, q.report_text FROM quote q '
            "JOIN coding c ON c.id = q.coding_id ORDER BY q.coding_id"
        )
        for source_id, start, end, marked, report in rows:
            old_marked, old_report = out.get((source_id, start, end), (False, None))
            out[(source_id, start, end)] = (old_marked or bool(marked), old_report or report)
        return out

    def report_text(self, coding_id: int) -> str | None:
        """The report text of a coding's passage (set on it or on another coding of the same span)."""
        row = self.conn.execute(
            """SELECT q.report_text FROM coding c JOIN coding o
                   ON o.source_id = c.source_id AND o.start = c.start AND o."end" = c."end"
               JOIN quote q ON q.coding_id = o.id
               WHERE c.id = ? AND q.report_text IS NOT NULL ORDER BY o.id = c.id DESC, o.id LIMIT 1""",
            (coding_id,),
        ).fetchone()
        return row[0] if row else None

    def same_span(self, coding_id: int) -> list[int]:
        """The codings of exactly the span of ``coding_id`` (itself included)."""
        return [
            r[0]
            for r in self.conn.execute(
                """SELECT o.id FROM coding c JOIN coding o
                       ON o.source_id = c.source_id AND o.start = c.start AND o."end" = c."end"
                   WHERE c.id = ? ORDER BY o.id""",
                (coding_id,),
            )
        ]

    def respondents(self, source_ids: Iterable[int]) -> list[Respondent]:
        """The cases with a segment in ``source_ids`` (the respondents who answered those questions), by name."""
        ids = list(source_ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"""SELECT k.id, k.name, count(*) FROM segment g JOIN source s ON s.id = g.source_id
                JOIN "case" k ON k.id = coalesce(g.case_id, s.case_id)
                WHERE g.source_id IN ({marks}) GROUP BY k.id ORDER BY k.name""",
            ids,
        ).fetchall()
        _, attrs = self._case_details({r[0] for r in rows})
        return [Respondent(r[0], r[1], r[2], attrs.get(r[0], {})) for r in rows]

    def case_codes(self, source_ids: Iterable[int]) -> set[tuple[int, str]]:
        """``(case id, code id)`` for every coding in ``source_ids``: the case of the segment it starts in."""
        ids = list(source_ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"""SELECT DISTINCT coalesce(g.case_id, s.case_id), c.code_id
                FROM coding c JOIN source s ON s.id = c.source_id
                JOIN segment g ON g.id = (
                    SELECT id FROM segment WHERE source_id = c.source_id AND start <= c.start
                    ORDER BY start DESC LIMIT 1)
                WHERE c.source_id IN ({marks}) AND coalesce(g.case_id, s.case_id) IS NOT NULL""",
            ids,
        )
        return {(r[0], r[1]) for r in rows}

    # -- writing (inside an action) -------------------------------------------------------------------------
    def set_report_text(self, coding_id: int, text: str | None) -> list[int]:
        """Give the passage of ``coding_id`` a report text (None or blank: none), on every coding of the same
        span. Returns the codings changed."""
        text = plain(text, multiline=True)
        value = text.strip() if text and text.strip() else None
        changed = []
        for other in self.same_span(coding_id):
            row = self._row("quote", other)
            if row is None:
                if value is None:
                    continue
                self._insert("quote", {"coding_id": other, "report_text": value, "marked": 0})
            elif value is None and not row["marked"]:
                self._delete("quote", other)
            elif row["report_text"] != value:
                self._update("quote", other, {"report_text": value})
            else:
                continue
            changed.append(other)
        return changed
