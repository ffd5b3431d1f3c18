"""A trained :class:`~coder.suggest.engine.Model` to bytes and back, for keeping it in the project file.

The spaCy model is saved without its vocabulary: the bag of words needs only the hashes of the words, so the
project file keeps no second copy of the words of its texts (a pseudonymised name leaves no trace here).
"""

from __future__ import annotations

import zlib

from coder.suggest.calibrate import Calibration
from coder.suggest.engine import Model
from coder.suggest.learned import LearnedLayer

FORMAT = 2  # 2: trained with negatives only from coding by hand (1 took every read segment's other codes)


def dump(model: Model) -> tuple[dict, bytes]:
    """``(meta, data)`` of a model."""
    learned = model.learned
    meta = {
        "format": FORMAT,
        "items": model.items,
        "calibration": model.calibration.to_dict(),
        "codes": learned.codes if learned else [],
        "known": sorted(learned.known) if learned else [],
        "counts": {c: list(v) for c, v in model.counts.items()},
    }
    data = zlib.compress(learned.nlp.to_bytes(exclude=["vocab"]), 6) if learned else b""
    return meta, data


def load(meta: dict, data: bytes, fingerprint: str) -> Model | None:
    """The model, or None when it was saved in a format this version cannot read."""
    if meta.get("format") != FORMAT:
        return None
    counts = {c: (int(v[0]), int(v[1])) for c, v in meta.get("counts", {}).items()}
    learned = None
    if data:
        learned = LearnedLayer.from_bytes(zlib.decompress(data), meta["codes"], set(meta["known"]), counts)
    return Model(learned, Calibration.from_dict(meta["calibration"]), fingerprint, meta.get("items", 0), counts)
