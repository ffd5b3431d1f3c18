"""GUIDs that stay the same on every export of a project.

REFI-QDA names every object by a GUID. Random ones would make two exports of an unchanged
project differ and would give a program that imports both two copies of everything, so each
GUID is a UUID 5 of the project's namespace and the object's kind and id.
"""

from __future__ import annotations

import re
import uuid

# coder's own namespace; objects that mean the same in every coder project (the speakers
# variable) take their GUID from it directly.
CODER = uuid.uuid5(uuid.NAMESPACE_URL, "https://coder.invalid/refi-qda")

# The source variable that lists a transcript's speaker labels, so coder finds them again on import.
SPEAKERS_VARIABLE = str(uuid.uuid5(CODER, "variable:speakers"))

_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?")


def project_namespace(seed: str) -> uuid.UUID:
    """The namespace of one project; ``seed`` is something the project keeps for life (when it was created)."""
    return uuid.uuid5(CODER, f"project:{seed}")


def guid(namespace: uuid.UUID, kind: str, key: object) -> str:
    """``guid(ns, "code", "kapasitet")``: the same string for the same project, kind and key."""
    return str(uuid.uuid5(namespace, f"{kind}:{key}"))


def normal(value: str | None) -> str | None:
    """A GUID as other programs write it (upper case, in braces) in the one form coder compares."""
    if value is None:
        return None
    match = _GUID.fullmatch(value.strip())
    return match[1].lower() if match else value.strip()


def is_guid(value: str | None) -> bool:
    return value is not None and _GUID.fullmatch(value.strip()) is not None
