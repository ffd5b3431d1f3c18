"""A small interview for the team tests: five turns of exactly 20 characters, two codes, coded by hand."""

from __future__ import annotations

from pathlib import Path

from coder.coding import service as editing
from coder.model import Attribute, Code, Codebook, ImportedSource, Segment
from coder.store import Project

# Five turns of 20 characters each, joined by a blank line: turn i is [22·i, 22·i + 20).
TURNS = [
    "Ventetida er for lang",
    "Vi har for få folk nå",
    "Samarbeid med skolen",
    "Kompetanseløftet hjalp",
    "Ellers går det greit.",
]
TURNS = [t[:20].ljust(20, ".") for t in TURNS]
TEXT = "\n\n".join(TURNS)
CODES = [Code("kapasitet", "Kapasitet"), Code("samarbeid", "Samarbeid"), Code("kompetanse", "Kompetanse")]


def turn(i: int) -> tuple[int, int]:
    """The span of turn ``i`` (0-based)."""
    return 22 * i, 22 * i + 20


def small_project(path: Path) -> Project:
    """A project with the five-turn interview «Intervju 7» and three codes, nothing coded."""
    project = Project.create(path)
    item = ImportedSource(
        kind="transcript",
        name="Intervju 7",
        text=TEXT,
        segments=[Segment(*turn(i), speaker="IP" if i % 2 else "I") for i in range(5)],
        case="Informant 7",
        attributes=[Attribute("tjenestetype", "kommunal")],
    )
    with project.transaction():
        project.merge_codebook(Codebook("ppt", CODES))
        project.add_sources([item])
    return project


def code(project: Project, coder: str, code_id: str, start: int, end: int, source_id: int | None = None) -> int:
    """Code ``[start, end)`` of the first source (one action); the coding's id."""
    sid = source_id if source_id is not None else project.sources()[0].id
    ids = editing.code_spans(project, [(sid, start, end)], code_id, coder)
    assert ids, "the coding was there already"
    return ids[0]


def code_hand_example(project: Project) -> None:
    """The hand-computed example of docs/team.md: kari and ola on five turns.

    kapasitet: kari turns 0 and 1, ola turns 0 and 2. samarbeid: both turn 3, ola one character short at the start
    (19 of 20 characters: overlap 0.95). Turn 4 nobody codes."""
    code(project, "kari", "kapasitet", *turn(0))
    code(project, "kari", "kapasitet", *turn(1))
    code(project, "ola", "kapasitet", *turn(0))
    code(project, "ola", "kapasitet", *turn(2))
    code(project, "kari", "samarbeid", *turn(3))
    start, end = turn(3)
    code(project, "ola", "samarbeid", start + 1, end)
