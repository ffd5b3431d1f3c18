"""Sources, their segments, cases and attributes in the project file."""

from __future__ import annotations

import json
import re
import sqlite3
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coder.model import Attribute, Case, ImportedSource, Segment, Source, plain
from coder.store.base import ProjectBase, now


@dataclass
class ReplaceReport:
    """What happened to a source's codings when its file was imported again with new text."""

    kept: int = 0  # same place, same text
    moved: int = 0  # same text found elsewhere in the new version
    lost: int = 0  # their text is gone from the new version


@dataclass
class Hit:
    """A search hit: the segment that matched, with a snippet around the match."""

    source_id: int
    start: int
    end: int
    speaker: str | None
    source: str
    snippet: str
    matches: tuple[tuple[int, int], ...] = ()  # the matched words, as offsets into the source text


_MARKED = re.compile("\x01([^\x02]*)\x02")


def _marked_spans(marked: str, base: int) -> tuple[tuple[int, int], ...]:
    """Offsets of the \x01…\x02 marked runs of FTS5 ``highlight()``, with the markers removed."""
    spans: list[tuple[int, int]] = []
    for k, match in enumerate(_MARKED.finditer(marked)):
        start = base + match.start() - 2 * k
        spans.append((start, start + len(match[1])))
    return tuple(spans)


def _meta(meta: dict) -> str:
    """A source's ``meta`` as JSON, every text in it plain (speaker names as keys, a file name, a question)."""

    def clean(value):
        if isinstance(value, str):
            return plain(value, multiline=True)
        if isinstance(value, dict):
            return {plain(k) if isinstance(k, str) else k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(meta), ensure_ascii=False)


class SourcesMixin(ProjectBase):
    # -- reading ------------------------------------------------------------
    def source_by_hash(self, digest: str) -> tuple[int, str] | None:
        row = self.conn.execute("SELECT id, name FROM source WHERE hash = ?", (digest,)).fetchone()
        return (row[0], row[1]) if row else None

    def source_by_name(self, name: str) -> tuple[int, str] | None:
        row = self.conn.execute("SELECT id, hash FROM source WHERE name = ?", (name,)).fetchone()
        return (row[0], row[1]) if row else None

    def sources(self) -> list[Source]:
        """Every source with its counts, grouped by kind and group, in import order."""
        rows = self.conn.execute(
            """
            SELECT s.id, s.kind, s.name, s.grp, s.hash, s.imported_at, c.name, s.meta,
                   (SELECT count(*) FROM segment WHERE source_id = s.id),
                   (SELECT coalesce(sum(words), 0) FROM segment WHERE source_id = s.id),
                   (SELECT count(*) FROM coding WHERE source_id = s.id)
            FROM source s LEFT JOIN "case" c ON c.id = s.case_id
            ORDER BY CASE s.kind WHEN 'transcript' THEN 0 WHEN 'survey' THEN 1 ELSE 2 END, s.grp, s.id
            """
        )
        return [Source(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[8], r[9], r[10], json.loads(r[7])) for r in rows]

    def coding_counts(self) -> dict[int, int]:
        """Source id → how many codings it has (all coders'): :meth:`sources` without the segment counts, which
        read every segment row of a 50,000-answer question."""
        return dict(self.conn.execute("SELECT source_id, count(*) FROM coding GROUP BY source_id").fetchall())

    def source_text(self, source_id: int) -> str:
        row = self.conn.execute("SELECT text FROM source WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            raise KeyError(source_id)
        return row[0]

    def source_text_cached(self, source_id: int) -> str:
        """:meth:`source_text`, kept for the next call until a source changes (by this connection or another): the
        suggestion panel reads a segment of a long survey source on every cursor move."""
        return self._until_changed("_text_cache", source_id, self.source_text, 64_000_000, ("source",))

    def segments_cached(self, source_id: int) -> list[Segment]:
        """:meth:`segments`, kept until a segment or a case changes: a search types ahead and runs again on every
        pause, the screen codes and reads them, and a question of 50,000 answers takes a tenth of a second to read.
        The list is shared: callers must not change it."""
        return self._until_changed("_segments_cache", source_id, self.segments, 300_000, ("segment", "case"))

    def revisions(self, *tables: str) -> tuple[int, ...]:
        """How often rows of these tables (source, segment, case, attribute) have been written, by anyone: counters
        the schema's triggers move (migration 9), for keeping what was read from them until they change."""
        counts = dict(self.conn.execute("SELECT name, n FROM revision").fetchall())
        return tuple(counts.get(t, 0) for t in tables)

    def _until_changed(self, slot: str, source_id: int, read, budget: int, tables: tuple[str, ...]):
        """``read(source_id)``, kept in ``slot`` until the :meth:`revisions` of ``tables`` move, for as many sources
        as fit in ``budget`` (of ``len()`` of what is kept: segments, characters), the least recently used let go
        first — a search over a hundred interviews must not push out the 50,000-answer question open in the reader.
        Inside a transaction nothing is kept: what it wrote may yet be rolled back, and the counters with it, to a
        number that stood for something else."""
        if self.conn.in_transaction:
            return read(source_id)
        version = self.revisions(*tables)
        cached = self.__dict__.get(slot)
        if cached is None or cached[0] != version:
            cached = self.__dict__[slot] = (version, OrderedDict())
        known = cached[1]
        if source_id in known:
            known.move_to_end(source_id)
            return known[source_id]
        value = known[source_id] = read(source_id)
        held = sum(map(len, known.values()))
        while held > budget and len(known) > 1:
            held -= len(known.popitem(last=False)[1])
        return value

    def segments(self, source_id: int) -> list[Segment]:
        rows = self.conn.execute(
            """SELECT g.start, g."end", g.speaker, g.t_start, g.t_end, c.name, g.id
               FROM segment g LEFT JOIN "case" c ON c.id = g.case_id
               WHERE g.source_id = ? ORDER BY g.ordinal""",
            (source_id,),
        )
        return [Segment(*r) for r in rows]

    def cases(self) -> list[Case]:
        cases = {r[0]: Case(r[0], r[1], {}) for r in self.conn.execute('SELECT id, name FROM "case" ORDER BY id')}
        rows = self.conn.execute("SELECT case_id, key, value, type FROM attribute ORDER BY rowid")
        made: dict[tuple, Attribute] = {}  # 50,000 respondents share a handful of values: one object each
        for case_id, key, value, kind in rows:
            attribute = made.get((key, value, kind))
            if attribute is None:
                attribute = made[(key, value, kind)] = Attribute(key, value, kind)
            cases[case_id].attributes[key] = attribute
        return list(cases.values())

    def cases_at(self, places: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Case]:
        """The respondent (case) of the answer at each ``(source id, offset)`` that lies in a survey answer tied to
        one, with its attributes: what a search hit in a survey question shows instead of the question's name."""
        wanted = set(places)
        found: dict[tuple[int, int], str] = {}
        for source_id in {s for s, _ in wanted}:
            at = self.segment_lookup(source_id)
            for place in (p for p in wanted if p[0] == source_id):
                segment = at(place[1])
                if segment is not None and segment.case is not None:
                    found[place] = segment.case
        cases = self.cases_named(found.values())
        return {place: cases[name] for place, name in found.items() if name in cases}

    def segment_lookup(self, source_id: int) -> Callable[[int], Segment | None]:
        """A function: an offset of the source → the segment it lies in (the last one starting at or before it), or
        None before the first. The segments are those the screen holds already (:meth:`segments_cached`), their
        starts kept alike and bisected: SQLite has no index on segment starts for a correlated lookup."""
        segments = self.segments_cached(source_id)
        starts = self._until_changed("_starts_cache", source_id, self._starts_of, 300_000, ("segment", "case"))

        def at(offset: int) -> Segment | None:
            i = bisect_right(starts, offset) - 1
            return segments[i] if i >= 0 else None

        return at

    def _starts_of(self, source_id: int) -> list[int]:
        return [s.start for s in self.segments_cached(source_id)]

    def cases_named(self, names: Iterable[str]) -> dict[str, Case]:
        """These cases with their attributes, by name."""
        wanted = sorted(set(names))
        ids = []
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            ids += [r[0] for r in self.conn.execute(f'SELECT id FROM "case" WHERE name IN ({marks})', part)]
        return {c.name: c for c in self.cases_by_id(ids).values()}

    def cases_by_id(self, case_ids: Iterable[int]) -> dict[int, Case]:
        """These cases with their attributes, read in chunks (a retrieval can name thousands of respondents)."""
        ids = sorted(set(case_ids))
        cases: dict[int, Case] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            for case_id, name in self.conn.execute(f'SELECT id, name FROM "case" WHERE id IN ({marks})', part):
                cases[case_id] = Case(case_id, name, {})
            for case_id, key, value, kind in self.conn.execute(
                f"SELECT case_id, key, value, type FROM attribute WHERE case_id IN ({marks}) ORDER BY rowid", part
            ):
                cases[case_id].attributes[key] = Attribute(key, value, kind)
        return cases

    def cases_of_sources(self) -> dict[str, dict[str, Attribute]]:
        """The attributes of the cases that sources belong to (interviews, documents), by case name: what the Sources
        panel shows and filters. A survey's respondents, thousands of them, are read only when asked (:meth:`cases`)."""
        owners = self.cases_by_id(
            r[0] for r in self.conn.execute("SELECT case_id FROM source WHERE case_id IS NOT NULL")
        )
        return {c.name: c.attributes for c in owners.values()}

    def cases_mark(self) -> tuple:
        """A fingerprint of the cases and their attributes that moves when any is written (:meth:`revisions`): the
        coding screen reads the cases again only when it moved."""
        return self.revisions("case", "attribute")

    def stats(self) -> dict[str, int]:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "sources": one("SELECT count(*) FROM source"),
            "segments": one("SELECT count(*) FROM segment"),
            "words": one("SELECT coalesce(sum(words), 0) FROM segment"),
            "cases": one('SELECT count(*) FROM "case"'),
            "codes": one("SELECT count(*) FROM code"),
            "codings": one("SELECT count(*) FROM coding"),
        }

    # -- writing (call inside a transaction) -----------------------------------
    def add_sources(self, items: list[ImportedSource]) -> list[int]:
        """Save imported sources with their cases, attributes, segments and search index."""
        case_ids: dict[str, int] = {}
        ids = []
        for item in items:
            case_id = self._cases_of(item, case_ids)
            cur = self.conn.execute(
                "INSERT INTO source (kind, name, grp, text, hash, case_id, imported_at, meta) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.kind,
                    plain(item.name),
                    plain(item.group),
                    item.text,  # as imported: ingest cleaned it, and REFI-QDA codings count in its offsets
                    item.content_hash(),
                    case_id,
                    now(),
                    _meta(item.meta),
                ),
            )
            ids.append(cur.lastrowid)
            self._insert_segments(cur.lastrowid, item, case_ids)
        return ids

    def replace_source(self, source_id: int, item: ImportedSource) -> ReplaceReport:
        """Give a source new text and segments; codings follow their text or are dropped."""
        old_text = self.source_text(source_id)
        report = ReplaceReport()
        lost: list[int] = []
        for coding_id, start, end in self.conn.execute(
            'SELECT id, start, "end" FROM coding WHERE source_id = ?', (source_id,)
        ).fetchall():
            new_start = relocate(old_text, item.text, start, end)
            if new_start is None:
                lost.append(coding_id)
                report.lost += 1
            elif new_start == start:
                report.kept += 1
            else:
                self.conn.execute(
                    'UPDATE coding SET start = ?, "end" = ? WHERE id = ?',
                    (new_start, new_start + end - start, coding_id),
                )
                report.moved += 1
        if lost:
            marks = ",".join("?" * len(lost))
            self.conn.execute(
                f"DELETE FROM memo WHERE target_kind = 'coding' AND target_id IN ({marks})", [str(i) for i in lost]
            )
            self.conn.execute(f"DELETE FROM coding WHERE id IN ({marks})", lost)
        self.conn.execute(
            "DELETE FROM segment_fts WHERE rowid IN (SELECT id FROM segment WHERE source_id = ?)", (source_id,)
        )
        self.conn.execute("DELETE FROM segment WHERE source_id = ?", (source_id,))
        case_ids: dict[str, int] = {}
        case_id = self._cases_of(item, case_ids)
        self.conn.execute(
            "UPDATE source SET text = ?, hash = ?, case_id = ?, imported_at = ?, meta = ? WHERE id = ?",
            (item.text, item.content_hash(), case_id, now(), _meta(item.meta), source_id),
        )
        self._insert_segments(source_id, item, case_ids)
        return report

    def _cases_of(self, item: ImportedSource, cache: dict[str, int]) -> int | None:
        """Save the source's own case and its respondents' cases; return the source's case id."""
        case_id = self._case(item.case, item.attributes, cache) if item.case else None
        for name, attrs in item.case_attributes.items():
            if name not in cache:
                self._case(name, attrs, cache)
        return case_id

    def _case(self, name: str, attributes: list[Attribute], cache: dict[str, int]) -> int:
        """The id of the case called ``name``, created if new; its attributes set from ``attributes``.
        ``cache`` is by the name as the importer gave it (its segments say that one); the row has it plain."""
        if name in cache:
            case_id = cache[name]
        else:
            kept = plain(name)
            row = self.conn.execute('SELECT id FROM "case" WHERE name = ?', (kept,)).fetchone()
            case_id = row[0] if row else self.conn.execute('INSERT INTO "case" (name) VALUES (?)', (kept,)).lastrowid
            cache[name] = case_id
        if attributes:
            self.conn.executemany(
                "INSERT INTO attribute (case_id, key, value, type) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (case_id, key) DO UPDATE SET value = excluded.value, type = excluded.type",
                [(case_id, plain(a.key), plain(a.value), a.type) for a in attributes],
            )
        return case_id

    def _insert_segments(self, source_id: int, item: ImportedSource, case_ids: dict[str, int]) -> None:
        first = (self.conn.execute("SELECT coalesce(max(id), 0) FROM segment").fetchone()[0]) + 1
        text = item.text
        seg_rows = []
        fts_rows = []
        for ordinal, seg in enumerate(item.segments):
            body = text[seg.start : seg.end]
            seg_id = first + ordinal
            case_id = case_ids.get(seg.case) if seg.case else None
            seg_rows.append(
                (
                    seg_id,
                    source_id,
                    ordinal,
                    seg.start,
                    seg.end,
                    plain(seg.speaker),
                    seg.t_start,
                    seg.t_end,
                    case_id,
                    len(body.split()),
                )
            )
            fts_rows.append((seg_id, body))
        self.conn.executemany(
            'INSERT INTO segment (id, source_id, ordinal, start, "end", speaker, t_start, t_end, case_id, words) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            seg_rows,
        )
        self.conn.executemany("INSERT INTO segment_fts (rowid, text) VALUES (?, ?)", fts_rows)

    def search(self, query: str, limit: int = 50) -> list[tuple[int, int, str]]:
        """Full-text search over segments: ``(source id, segment start, snippet)`` best first."""
        return [(h.source_id, h.start, h.snippet) for h in self.search_hits(query, limit)]

    def search_hits(self, query: str, limit: int = 500) -> list[Hit]:
        """Full-text search over segments (FTS5 syntax: ``kapasit*``, ``"felles språk"``), best first.
        The snippet marks the matched words with \x01 … \x02."""
        try:
            return self._search(query, limit)
        except sqlite3.OperationalError:
            # Not FTS5 syntax ("Meld. St. 6", "PP-leder"): look for the words as they are.
            words = ['"' + w.replace('"', '""') + '"' for w in query.split()]
            if not words:
                return []
            try:
                return self._search(" ".join(words), limit)
            except sqlite3.OperationalError as exc:
                raise ValueError(f"cannot search for {query!r}: {exc}") from None

    def _search(self, query: str, limit: int) -> list[Hit]:
        rows = self.conn.execute(
            """SELECT g.source_id, g.start, g."end", g.speaker, s.name,
                      snippet(segment_fts, 0, char(1), char(2), '…', 16),
                      highlight(segment_fts, 0, char(1), char(2))
               FROM segment_fts JOIN segment g ON g.id = segment_fts.rowid JOIN source s ON s.id = g.source_id
               WHERE segment_fts MATCH ? ORDER BY rank LIMIT ?""",
            (query, limit),
        )
        return [Hit(*r[:6], matches=_marked_spans(r[6], r[1])) for r in rows]


def relocate(old: str, new: str, start: int, end: int) -> int | None:
    """Where the text ``old[start:end]`` is in ``new``: same place if unchanged there,
    else the occurrence nearest the same relative position, else None."""
    span = old[start:end]
    if new[start:end] == span:
        return start
    target = start * len(new) / max(len(old), 1)
    best: int | None = None
    at = new.find(span)
    while at != -1:
        if best is None or abs(at - target) < abs(best - target):
            best = at
        at = new.find(span, at + 1)
    return best
