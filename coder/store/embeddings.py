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
        return self._stale("segment_embedding", model_key, limit)

    def embedding_coverage(self, model_key: str) -> tuple[int, int]:
        """``(fresh, total)``: segments whose embedding is current, of all segments."""
        total = self.conn.execute("SELECT count(*) FROM segment").fetchone()[0]
        return total - len(self.stale_embeddings(model_key)), total

    def save_embeddings(self, model_key: str, rows: Iterable[tuple[int, str, bytes]]) -> int:
        """Store ``(segment id, the text embedded, vector bytes)`` rows in one short transaction. A row is saved only
        if its segment still has that text (a pseudonymisation may have run meanwhile). Returns how many were saved."""
        return self._save_fresh("segment_embedding", "vector", model_key, rows)

    def embeddings(self, model_key: str, segment_ids: Iterable[int] | None = None) -> dict[int, bytes]:
        """The fresh embeddings by ``model_key``: segment id → vector bytes (of all segments, or of these)."""
        if segment_ids is None:
            parts = [self._segment_texts(cache="segment_embedding")]
        else:
            ids = list(dict.fromkeys(segment_ids))
            parts = [
                self._segment_texts(f"WHERE g.id IN ({','.join('?' * len(ids[i : i + 500]))})", ids[i : i + 500],
                                    cache="segment_embedding")
                for i in range(0, len(ids), 500)
            ]  # fmt: skip
        fresh = [
            i for rows in parts for i, text, digest, model in rows if model == model_key and digest == text_hash(text)
        ]
        out: dict[int, bytes] = {}
        for i in range(0, len(fresh), 500):
            part = fresh[i : i + 500]
            rows = self.conn.execute(
                f"SELECT segment_id, vector FROM segment_embedding WHERE segment_id IN ({','.join('?' * len(part))})",
                part,
            )
            out.update(rows.fetchall())
        return out
