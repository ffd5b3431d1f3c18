"""Derived tables kept as pickles in the user's cache folder, so a second start reads instead of rebuilding.

A cache is only ever a shortcut: a missing or damaged file is rebuilt, and a read-only or full disk just means
building each time.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/coder`` (default ``~/.cache/coder``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "coder"


def load(path: Path) -> object | None:
    """What was saved at ``path``, or None when there is nothing usable there."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # no cache yet, or a damaged or foreign one
        return None


def save(path: Path, data: object) -> None:
    """Write ``data`` atomically (a reader never sees half a file); fail silently where the disk will not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:  # read-only home, full disk: work without a cache
        pass
