"""What the anonymisation check shows: its candidates grouped by kind, their places in context, the counts.

Pure rendering and lookup for ``screens/check.py``: Rich text and OptionList options from the check's
candidates and hits, and where a hit is now in a source's text. No screen, no project: the screen hands in what
it has read, so each row can be tested on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets.option_list import Option

from coder.tui.literal import lit, plain_text
from coder.tui.results import JumpTo

if TYPE_CHECKING:
    from coder.anonymise.check import Candidate, Hit

#: kind → (group heading, order); LOC and GPE are both places for the researcher.
KINDS: dict[str, tuple[str, int]] = {
    "PER": ("Navn · PER", 0),
    "LOC": ("Sted · LOC/GPE", 1),
    "GPE": ("Sted · LOC/GPE", 1),
    "ORG": ("Org · ORG", 2),
    "EMAIL": ("E-post", 3),
    "PHONE": ("Telefon", 4),
    "FNR": ("Fødselsnummer", 5),
    "DOB": ("Fødselsdato", 6),
    "ADDRESS": ("Adresse", 7),
}

#: How far the first context line reaches left of the hit, so the hit stays visible in a narrow list.
LEAD = 28


def number(n: int) -> str:
    """2100 → '2 100' (Norwegian digit grouping, a no-break space)."""
    return f"{n:,}".replace(",", "\u00a0")


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{number(n)} {word if n == 1 else (words or word + 's')}"


def highlighted(context: str, word: str, lead: int = LEAD) -> Text:
    """One line of context with ``word`` shown reversed, cut so that it starts ``lead`` characters before it."""
    line, word = plain_text(" ".join(context.split())), plain_text(word)
    at = line.find(word)
    if at < 0:
        at = line.lower().find(word.lower())
    if at < 0:
        return Text(line, no_wrap=True, overflow="ellipsis")
    if at > lead:
        cut = line.find(" ", at - lead, at)
        cut = at - lead if cut < 0 else cut + 1
        line, at = "…" + line[cut:], at - cut + 1
    text = Text(line, no_wrap=True, overflow="ellipsis")
    text.stylize("bold reverse", at, at + len(word))
    return text


def shown_context(candidate: Candidate, hit: Hit) -> tuple[str, str]:
    """The context line and the word in it to mark: once pseudonymised, with the tag in place of the identifier."""
    if candidate.status == "pseudonymised" and candidate.tag:
        return hit.context.replace(hit.text, candidate.tag), candidate.tag
    return hit.context, hit.text


# -- the candidates list ------------------------------------------------------------------------------------------
def heading_of(candidate: Candidate) -> str:
    return KINDS.get(candidate.kind, (candidate.kind, 99))[0]


def ordered(candidates: list[Candidate], show_decided: bool) -> list[Candidate]:
    """The candidates to list, by kind (names first), the most frequent first; decided ones if ``show_decided``."""
    return sorted(
        (c for c in candidates if show_decided or c.status == "open"),
        key=lambda c: (KINDS.get(c.kind, (c.kind, 99))[1], c.kind not in KINDS and c.kind, -len(c.hits), c.text),
    )


def candidate_options(shown: list[Candidate]) -> list[Option]:
    """The list's options: a disabled heading per kind with its count, then its candidates (ids ``c0``, ``c1``…)."""
    options: list[Option] = []
    group = None
    for index, candidate in enumerate(shown):
        heading = heading_of(candidate)
        if heading != group:
            group = heading
            n = sum(heading_of(c) == heading for c in shown)
            options.append(Option(Text.assemble((heading, "bold underline"), (f"  {n}", "dim")), disabled=True))
        options.append(candidate_option(index, candidate))
    return options


def candidate_option(index: int, candidate: Candidate) -> Option:
    """One candidate: the word, how often and where, what was decided; under it its first place in context."""
    head = Text("  ")
    head.append(plain_text(candidate.text), "bold" if candidate.status == "open" else "dim strike")
    sources = len({h.source_id for h in candidate.hits})
    head.append(f"  {number(len(candidate.hits))}×", "")
    if sources > 1:
        head.append(f" in {plural(sources, 'source')}", "dim")
    if candidate.status == "dismissed":
        head.append("  dismissed", "italic dim")
    elif candidate.status == "pseudonymised":
        head.append(plain_text(f"  → {candidate.tag or 'pseudonymised'}"), "italic")
    if candidate.kind in ("LOC", "GPE"):
        head.append(f"  {candidate.kind}", "dim")
    if getattr(candidate, "confidence", "high") == "low":
        head.append(plain_text(f"  ? {getattr(candidate, 'note', '') or 'uncertain'}"), "italic dim")
    if candidate.hits:
        line = Text("    ")
        line.append_text(highlighted(*shown_context(candidate, candidate.hits[0])))
        line.no_wrap, line.overflow = True, "ellipsis"
        return Option(Text.assemble(head, "\n", line, no_wrap=True, overflow="ellipsis"), id=f"c{index}")
    return Option(head, id=f"c{index}")


def place_option(index: int, candidate: Candidate, hit: Hit, speaker: str) -> Option:
    """One occurrence: source · speaker, then the context with the word marked (id ``h0``, ``h1``…)."""
    line = lit(hit.source_name, "bold", no_wrap=True, overflow="ellipsis")
    if speaker:
        line.append(plain_text(f" · {speaker}"), "dim")
    line.append("  ")
    line.append_text(highlighted(*shown_context(candidate, hit), lead=20))
    return Option(line, id=f"h{index}")


# -- the title and the count -----------------------------------------------------------------------------------------
def title_text(changed_since: int) -> Text:
    title = Text("Anonymisation check")
    if changed_since:
        title.append(" · text changed since: R checks again", "italic")
    return title


def count_line(candidates: list[Candidate], running: bool, show_decided: bool) -> str:
    """How many candidates are open, in how many sources, and how many were decided (or what is looked for)."""
    if running and not candidates:
        return "Looking for names, places, e-mail, phone numbers, fødselsnummer, addresses…"
    open_ = [c for c in candidates if c.status == "open"]
    dismissed = sum(c.status == "dismissed" for c in candidates)
    done = sum(c.status == "pseudonymised" for c in candidates)
    sources = len({h.source_id for c in open_ for h in c.hits})
    line = f"{plural(len(open_), 'open candidate')} in {plural(sources, 'source')}"
    if dismissed or done:
        line += f" · {number(dismissed)} dismissed · {number(done)} pseudonymised"
        line += " (h hides)" if show_decided else " (h shows)"
    if not open_ and not running:
        line = "Nothing left to look at · " + line
    return line


# -- where a hit is now ----------------------------------------------------------------------------------------------
def find_again(text: str, candidate: Candidate, hit: Hit) -> JumpTo | None:
    """Where the hit is in ``text`` (its source's text now): at its old place, else the nearest occurrence of the
    word (or of its tag, once pseudonymised); None if it is gone."""
    for word in (hit.text, candidate.tag if candidate.status == "pseudonymised" else None):
        if not word:
            continue
        if text[hit.start : hit.start + len(word)] == word:
            return JumpTo(hit.source_id, hit.start, hit.start + len(word))
        found = occurrences(text, word)
        if found:
            best = min(found, key=lambda i: abs(i - hit.start))
            return JumpTo(hit.source_id, best, best + len(word))
    return None


def occurrences(text: str, word: str) -> list[int]:
    """Every offset where ``word`` begins in ``text``."""
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found
