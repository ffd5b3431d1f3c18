"""The embedding cache: each segment's sentence embedding, with the model that made it and a hash of the text.

Like the NLP cache (:mod:`coder.store.nlp_cache`): a row is *fresh* when its model key is the current model's and
its hash matches the segment's current text, so pseudonymisation and ``import --replace`` make rows stale without
touching this table, and a pseudonymisation drops the rows of the segments it changed. Vectors are stored as
given (float16 bytes from :func:`coder.nlp.embeddings.pack`): the store does not know numpy. A cache, not a user
action: nothing here is logged or undoable.
"""

from __future__ import annotations

from collections.abc import Iterable

from coder.store.nlp_cache import NlpCacheMixin, text_hash


class EmbeddingsMixin(NlpCacheMixin):
    def stale_embeddings(self, model_key: str, limit: int | None = None) -> list[tuple[int, str]]:
        """``(segment id, text)`` of the segments with no embedding by ``model_key`` for their current text, in
        reading order; at most ``limit``."""
        cached = {
            r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT segment_id, text_hash, model FROM segment_embedding")
        }
        out: list[tuple[int, str]] = []
        for segment_id, text, _, _ in self._segment_texts():
            digest, model = cached.get(segment_id, (None, None))
            if model != model_key or digest != text_hash(text):
                out.append((segment_id, text))
                if limit is not None and len(out) >= limit:
                    break
        return out

    def embedding_coverage(self, model_key: str) -> tuple[int, int]:
        """``(fresh, total)``: segments whose embedding is current, of all segments."""
        total = self.conn.execute("SELECT count(*) FROM segment").fetchone()[0]
        return total - len(self.stale_embeddings(model_key)), total

    def save_embeddings(self, model_key: str, rows: Iterable[tuple[int, str, bytes]]) -> int:
        """Store ``(segment id, the text embedded, vector bytes)`` rows in one short transaction. A row is saved only
        if its segment still has that text (a pseudonymisation may have run meanwhile). Returns how many were saved."""
        rows = list(rows)
        if not rows:
            return 0
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        saved = 0
        with self.transaction():
            current = {i: text for i, text, _, _ in self._segment_texts(f"WHERE g.id IN ({marks})", ids)}
            for segment_id, text, vector in rows:
                if current.get(segment_id) != text:
                    continue
                self.conn.execute(
                    "INSERT INTO segment_embedding (segment_id, text_hash, model, vector) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (segment_id) DO UPDATE SET "
                    "text_hash = excluded.text_hash, model = excluded.model, vector = excluded.vector",
                    (segment_id, text_hash(text), model_key, vector),
                )
                saved += 1
        return saved

    def embeddings(self, model_key: str, segment_ids: Iterable[int] | None = None) -> dict[int, bytes]:
        """The fresh embeddings by ``model_key``: segment id → vector bytes (of all segments, or of these)."""
        if segment_ids is None:
            stored = {
                r[0]: (r[1], r[2])
                for r in self.conn.execute(
                    "SELECT segment_id, text_hash, vector FROM segment_embedding WHERE model = ?", (model_key,)
                )
            }
            texts = self._segment_texts() if stored else iter(())
            return {i: stored[i][1] for i, text, _, _ in texts if i in stored and stored[i][0] == text_hash(text)}
        ids = list(dict.fromkeys(segment_ids))
        out: dict[int, bytes] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            stored = {
                r[0]: (r[1], r[2])
                for r in self.conn.execute(
                    f"SELECT segment_id, text_hash, vector FROM segment_embedding "
                    f"WHERE model = ? AND segment_id IN ({marks})",
                    [model_key, *part],
                )
            }
            if stored:
                for i, text, _, _ in self._segment_texts(f"WHERE g.id IN ({marks})", part):
                    if i in stored and stored[i][0] == text_hash(text):
                        out[i] = stored[i][1]
        return out
