"""``xs:dateTime`` values, as the REFI-QDA schemas require them, from what programs really write.

QualCoder writes ``2026-12-07T06:01:15+00:00Z`` (an offset and a ``Z`` both) when its own dates carry an
offset; others write a space for the ``T`` or a date alone. Kept as they come, such values would make
coder's own later export fail the schema. :func:`xs_datetime` repairs what has one clear meaning and
gives None for the rest (the import then stamps its own time, and says so).
"""

from __future__ import annotations

import datetime as dt
import re

# xs:dateTime: date, T, time with optional fraction, optional zone (Z or ±hh:mm).
_XS_DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")
_OFFSET_AND_Z = re.compile(r"([+-]\d{2}:?\d{2})Z$")


def xs_datetime(value: str | None) -> str | None:
    """``value`` when it is a valid xs:dateTime; else the same moment spelled as one; None if it has no clear
    meaning (or is empty)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if _XS_DATETIME.fullmatch(text) and _parses(text):
        return text
    repaired = _OFFSET_AND_Z.sub(r"\1", text)  # QualCoder: an offset, then a Z
    repaired = repaired[:-1] + "+00:00" if repaired.endswith(("Z", "z")) else repaired
    try:
        moment = dt.datetime.fromisoformat(repaired)
    except ValueError:
        return None
    spelled = moment.isoformat()
    return spelled if _XS_DATETIME.fullmatch(spelled) else None


def _parses(text: str) -> bool:
    """Whether the fields are in range (month 13 and hour 25 match the pattern but are no time)."""
    core = text[:-1] + "+00:00" if text.endswith("Z") else text
    if core.startswith("-") or len(core.split("-", 1)[0]) > 4:
        return True  # years before 1 or after 9999: valid in XML Schema, beyond Python; kept as written
    try:
        dt.datetime.fromisoformat(core)
    except ValueError:
        return False
    return True
