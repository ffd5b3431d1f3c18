"""Counting for the analysis tables (coder.analysis.tables): codes × segments, cases, attributes, codes.

Everything here counts *coded segments*: a coding counts for every segment it overlaps
(``segment.start < coding.end and coding.start < segment.end`` in the same source), so a coding
that runs over three turns codes three segments, and two codings of one code in the same answer
code it once. A segment's case is its own (a survey answer's respondent) or else its source's
(the informant of an interview).

A *scope* narrows what is counted: some sources (a survey question), some cases (those a filter
let through). The segments in scope and the codings that touch them are put in two temporary
tables once per scope; each count is then one ``GROUP BY`` over them. Finding the segments a
coding overlaps uses an index on ``(source_id, start)`` of the temporary copy: the segment that
holds the coding's start is the last one starting at or before it, and the overlap runs from
there to the coding's end, so a coding costs a couple of index lookups, not a scan of its source.
The temporary tables live on this connection only and are rebuilt when the scope or the project
file changes (``PRAGMA data_version`` and ``total_changes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coder.store.base import ProjectBase

#: the closure of the code tree: (code, itself or an ancestor); UNION stops at a cycle
_TREE = """
WITH RECURSIVE up(code_id, ancestor_id) AS (
    SELECT id, id FROM code
    UNION
    SELECT up.code_id, c.parent_id FROM up JOIN code c ON c.id = up.ancestor_id WHERE c.parent_id IS NOT NULL
)
"""


@dataclass(frozen=True)
class Scope:
    """What to count: ``sources`` (ids; None = all) and ``cases`` (ids; None = all segments, also those of no case)."""

    sources: tuple[int, ...] | None = None
    cases: frozenset[int] | None = None

    @classmethod
    def of(cls, sources: Iterable[int] | None = None, cases: Iterable[int] | None = None) -> Scope:
        return cls(
            tuple(sorted(set(sources))) if sources is not None else None,
            frozenset(cases) if cases is not None else None,
        )


@dataclass(frozen=True)
class CodeCount:
    """How often a code is used in a scope."""

    code_id: str
    codings: int  # codings that overlap a segment in scope
    segments: int  # distinct segments they overlap
    cases: int  # distinct cases of those segments


@dataclass(frozen=True)
class ScopeSize:
    """What the scope holds: the denominators of the tables."""

    segments: int
    cases: int  # distinct cases with at least one segment in scope
    kinds: frozenset[str]  # source kinds in scope (transcript, survey, document)


class AnalysisMixin(ProjectBase):
    _analysis_key: tuple | None = None

    # -- what there is to choose from ------------------------------------------------------------
    def attribute_keys(self) -> list[str]:
        """Every attribute key of the project's cases, in the order they were first imported."""
        return [r[0] for r in self.conn.execute("SELECT key FROM attribute GROUP BY key ORDER BY min(rowid)")]

    # -- counts ----------------------------------------------------------------------------------
    def scope_size(self, scope: Scope) -> ScopeSize:
        self._scoped(scope)
        segments, cases = self.conn.execute("SELECT count(*), count(DISTINCT case_id) FROM temp.an_seg").fetchone()
        kinds = self.conn.execute(
            "SELECT DISTINCT s.kind FROM source s WHERE s.id IN (SELECT DISTINCT source_id FROM temp.an_seg)"
        )
        return ScopeSize(segments, cases, frozenset(r[0] for r in kinds))

    def code_counts_in(self, scope: Scope, rollup: bool = False) -> dict[str, CodeCount]:
        """Per code (only codes used in scope): codings, coded segments and cases.
        ``rollup``: a code counts the codings of its sub-codes too (each segment and case once)."""
        self._scoped(scope)
        if rollup:
            rows = self.conn.execute(
                _TREE
                + """
                SELECT up.ancestor_id, count(DISTINCT h.coding_id), count(DISTINCT h.segment_id),
                       count(DISTINCT h.case_id)
                FROM temp.an_hit h JOIN up ON up.code_id = h.code_id
                GROUP BY up.ancestor_id"""
            )
        else:
            rows = self.conn.execute(
                """SELECT code_id, count(DISTINCT coding_id), count(DISTINCT segment_id), count(DISTINCT case_id)
                   FROM temp.an_hit GROUP BY code_id"""
            )
        return {r[0]: CodeCount(*r) for r in rows}

    def coded_total(self, scope: Scope) -> CodeCount:
        """Codings, segments and cases coded with any code in scope (``code_id`` is empty)."""
        self._scoped(scope)
        row = self.conn.execute(
            "SELECT count(DISTINCT coding_id), count(DISTINCT segment_id), count(DISTINCT case_id) FROM temp.an_hit"
        ).fetchone()
        return CodeCount("", *row)

    def attribute_groups(self, key: str, scope: Scope) -> dict[str | None, int]:
        """Cases in scope by their value of attribute ``key`` (None: the case has no such attribute)."""
        self._scoped(scope)
        rows = self.conn.execute(
            """SELECT a.value, count(*)
               FROM (SELECT DISTINCT case_id FROM temp.an_seg WHERE case_id IS NOT NULL) c
               LEFT JOIN attribute a ON a.case_id = c.case_id AND a.key = ?
               GROUP BY a.value""",
            (key,),
        )
        return {r[0]: r[1] for r in rows}

    def code_attribute_counts(self, key: str, scope: Scope, rollup: bool = False) -> dict[tuple[str, str | None], int]:
        """``(code, value) → cases``: the cases in scope with that value of ``key`` and a segment coded with the
        code (``rollup``: or one of its sub-codes). Value None: cases without the attribute."""
        self._scoped(scope)
        code = "up.ancestor_id" if rollup else "h.code_id"
        rows = self.conn.execute(
            (_TREE if rollup else "")
            + f"""
            SELECT {code}, a.value, count(DISTINCT h.case_id)
            FROM temp.an_hit h {"JOIN up ON up.code_id = h.code_id" if rollup else ""}
            LEFT JOIN attribute a ON a.case_id = h.case_id AND a.key = ?
            WHERE h.case_id IS NOT NULL
            GROUP BY {code}, a.value""",
            (key,),
        )
        return {(r[0], r[1]): r[2] for r in rows}

    def cooccurrence_counts(self, scope: Scope, rollup: bool = False) -> dict[tuple[str, str], int]:
        """``(code a, code b) → segments`` coded with both (a coding of each overlaps the segment), both orders;
        ``(a, a)`` is the number of segments coded with ``a``. Pairs that never meet are left out."""
        self._scoped(scope)
        conn = self.conn
        conn.execute("DROP TABLE IF EXISTS temp.an_sc")
        conn.execute(
            "CREATE TEMP TABLE an_sc (segment_id INTEGER, code_id TEXT, PRIMARY KEY (segment_id, code_id)) "
            "WITHOUT ROWID"
        )
        if rollup:
            conn.execute(
                _TREE
                + """INSERT OR IGNORE INTO temp.an_sc
                SELECT h.segment_id, up.ancestor_id FROM temp.an_hit h JOIN up ON up.code_id = h.code_id"""
            )
        else:
            conn.execute("INSERT OR IGNORE INTO temp.an_sc SELECT segment_id, code_id FROM temp.an_hit")
        rows = conn.execute(
            """SELECT a.code_id, b.code_id, count(*)
               FROM temp.an_sc a JOIN temp.an_sc b ON b.segment_id = a.segment_id
               GROUP BY a.code_id, b.code_id"""
        ).fetchall()
        conn.execute("DROP TABLE temp.an_sc")
        self._analysis_key = self._state(scope)  # the drop above is no change to the project
        return {(r[0], r[1]): r[2] for r in rows}

    # -- the scope's temporary tables ------------------------------------------------------------------
    def _state(self, scope: Scope) -> tuple:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return (scope, version, self.conn.total_changes)

    def _scoped(self, scope: Scope) -> None:
        """Fill ``temp.an_seg`` (segments in scope with their case) and ``temp.an_hit`` (coding × segment it
        overlaps) for ``scope``, unless they already hold it and nothing was written since."""
        if self._analysis_key == self._state(scope):
            return
        conn = self.conn
        for table in ("an_hit", "an_seg", "an_case"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        where, args = [], []
        if scope.sources is not None:
            where.append(f"g.source_id IN ({','.join('?' * len(scope.sources))})")
            args.extend(scope.sources)
        if scope.cases is not None:
            conn.execute("CREATE TEMP TABLE an_case (id INTEGER PRIMARY KEY)")
            conn.executemany("INSERT INTO temp.an_case VALUES (?)", [(i,) for i in scope.cases])
            where.append("coalesce(g.case_id, s.case_id) IN (SELECT id FROM temp.an_case)")
        conn.execute(
            'CREATE TEMP TABLE an_seg (id INTEGER PRIMARY KEY, source_id INTEGER, start INTEGER, "end" INTEGER, '
            "case_id INTEGER)"
        )
        conn.execute(
            'INSERT INTO temp.an_seg SELECT g.id, g.source_id, g.start, g."end", coalesce(g.case_id, s.case_id) '
            "FROM segment g JOIN source s ON s.id = g.source_id" + (" WHERE " + " AND ".join(where) if where else ""),
            args,
        )
        conn.execute("CREATE INDEX temp.an_seg_place ON an_seg (source_id, start)")
        conn.execute("CREATE TEMP TABLE an_hit (coding_id INTEGER, code_id TEXT, segment_id INTEGER, case_id INTEGER)")
        conn.execute(
            """INSERT INTO temp.an_hit
               SELECT c.id, c.code_id, g.id, g.case_id
               FROM coding c JOIN temp.an_seg g
                 ON g.source_id = c.source_id
                AND g.start >= coalesce((SELECT p.start FROM temp.an_seg p
                                         WHERE p.source_id = c.source_id AND p.start <= c.start
                                         ORDER BY p.start DESC LIMIT 1), -1)
                AND g.start < c."end" AND g."end" > c.start
               WHERE c.source_id IN (SELECT DISTINCT source_id FROM temp.an_seg)"""
        )
        self._analysis_key = self._state(scope)
