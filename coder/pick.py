"""Finding a code by what the user types: fuzzy, forgiving of typos, æøå-aware.

Ranks codes with rapidfuzz over label, id, keywords and description; the label counts
most. ``«kapasitt»`` finds Kapasitet, ``«vent»`` finds Ventetid, ``«ppt-leder»`` finds a
code whose keywords say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from coder.model import Code


@dataclass
class Match:
    code: Code
    score: float
    why: str  # which field matched: label, id, keyword, description


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def rank_codes(query: str, codes: list[Code], limit: int = 50, cutoff: float = 55) -> list[Match]:
    """Codes that match ``query`` best first; every code, in codebook order, for an empty query."""
    q = _norm(query)
    if not q:
        return [Match(c, 100.0, "") for c in codes[:limit]]
    out = []
    for code in codes:
        label = _norm(code.label)
        if label == q or code.id == q:
            out.append(Match(code, 200.0, "label"))
            continue
        scores = [
            (_prefix_bonus(q, label) + fuzz.WRatio(q, label), "label"),
            (fuzz.WRatio(q, code.id.replace("_", " ")) - 5, "id"),
        ]
        scores += [(fuzz.WRatio(q, _norm(k)) - 8, "keyword") for k in code.keywords]
        if code.description and len(q) >= 4:
            scores.append((fuzz.partial_ratio(q, _norm(code.description)) - 15, "description"))
        score, why = max(scores)
        if score >= cutoff:
            out.append(Match(code, score, why))
    out.sort(key=lambda m: -m.score)
    return out[:limit]


def _prefix_bonus(q: str, label: str) -> float:
    if label.startswith(q):
        return 30.0
    if any(word.startswith(q) for word in label.split()):
        return 15.0
    return 0.0


def is_new_name(query: str, matches: list[Match]) -> bool:
    """Whether to offer "create «query»": no code is called exactly that."""
    q = _norm(query)
    return bool(q) and not any(_norm(m.code.label) == q for m in matches)
