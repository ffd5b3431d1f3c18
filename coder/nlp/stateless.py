"""A base for pipeline components that hold nothing of their own, so a saved pipeline has nothing to store."""

from __future__ import annotations

from pathlib import Path


class Stateless:
    """``to_disk``/``from_disk``/``to_bytes``/``from_bytes`` for a component whose data (if any) comes from
    elsewhere: spaCy calls them when it saves or loads the pipeline."""

    def to_disk(self, path, *, exclude=()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, *, exclude=()):
        return self

    def to_bytes(self, *, exclude=()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude=()):
        return self
