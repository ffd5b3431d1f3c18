"""Code suggestions: the researcher's decisions on them, the segments the engine reads, and the learned model.

A decision is a row of ``suggestion`` (accepted or rejected, by whom, when, with the score and evidence it was
shown with); writing one inside ``project.action`` makes it undoable with the coding it created. Rows without a
decision are suggestions computed in batch (``coder suggest``) waiting in the review queue.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from coder.model import SegmentText, plain
from coder.store.base import now
from coder.store.changes import ChangesMixin

COMPACT = (",", ":")
FEW = 64  # up to this many segments, segment_codes asks the coding index per segment


@dataclass
class SavedModel:
    fingerprint: str
    trained_at: str
    decisions: int
    meta: dict
    data: bytes


class SuggestionsMixin(ChangesMixin):
    # -- the segments the engine reads -------------------------------------------------------------------
    def segment_texts(
        self, segment_ids: Iterable[int] | None = None, source_id: int | None = None
    ) -> Iterator[SegmentText]:
        """The segments (all, these ids, or one source's) with their current text, in reading order."""
        where, params = "", []
        if segment_ids is not None:
            ids = list(segment_ids)
            if not ids:
                return
            where = f"WHERE g.id IN ({','.join('?' * len(ids))})"
            params = ids
        elif source_id is not None:
            where, params = "WHERE g.source_id = ?", [source_id]
        rows = self.conn.execute(
            f'SELECT g.id, g.source_id, g.start, g."end", g.speaker FROM segment g {where} '
            "ORDER BY g.source_id, g.ordinal",
            params,
        ).fetchall()
        source, text = None, ""
        for segment_id, sid, start, end, speaker in rows:
            if sid != source:
                source, text = sid, self.source_text_cached(sid)
            yield SegmentText(segment_id, sid, start, end, text[start:end], speaker)

    def segment_codes(
        self, segment_ids: Iterable[int] | None = None, origins: Iterable[str] | None = None, one_by_one: bool = False
    ) -> dict[int, set[str]]:
        """Per segment, the codes of the codings that overlap it (what is coded there); ``origins``: only codings
        of these origins (e.g. leave out batch auto-coding); ``one_by_one``: leave out codings made in bulk (every
        hit of a search coded at once: ``bulk`` in their provenance)."""
        kinds = sorted(set(origins)) if origins is not None else None
        origin = f" AND origin IN ({','.join(repr(k) for k in kinds)})" if kinds is not None else ""
        if one_by_one:
            origin += " AND json_extract(provenance, '$.bulk') IS NULL"
        if kinds is not None and not all(k.isalpha() for k in kinds):
            raise ValueError(f"origins: {kinds}")
        out: dict[int, set[str]] = {}
        if segment_ids is not None:
            wanted = list(dict.fromkeys(segment_ids))
            if len(wanted) <= FEW:  # a few segments (the one under the cursor): the coding index, per segment
                for seg in self.segment_bounds(wanted):
                    rows = self.conn.execute(
                        f'SELECT DISTINCT code_id FROM coding WHERE source_id = ? AND start < ? AND "end" > ?{origin}',
                        (seg[1], seg[3], seg[2]),
                    )
                    codes = {r[0] for r in rows}
                    if codes:
                        out[seg[0]] = codes
                return out
            sources = sorted(self._sources_of(set(wanted)))
            marks = ",".join("?" * len(sources))
            sql = f'SELECT source_id, start, "end", code_id FROM coding WHERE source_id IN ({marks}){origin}'
            rows = self.conn.execute(sql, sources).fetchall()
            keep: set[int] | None = set(wanted)
        else:
            rows = self.conn.execute(f'SELECT source_id, start, "end", code_id FROM coding WHERE 1{origin}').fetchall()
            keep = None
        overlapping = self._overlaps()
        for source_id, start, end, code_id in rows:
            for segment_id in overlapping(source_id, start, end):
                if keep is None or segment_id in keep:
                    out.setdefault(segment_id, set()).add(code_id)
        return out

    def segment_bounds(self, segment_ids: Iterable[int]) -> list[tuple[int, int, int, int]]:
        """``(segment id, source id, start, end)`` of these segments."""
        ids = list(segment_ids)
        out: list[tuple[int, int, int, int]] = []
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            out += self.conn.execute(
                f'SELECT id, source_id, start, "end" FROM segment WHERE id IN ({",".join("?" * len(part))})', part
            ).fetchall()
        return out

    def coded_segments(self, code_id: str, limit: int = 400) -> list[int]:
        """The segments the codings of ``code_id`` overlap, the most recently coded first; at most ``limit``."""
        rows = self.conn.execute(
            'SELECT source_id, start, "end" FROM coding WHERE code_id = ? ORDER BY id DESC', (code_id,)
        )
        out: dict[int, None] = {}
        overlapping = self._overlaps()
        for source_id, start, end in rows:
            for segment_id in overlapping(source_id, start, end):
                out.setdefault(segment_id)
            if len(out) >= limit:
                break
        return list(out)[:limit]

    # Segments of a source never overlap and come in reading order, so the segments a coding overlaps are found by
    # bisecting their ends (SQLite has no index for "intervals that overlap this one").
    def _overlaps(self):
        """A function ``(source, start, end) → ids of the segments that span overlaps``, with each source's segment
        boundaries read once and kept while they stay the same (checked once per source and call: a fingerprint of
        the source's segments, so a coding or a decision does not make a long survey's boundaries be read again)."""
        kept = self.__dict__.setdefault("_bounds_cache", {})
        bounds: dict[int, tuple[list[int], list[int], list[int]]] = {}

        def overlapping(source_id: int, start: int, end: int) -> list[int]:
            found = bounds.get(source_id)
            if found is None:
                stamp = self.conn.execute(
                    'SELECT count(*), max(id), total(start), total("end") FROM segment WHERE source_id = ?',
                    (source_id,),
                ).fetchone()
                cached = kept.get(source_id)
                if cached is not None and cached[0] == stamp:
                    found = cached[1]
                else:
                    rows = self.conn.execute(
                        'SELECT start, "end", id FROM segment WHERE source_id = ? ORDER BY start, ordinal', (source_id,)
                    ).fetchall()
                    found = ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
                    if len(kept) >= 64:
                        kept.clear()
                    kept[source_id] = (stamp, found)
                bounds[source_id] = found
            starts, ends, ids = found
            i = bisect.bisect_right(ends, start)
            out = []
            while i < len(ids) and starts[i] < end:
                if ends[i] > start:
                    out.append(ids[i])
                i += 1
            return out

        return overlapping

    def _sources_of(self, segment_ids: set[int]) -> set[int]:
        ids = sorted(segment_ids)
        out: set[int] = set()
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            out.update(
                r[0] for r in self.conn.execute(f"SELECT DISTINCT source_id FROM segment WHERE id IN ({marks})", part)
            )
        return out

    # -- decisions --------------------------------------------------------------------------------------
    def decide_suggestion(
        self, segment_id: int, code_id: str, decision: str, coder: str, score: float, evidence: dict
    ) -> int:
        """Record an accept or reject (inside the caller's action, so undo takes it back)."""
        row = self.conn.execute(
            "SELECT id FROM suggestion WHERE segment_id = ? AND code_id = ?", (segment_id, code_id)
        ).fetchone()
        values = {
            "score": score,
            "evidence": json.dumps(evidence, ensure_ascii=False, separators=COMPACT),
            "decision": decision,
            "decided_by": plain(coder),
            "decided_at": now(),
        }
        if row is not None:
            self._update("suggestion", row[0], values)
            return row[0]
        return self._insert("suggestion", {"segment_id": segment_id, "code_id": code_id, **values})

    def suggestion_decisions(self, segment_ids: Iterable[int] | None = None) -> dict[int, dict[str, str]]:
        """Per segment, ``code → 'accepted' | 'rejected'``."""
        sql, params = "SELECT segment_id, code_id, decision FROM suggestion WHERE decision IS NOT NULL", []
        if segment_ids is not None:
            ids = list(segment_ids)
            if not ids:
                return {}
            sql += f" AND segment_id IN ({','.join('?' * len(ids))})"
            params = ids
        out: dict[int, dict[str, str]] = {}
        for segment_id, code_id, decision in self.conn.execute(sql, params):
            out.setdefault(segment_id, {})[code_id] = decision
        return out

    def decision_count(self) -> int:
        """Codings plus rejected suggestions: what the learned layer learns from."""
        codings = self.conn.execute("SELECT count(*) FROM coding WHERE origin != 'auto'").fetchone()[0]
        rejected = self.conn.execute("SELECT count(*) FROM suggestion WHERE decision = 'rejected'").fetchone()[0]
        return codings + rejected

    # -- open suggestions computed in batch ---------------------------------------------------------------
    def save_open_suggestions(self, rows: Iterable[tuple[int, str, float, dict]]) -> int:
        """Store computed suggestions ``(segment, code, score, evidence)`` as open; decided ones are kept as they
        are. Not an undoable action: a cache of the engine's output (inside the caller's transaction)."""
        n = 0
        for segment_id, code_id, score, evidence in rows:
            self.conn.execute(
                """INSERT INTO suggestion (segment_id, code_id, score, evidence) VALUES (?, ?, ?, ?)
                   ON CONFLICT (segment_id, code_id) DO UPDATE SET score = excluded.score, evidence = excluded.evidence
                   WHERE decision IS NULL AND json_extract(suggestion.evidence, '$.theme') IS NULL""",
                (segment_id, code_id, score, json.dumps(evidence, ensure_ascii=False, separators=COMPACT)),
            )
            n += 1
        return n

    def offer_suggestions(self, rows: Iterable[tuple[int, str, float, dict]]) -> int:
        """Add open suggestions ``(segment id, code id, score, evidence)`` inside the caller's action, recorded so
        that undo and redo take them away and bring them back with it (a new code's, none there yet)."""
        n = 0
        for segment_id, code_id, score, evidence in rows:
            self._insert(
                "suggestion",
                {
                    "segment_id": segment_id,
                    "code_id": code_id,
                    "score": score,
                    "evidence": json.dumps(evidence, ensure_ascii=False, separators=COMPACT),
                },
            )
            n += 1
        return n

    def clear_open_suggestions(self, segment_ids: Iterable[int] | None = None) -> None:
        """Drop the engine's open suggestions (of these segments) before ``coder suggest`` saves new ones. Those the
        researcher asked for — a theme's answers made into a code (``theme`` in the evidence) — stay until decided."""
        keep = "decision IS NULL AND json_extract(evidence, '$.theme') IS NULL"
        if segment_ids is None:
            self.conn.execute(f"DELETE FROM suggestion WHERE {keep}")
            return
        ids = list(segment_ids)
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            self.conn.execute(
                f"DELETE FROM suggestion WHERE {keep} AND segment_id IN ({','.join('?' * len(part))})", part
            )

    def open_suggestions(self, source_id: int | None = None) -> list[tuple[int, str, float, dict]]:
        sql = "SELECT s.segment_id, s.code_id, s.score, s.evidence FROM suggestion s"
        params: list = []
        if source_id is not None:
            sql += " JOIN segment g ON g.id = s.segment_id WHERE g.source_id = ? AND s.decision IS NULL"
            params = [source_id]
        else:
            sql += " WHERE s.decision IS NULL"
        return [(a, b, c, json.loads(d)) for a, b, c, d in self.conn.execute(sql + " ORDER BY s.score DESC", params)]

    # -- the learned model --------------------------------------------------------------------------------
    def suggest_model(self) -> SavedModel | None:
        row = self.conn.execute(
            "SELECT fingerprint, trained_at, decisions, meta, data FROM suggest_model WHERE id = 1"
        ).fetchone()
        return SavedModel(row[0], row[1], row[2], json.loads(row[3]), bytes(row[4])) if row else None

    def save_suggest_model(self, fingerprint: str, decisions: int, meta: dict, data: bytes) -> None:
        """Keep the newest trained model (inside the caller's transaction)."""
        self.conn.execute(
            """INSERT INTO suggest_model (id, fingerprint, trained_at, decisions, meta, data) VALUES (1, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, trained_at = excluded.trained_at,
               decisions = excluded.decisions, meta = excluded.meta, data = excluded.data""",
            (fingerprint, now(), decisions, json.dumps(meta, ensure_ascii=False), data),
        )
