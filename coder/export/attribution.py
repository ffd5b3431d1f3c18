"""The attribution after a quote, ``(Kommunal PP-leder)``, from a template over the case's attributes.

A template is text with fields in braces: ``({tjenestetype} {rolle})``. A field names an attribute (any case),
or ``speaker``, ``case`` or ``source``; ``{rolle|'PP-leder'}`` falls back to the text in quotes, and
``{rolle|speaker}`` to another field, when the case has no such attribute. A field with no value is left out
with its space. If no field has a value and the template has no words of its own, the attribution falls back
to the case's name (a respondent), else the speaker, else the source: ``(R017)``, ``(Intervju 03)``; a document
is attributed by its name as written (``(PPT-strategi)``, not ``(Ppt-strategi)``). What the
interviewer said is attributed ``(Intervjuer)``, whatever the case's attributes.

The project's template is the setting ``quote_attribution``; the default is :data:`DEFAULT`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from coder.model import is_interviewer

SETTING = "quote_attribution"
DEFAULT = "({tjenestetype} {rolle})"
_FIELD = re.compile(r"\{([^{}]*)\}")
_SPECIAL = {"speaker", "taler", "case", "source", "kilde"}


def check_template(template: str) -> str:
    """The template if it is well formed; ValueError saying what is wrong otherwise."""
    stripped = _FIELD.sub("", template)
    if "{" in stripped or "}" in stripped:
        raise ValueError(f"attribution template {template!r}: a brace is not closed")
    for match in _FIELD.finditer(template):
        for option in match[1].split("|"):
            option = option.strip()
            if not option:
                raise ValueError(f"attribution template {template!r}: an empty field {{}}")
            if option[0] in "'\"" and (len(option) < 2 or option[-1] != option[0]):
                raise ValueError(f"attribution template {template!r}: a quote in {match[0]} is not closed")
    return template


def render(
    template: str,
    attributes: Mapping[str, str],
    *,
    speaker: str | None = None,
    case: str | None = None,
    source: str | None = None,
) -> str:
    """The attribution of one quote; see the module's docstring. The interviewer's words are «(Intervjuer)»."""
    if is_interviewer(speaker):
        opening, closing = _brackets(template)
        return f"{opening}Intervjuer{closing}"
    folded = {k.casefold(): v for k, v in attributes.items() if v and v.strip()}
    special = {"speaker": speaker, "taler": speaker, "case": case, "source": source, "kilde": source}

    def value(option: str) -> str:
        option = option.strip()
        if option[:1] in "'\"" and option[-1:] == option[:1] and len(option) >= 2:
            return option[1:-1]
        key = option.casefold()
        if key in _SPECIAL:
            return special[key] or ""
        return folded.get(key, "").strip()

    def field(match: re.Match) -> str:
        for option in match[1].split("|"):
            found = value(option)
            if found:
                return found
        return ""

    out = _tidy(_FIELD.sub(field, template))
    if not re.search(r"\w", out):
        fallback = case or speaker or source or ""
        opening, closing = _brackets(template)
        out = f"{opening}{fallback}{closing}" if fallback else ""
        if fallback and not speaker and fallback == source:
            return out  # a document is no informant: its name as written («PPT-strategi», a title)
    return _capitalise(out)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"([(\[«])\s+", r"\1", text)
    text = re.sub(r"\s+([)\]»,.;:])", r"\1", text)
    text = re.sub(r",\s*([)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s*,\s*", r"\1", text)
    return text.strip()


def _brackets(template: str) -> tuple[str, str]:
    t = template.strip()
    pairs = {"(": ")", "[": "]", "«": "»"}
    if t[:1] in pairs and t[-1:] == pairs[t[0]]:
        return t[0], t[-1]
    return "", ""


def _capitalise(text: str) -> str:
    """A capital on the first letter only: ``(kommunal Rektor)`` → ``(Kommunal rektor)``.

    Attribute values are often written with a capital of their own («Rektor», «Kommunal»); inside the
    attribution only the first word keeps one. A later word keeps its capitals when it is an acronym or a name
    with a capital inside (``PP-leder``, ``NAV``, ``McDonald``) or before a hyphen (``Statped-rådgiver``), and
    everything after the first comma stays as written, where a place or a name usually stands:
    ``(Kommunal rektor, Bergen)``."""
    head, comma, tail = text.partition(",")
    words = re.split(r"(\W+)", head)
    first = True
    for i, word in enumerate(words):
        if not word or not word[0].isalpha():
            continue
        if first:
            words[i] = word[0].upper() + word[1:]
            first = False
        elif _plain_capitalised(word) and not (i + 1 < len(words) and words[i + 1].startswith("-")):
            words[i] = word[0].lower() + word[1:]  # «Statped-rådgiver»: a name before a hyphen stays
    return "".join(words) + comma + tail


def _plain_capitalised(word: str) -> bool:
    """``Rektor``: a capital, then only small letters (``PP``, ``NAV``, ``McKinsey`` are not)."""
    return len(word) > 1 and word[0].isupper() and word[1:].islower() and word[1:].isalpha()
