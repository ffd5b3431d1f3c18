"""The NLP cache: each segment's annotation (tokens, lemmas, compound parts, entities; see coder.nlp.annotate),
with the pipeline that made it and a hash of the text it was made from, plus an FTS5 index of the lemmas.

A row is *fresh* when its model key is the current pipeline's and its hash matches the segment's current text
(``source.text[start:end]``). Anything that changes text — pseudonymisation, ``import --replace`` — therefore
makes rows stale without touching this table; deleted segments take their rows (and index entries) with them.
This is a cache, not a user action: nothing here is logged or undoable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence

from coder.store.base import ProjectBase

COMPACT = (",", ":")
Cached = tuple[int, str, str | None, str | None]  # segment id, its current text, the cached hash and model
CACHES = ("segment_nlp", "segment_embedding")  # tables of things made from a segment's text, fresh by model and hash


def text_hash(text: str) -> str:
    """The same fingerprint as ``coder.nlp.annotate.text_hash`` (store never imports nlp; a test ties them)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def index_text(data: dict) -> str:
    """What the lemma index holds for one annotation: each token's lemma, then its compound parts."""
    words = [t[2].lower() for t in data["t"]]
    for index, *parts in data.get("c", ()):
        words[index] += " " + " ".join(p.lower() for p in parts)
    return " ".join(words)


class NlpCacheMixin(ProjectBase):
    def _segment_texts(self, where: str = "", params: Sequence = (), cache: str = "segment_nlp") -> Iterator[Cached]:
        """``(segment id, current text, cached hash, cached model)`` of the segments in ``cache`` (the NLP or the
        embedding cache), one source's text in memory at a time (SQLite's substr would rescan a long transcript for
        every turn)."""
        if cache not in CACHES:
            raise ValueError(f"not a cache table: {cache}")
        rows = self.conn.execute(
            f"""SELECT g.id, g.source_id, g.start, g."end", n.text_hash, n.model
                FROM segment g LEFT JOIN {cache} n ON n.segment_id = g.id
                {where} ORDER BY g.source_id, g.ordinal""",
            params,
        )
        source_id, text = None, ""
        for segment_id, sid, start, end, digest, model in rows.fetchall():
            if sid != source_id:
                source_id, text = sid, self.source_text_cached(sid)
            yield segment_id, text[start:end], digest, model

    def _stale(self, cache: str, model_key: str, limit: int | None) -> list[tuple[int, str]]:
        """``(segment id, text)`` of the segments ``cache`` has nothing fresh for, in reading order."""
        out: list[tuple[int, str]] = []
        for segment_id, text, digest, model in self._segment_texts(cache=cache):
            if model != model_key or digest != text_hash(text):
                out.append((segment_id, text))
                if limit is not None and len(out) >= limit:
                    break
        return out

    def _current_texts(self, segment_ids: Sequence[int]) -> dict[int, str]:
        """Each of these segments' text as it is now (a segment deleted meanwhile is left out): what a batch made
        in a worker is checked against before it is saved, so a pseudonymisation that ran meanwhile is not undone."""
        marks = ",".join("?" * len(segment_ids))
        return {i: text for i, text, _, _ in self._segment_texts(f"WHERE g.id IN ({marks})", segment_ids)}

    def stale_segments(self, model_key: str, limit: int | None = None) -> list[tuple[int, str]]:
        """``(segment id, text)`` of the segments with no annotation by ``model_key`` for their current text,
        in reading order; at most ``limit``."""
        return self._stale("segment_nlp", model_key, limit)

    def nlp_coverage(self, model_key: str) -> tuple[int, int]:
        """``(fresh, total)``: segments whose annotation is current, of all segments."""
        fresh = total = 0
        for _, text, digest, model in self._segment_texts():
            total += 1
            fresh += model == model_key and digest == text_hash(text)
        return fresh, total

    def save_annotations(self, model_key: str, rows: Iterable[tuple[int, str, dict]]) -> int:
        """Store ``(segment id, the text annotated, annotation)`` rows in one short transaction and index their
        lemmas. A row is saved only if its segment still exists and still has that text: a pseudonymisation
        that ran while the batch was being annotated must not get the old words (lemmas of names) back into the
        file. Returns how many were saved."""

        def index(segment_id: int, data: dict) -> None:
            self.conn.execute("DELETE FROM segment_lemma_fts WHERE rowid = ?", (segment_id,))
            self.conn.execute(
                "INSERT INTO segment_lemma_fts (rowid, lemmas) VALUES (?, ?)", (segment_id, index_text(data))
            )

        encode = lambda data: json.dumps(data, ensure_ascii=False, separators=COMPACT)  # noqa: E731
        return self._save_fresh("segment_nlp", "data", model_key, rows, encode, index)

    def _save_fresh(self, table: str, column: str, model_key: str, rows, encode=None, after=None) -> int:
        """Upsert ``(segment id, text, value)`` rows into a per-segment cache ``table`` (the NLP cache, the
        embeddings) in one short transaction, each only if its segment still has that text; ``after(segment id,
        value)`` runs for each row saved. How many were saved."""
        rows = list(rows)
        if not rows:
            return 0
        saved = 0
        with self.transaction():
            current = self._current_texts([r[0] for r in rows])
            for segment_id, text, value in rows:
                if current.get(segment_id) != text:
                    continue
                self.conn.execute(
                    f"INSERT INTO {table} (segment_id, text_hash, model, {column}) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (segment_id) DO UPDATE SET "
                    f"text_hash = excluded.text_hash, model = excluded.model, {column} = excluded.{column}",
                    (segment_id, text_hash(text), model_key, encode(value) if encode else value),
                )
                if after is not None:
                    after(segment_id, value)
                saved += 1
        return saved

    def optimize_lemma_index(self) -> None:
        """Merge the lemma index so the terms of deleted rows leave its pages (call inside the transaction that
        dropped them, e.g. a pseudonymisation: until then a removed name's lemma is still in the file)."""
        self.conn.execute("INSERT INTO segment_lemma_fts (segment_lemma_fts) VALUES ('optimize')")

    def annotations(self, segment_ids: Iterable[int], model_key: str | None = None) -> dict[int, dict]:
        """The cached annotations of these segments that are fresh (made from their current text and, given a
        ``model_key``, by that pipeline). A segment left out has none yet: the worker has not reached it."""
        ids = list(dict.fromkeys(segment_ids))
        out: dict[int, dict] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            found = {
                r[0]: r[1:]
                for r in self.conn.execute(
                    f"SELECT segment_id, text_hash, model, data FROM segment_nlp WHERE segment_id IN ({marks})", part
                )
            }
            if not found:
                continue
            for segment_id, text, _, _ in self._segment_texts(f"WHERE g.id IN ({marks})", part):
                digest, model, data = found.get(segment_id, (None, None, None))
                if data is not None and digest == text_hash(text) and (model_key is None or model == model_key):
                    out[segment_id] = json.loads(data)
        return out

    def lemma_hits(self, lemma: str, limit: int = 500) -> list[tuple[int, int, list[tuple[int, int]]]]:
        """Segments where ``lemma`` is a word's lemma or one of a compound's parts (``henvisning`` finds
        *henvisningene* and *henvisningspraksis*): ``(source id, segment id, [(start, end) of each word, as
        offsets into the source text])``, in reading order. Only fresh annotations count."""
        needle = lemma.strip().lower()
        if not needle:
            return []
        query = '"' + needle.replace('"', '""') + '"'
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT rowid FROM segment_lemma_fts WHERE segment_lemma_fts MATCH ? LIMIT ?", (query, limit * 2)
            )
        ]
        if not ids:
            return []
        found = self.annotations(ids)
        marks = ",".join("?" * len(found))
        places = {
            r[0]: (r[1], r[2])
            for r in self.conn.execute(f"SELECT id, source_id, start FROM segment WHERE id IN ({marks})", list(found))
        }
        hits = []
        for segment_id, data in found.items():
            compounds = {c[0]: [p.lower() for p in c[1:]] for c in data.get("c", ())}
            spans = [
                (t[0], t[1])
                for i, t in enumerate(data["t"])
                if t[2].lower() == needle or needle in compounds.get(i, ())
            ]
            if spans and segment_id in places:
                source_id, base = places[segment_id]
                hits.append((source_id, segment_id, [(base + s, base + e) for s, e in spans]))
        hits.sort(key=lambda h: (h[0], h[2][0]))
        return hits[:limit]
