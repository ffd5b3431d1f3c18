"""The one way every ``--code`` option of the command line finds a code: by id or label, any case, and when
nothing matches, a did-you-mean from the picker's own ranking (:func:`coder.pick.rank_codes`, rapidfuzz).

A leaf like :mod:`coder.cli.common`: it imports no other module of ``coder.cli``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from coder.errors import CoderError
from coder.model import Code
from coder.pick import rank_codes

if TYPE_CHECKING:
    from coder.store import Project

#: the picker's score (0-100 and more) from which a code is offered as what the user meant
SUGGEST_FROM = 60.0


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def resolve_code(codes: list[Code], given: str, listing: str = "coder codebook PROJECT") -> str:
    """The id of the code ``given`` names: its id or its label, in any case. Otherwise a
    :class:`~coder.errors.CoderError` «no code 'X'; did you mean 'henvisninger' (Henvisninger)?»."""
    if any(c.id == given for c in codes):
        return given
    wanted = _fold(given)
    by_id = [c for c in codes if c.id.casefold() == wanted]
    by_label = [c for c in codes if _fold(c.label) == wanted]
    for found in (by_id, by_label):
        if len(found) == 1:
            return found[0].id
        if len(found) > 1:
            named = ", ".join(f"'{c.id}'" for c in found)
            raise CoderError(f"code '{given}' is ambiguous: {named} are all called that; give the id")
    best = rank_codes(given, codes, limit=1, cutoff=SUGGEST_FROM)
    if best:
        code = best[0].code
        raise CoderError(f"no code '{given}'; did you mean '{code.id}' ({code.label})?")
    raise CoderError(f"no code '{given}' in the project ({listing} lists them)")


def resolve_codes(project: Project, given: Iterable[str]) -> list[str]:
    """The ids of the codes named in ``given`` (ids or labels), in the order given, each once."""
    names = list(given)
    if not names:
        return []
    codes = project.codebook().codes
    listing = f"coder codebook {project.path.stem}"
    return list(dict.fromkeys(resolve_code(codes, name, listing) for name in names))
