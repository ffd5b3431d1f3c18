"""How a coding came to be, in words: the reader's status line, the REFI-QDA note, the quote export's trace table.

A coding's ``provenance`` (the ``coding.provenance`` column, JSON) is None for coding by hand. For a suggestion
accepted (origin *suggested*) or batch auto-coding (*auto*) it is what the engine said when the coding was made::

    {"score": 0.82, "threshold": 0.4, "rule": 0.6, "learned": 0.71, "semantic": 1.8,
     "model": {"fingerprint": "5f3a…", "trained_at": "2026-12-07T10:00:00+00:00", "decisions": 120}}

``learned`` None: the learned layer did not speak for the code; ``semantic`` None: the semantic layer took no part
(its z-score otherwise); ``model`` None: rules only, no trained model. For an imported coding (*imported*)::

    {"file": "team.qdpx", "program": "QualCoder 3.6", "note": "suggested, score 0.82, …"}

``note`` is what an earlier coder project said of the coding (its provenance note in the file), kept once: a file
exported, imported, exported again carries the first story, not a growing chain. Pure: no project, no I/O.
"""

from __future__ import annotations

NOTE_NAME = "coder: provenance"  # the name of a REFI-QDA note coder writes on a coding, and knows again on import
_FIRST = "first: "


def score_text(x: float) -> str:
    """``.82``: a score as the status line prints it."""
    text = f"{x:.2f}"
    return text[1:] if text.startswith("0.") else text


def _scores(prov: dict, short: bool) -> str:
    """``.82 (rule .60, learned .71, meaning +1.8)``; with ``short`` false, two decimals and the threshold."""
    fmt = score_text if short else (lambda x: f"{x:.2f}")
    parts = []
    if not short and prov.get("threshold") is not None:
        parts.append(f"threshold {fmt(prov['threshold'])}")
    if prov.get("rule") is not None:
        parts.append(f"rule {fmt(prov['rule'])}")
    if prov.get("learned") is not None:
        parts.append(f"learned {fmt(prov['learned'])}")
    if prov.get("semantic") is not None:
        parts.append(f"meaning {prov['semantic']:+.1f}" if short else f"meaning z {prov['semantic']:+.2f}")
    score = fmt(prov["score"]) if prov.get("score") is not None else "?"
    return f"{score} ({', '.join(parts)})" if parts else score


def _model(prov: dict, short: bool) -> str:
    model = prov.get("model")
    if not model:
        return "rules only"
    when = str(model.get("trained_at") or "")
    if short:
        return f"model {when[:10]}"
    return f"model {model.get('fingerprint', '?')} trained {when} on {model.get('decisions', '?')} decisions"


_WORDS = {"suggested": "suggested", "auto": "auto-coded", "imported": "imported", "manual": ""}


def describe(origin: str, prov: dict | None) -> str:
    """One line for the reader's status: «suggested · score .82 (rule .60, learned .71, meaning +1.8) · model
    2026-12-07»; «imported from team.qdpx»; empty for coding by hand."""
    word = _WORDS.get(origin, origin)
    if origin == "manual" and prov and prov.get("bulk") == "search":
        return f"coded with every hit of the search «{prov.get('query', '')}»"
    if not prov or origin == "manual":
        return word
    if origin == "imported":
        line = f"imported from {prov.get('file', '?')}"
        return f"{line} (there: {prov['note']})" if prov.get("note") else line
    return f"{word} · score {_scores(prov, True)} · {_model(prov, True)}"


def short(origin: str, prov: dict | None) -> str:
    """A few words for a list: «suggested .82», «auto-coded .91», «imported from team.qdpx»; empty by hand."""
    word = _WORDS.get(origin, origin)
    if origin == "manual" and prov and prov.get("bulk") == "search":
        return "search hits"
    if origin == "imported":
        return f"imported from {prov['file']}" if prov and prov.get("file") else word
    return f"{word} {score_text(prov['score'])}" if prov and prov.get("score") is not None else word


def note(origin: str, prov: dict | None, coder: str, created_at: str) -> str:
    """The text of the REFI-QDA note on a coding (coder.exchange.build writes it after the memo too, where QualCoder
    shows it); empty for coding by hand.

    «coder: suggested, score 0.82 (threshold 0.40, rule 0.60, learned 0.71, meaning z +1.83), model 5f3a… trained
    … on 120 decisions; accepted by kari 2026-12-08T09:00:00+00:00»"""
    if origin == "manual" or not origin:
        return ""
    if origin == "imported":
        line = f"coder: imported from {prov.get('file', '?')}" if prov else "coder: imported"
        if prov and prov.get("program"):
            line += f" ({prov['program']})"
        line += f" by {coder} {created_at}".rstrip()
        return f"{line}\n{_FIRST}{prov['note']}" if prov and prov.get("note") else line
    word = _WORDS.get(origin, origin)
    verb = "accepted" if origin == "suggested" else "applied"
    by = f"{verb} by {coder} {created_at}".rstrip()
    if not prov:
        return f"coder: {word}; {by}"
    return f"coder: {word}, score {_scores(prov, False)}, {_model(prov, False)}; {by}"


def first_story(text: str) -> str:
    """What to keep of a coder note read back from a file: its first story (see the module docstring)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(_FIRST):
            return line[len(_FIRST) :]
    first = lines[0] if lines else ""
    return first.removeprefix("coder:").strip()


def norwegian(origin: str, prov: dict | None, coder: str) -> str:
    """How a coding came to be, for the quote export's trace table: «manuell», «forslag .82 (akseptert av kari)»,
    «autokoding .91 (kari)», «importert fra team.qdpx»."""
    score = f" {score_text(prov['score'])}" if prov and prov.get("score") is not None else ""
    if origin == "suggested":
        return f"forslag{score} (akseptert av {coder})"
    if origin == "auto":
        return f"autokoding{score} ({coder})"
    if origin == "imported":
        return f"importert fra {prov['file']}" if prov and prov.get("file") else "importert"
    if prov and prov.get("bulk") == "search":
        return f"manuell, alle treff for søket «{prov.get('query', '')}»"
    return "manuell"
