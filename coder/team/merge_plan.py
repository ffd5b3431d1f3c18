"""What a merge will do, decided before anything is written: the report it fills, the coder names it joins
(``--map-coder``), B's rows read once, and the checks that refuse a merge that needs a choice.

:class:`MergePlan` holds both open copies and is handed its :class:`coder.store.Project` objects; the steps that
write into the new file build on it (:mod:`coder.team.merge_steps`, :mod:`coder.team.merge_annotations`) and
:func:`coder.team.service.merge_projects` runs them. No module here opens a file or imports the store.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from coder.errors import CoderError

if TYPE_CHECKING:
    from coder.store import Project

Prefer = Literal["a", "b"]
#: The tables of B a merge reads (once, before anything is written).
B_TABLES = (
    "source",
    "segment",
    "case",
    "attribute",
    "code",
    "coding",
    "memo",
    "quote",
    "suggestion",
    "identifier_decision",
    "setting",
    "action",
    "segment_nlp",
)


@dataclass
class Conflict:
    """One thing A and B disagree on, and which was kept."""

    what: str  # "code label", "code parent", "attribute", …
    where: str  # the code id, "case · key", …
    a: str
    b: str
    kept: str  # "A" | "B"
    why: str


@dataclass
class MergeReport:
    a: Path
    b: Path
    out: Path
    sources_matched: list[str] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    sources_renamed: list[tuple[str, str]] = field(default_factory=list)
    segmentation_differs: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codings_in_a: int = 0
    codings_added: Counter = field(default_factory=Counter)  # coder → codings that came from B
    codings_same: int = 0
    coders_a: dict[str, int] = field(default_factory=dict)
    coders_b: dict[str, int] = field(default_factory=dict)
    coders_out: dict[str, int] = field(default_factory=dict)
    renamed_coders: list[tuple[str, str, str, int]] = field(default_factory=list)  # (scope, old, new, rows)
    joined_codings: int = 0
    memos_added: int = 0
    memos_joined: int = 0
    memos_extended: int = 0
    memos_same: int = 0
    cases_added: int = 0
    attributes_added: int = 0
    quotes_added: int = 0
    decisions_added: int = 0
    identifiers_added: int = 0
    consensus_added: int = 0
    actions_copied: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changed: bool = False

    def summary(self) -> list[str]:
        """The report as lines: what came from where, then conflicts and notes."""
        a, b = self.a.name, self.b.name
        out = [
            f"{self.out.name}: {a} with {b} merged in"
            if self.changed
            else f"{self.out.name}: a copy of {a}; {b} brought nothing new"
        ]
        out.append(
            f"sources: {len(self.sources_matched)} in both (matched by content), {len(self.sources_added)} only in "
            f"{b} added"
        )
        for old, new in self.sources_renamed:
            out.append(f"  «{old}» from {b} is «{new}» (the name was taken by another text in {a})")
        out.append(f"codes: {len(self.codes_added)} only in {b} added" + _list(self.codes_added))
        added = sum(self.codings_added.values())
        out.append(
            f"codings: {self.codings_in_a} from {a}, {added} added from {b}, {self.codings_same} of {b}'s already "
            f"in {a} (same span, code and coder)"
        )
        for coder in sorted(set(self.coders_a) | set(self.coders_b) | set(self.coders_out)):
            out.append(
                f"  {coder}: {self.coders_a.get(coder, 0)} in {a}, {self.coders_b.get(coder, 0)} in {b}, "
                f"{self.coders_out.get(coder, 0)} in {self.out.name}"
            )
        for scope, old, new, rows in self.renamed_coders:
            where = {"": "both files", "A": a, "B": b}[scope]
            out.append(f"  «{old}» is now «{new}» in {where} ({rows} rows)")
        if self.joined_codings:
            out.append(f"  {self.joined_codings} codings became one when coder names were joined")
        out.append(
            f"memos: {self.memos_added} added, {self.memos_extended} replaced by {b}'s longer version, "
            f"{self.memos_joined} joined below {a}'s, {self.memos_same} already there"
        )
        out.append(f"cases: {self.cases_added} added; attributes: {self.attributes_added} added")
        out.append(
            f"quotes: {self.quotes_added} report texts or marks added; suggestion decisions: {self.decisions_added} "
            f"added; anonymisation decisions: {self.identifiers_added} added; consensus decisions: "
            f"{self.consensus_added} added"
        )
        out.append(f"log: {self.actions_copied} of {b}'s actions kept as history")
        for c in self.conflicts:
            out.append(f"conflict: {c.what} {c.where}: «{c.a}» in {a}, «{c.b}» in {b}: kept {c.kept}'s ({c.why})")
        out.extend(f"note: {n}" for n in self.notes)
        return out

    def as_json(self) -> dict:
        return {
            "a": str(self.a),
            "b": str(self.b),
            "out": str(self.out),
            "changed": self.changed,
            "sources": {
                "matched": self.sources_matched,
                "added": self.sources_added,
                "renamed": [list(r) for r in self.sources_renamed],
                "segmentation_differs": self.segmentation_differs,
            },
            "codes_added": self.codes_added,
            "codings": {
                "from_a": self.codings_in_a,
                "added_from_b": dict(self.codings_added),
                "already_in_a": self.codings_same,
                "joined": self.joined_codings,
                "by_coder": {"a": self.coders_a, "b": self.coders_b, "out": self.coders_out},
            },
            "renamed_coders": [list(r) for r in self.renamed_coders],
            "memos": {
                "added": self.memos_added,
                "extended": self.memos_extended,
                "joined": self.memos_joined,
                "same": self.memos_same,
            },
            "cases_added": self.cases_added,
            "attributes_added": self.attributes_added,
            "quotes_added": self.quotes_added,
            "decisions_added": self.decisions_added,
            "identifiers_added": self.identifiers_added,
            "consensus_added": self.consensus_added,
            "actions_copied": self.actions_copied,
            "conflicts": [c.__dict__ for c in self.conflicts],
            "notes": self.notes,
        }


def _list(items: list[str], n: int = 8) -> str:
    if not items:
        return ""
    shown = ", ".join(items[:n])
    return f" ({shown}{', …' if len(items) > n else ''})"


# -- coder names ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoderMap:
    old: str
    new: str
    scope: str = ""  # "" both files, "A" or "B" one of them


def parse_coder_map(value: str) -> CoderMap:
    """``kari=Kari Nordmann`` (both files) or ``B:kari=Ola Hansen`` (only B's rows)."""
    scope = ""
    head, sep, new = value.partition("=")
    if len(head) > 2 and head[1] == ":" and head[0].upper() in "AB":
        scope, head = head[0].upper(), head[2:]
    old, new = " ".join(head.split()), " ".join(new.split())
    if not sep or not old or not new:
        raise CoderError(f"--map-coder {value!r}: write OLD=NEW, e.g. kari=Kari Nordmann (or B:kari=… for one file)")
    if "," in new:
        raise CoderError(f"--map-coder {value!r}: a coder name cannot hold a comma")
    return CoderMap(old, new, scope)


def mapped_name(name: str | None, maps: list[CoderMap], scope: str) -> str | None:
    """``name`` as the coder maps of ``scope`` («A» or «B») rename it (unchanged when none does)."""
    for m in maps:
        if name == m.old and m.scope in ("", scope):
            return m.new
    return name


def similar_names(names: set[str]) -> list[tuple[str, str]]:
    """Pairs of coder names that may be one person: the same but for case, or one the first word of the other
    (``kari`` / ``Kari Nordmann``)."""
    pairs = []
    ordered_names = sorted(names)
    for i, x in enumerate(ordered_names):
        for y in ordered_names[i + 1 :]:
            fx, fy = x.casefold(), y.casefold()
            if fx == fy or fx == fy.split()[0] or fy == fx.split()[0]:
                pairs.append((x, y))
    return pairs


# -- the plan and its checks --------------------------------------------------------------------------------------
def _code_fields(row: dict) -> dict:
    return {
        "label": row["label"],
        "parent": row["parent_id"],
        "description": row["description"],
        "colour": row["colour"],
        "keywords": json.loads(row["keywords"]),
        "examples": json.loads(row["examples"]),
    }


class MergePlan:
    """Reads both files and checks what needs a choice; the steps that write B's rows into C build on it."""

    def __init__(self, a: Project, b: Project, maps: list[CoderMap], prefer: Prefer | None, report: MergeReport):
        self.a, self.b, self.maps, self.prefer, self.report = a, b, maps, prefer, report
        self.b_rows = {table: b.rows_of(table) for table in B_TABLES}
        self.a_sources = {r["hash"]: r for r in a.rows_of("source")}
        self.take_b_codes: set[str] = set()  # codes whose label, parent or details B's codebook gives (--prefer b)
        self.changes = 0  # rows the steps wrote: none means B brought nothing new

    # -- checks before anything is written ----------------------------------------------------------------------
    def check(self) -> None:
        """Refuse the merge (:class:`CoderError`) before anything is written: a coder map naming no one, the
        same imported file with different text, codebooks that disagree with no ``prefer``."""
        a_act, b_act = self.a.coder_activity(), self.b.coder_activity()
        for m in self.maps:
            known = (set(a_act) if m.scope in ("", "A") else set()) | (set(b_act) if m.scope in ("", "B") else set())
            if m.old not in known:
                where = {"": "either file", "A": self.report.a.name, "B": self.report.b.name}[m.scope]
                names = ", ".join(sorted(set(a_act) | set(b_act))) or "none"
                raise CoderError(f"--map-coder {m.old}={m.new}: «{m.old}» appears in neither {where} (coders: {names})")
        self.report.coders_a = self.a.coders_with_codings()
        self.report.coders_b = self.b.coders_with_codings()
        bad = []
        for row in self.b_rows["source"]:
            mine = self.a_sources.get(row["hash"])
            if mine is not None and mine["text"] != row["text"]:
                bad.append(f"«{row['name']}» ({self.report.b.name}) and «{mine['name']}» ({self.report.a.name})")
        if bad:
            raise CoderError(
                "the same imported file has different text in the two projects (pseudonymised in one of them, or "
                f"differently?): {'; '.join(bad)}. Make the texts the same (pseudonymise both alike) and merge again"
            )
        self.code_conflicts()

    def code_conflicts(self) -> None:
        """Codes in both files that differ: labels and parents need ``prefer``, other fields are reported."""
        mine = {r["id"]: _code_fields(r) for r in self.a.rows_of("code")}
        hard, soft = [], []
        for row in self.b_rows["code"]:
            old = mine.get(row["id"])
            if old is None:
                continue
            new = _code_fields(row)
            for key in ("label", "parent"):
                if old[key] != new[key]:
                    hard.append((row["id"], key, str(old[key] or "(top level)"), str(new[key] or "(top level)")))
            others = [k for k in ("description", "colour", "keywords", "examples") if old[k] != new[k]]
            if others:
                soft.append((row["id"], others))
        if hard and self.prefer is None:
            listed = "; ".join(f"{cid}: {key} «{x}» in A, «{y}» in B" for cid, key, x, y in hard[:6])
            more = f" and {len(hard) - 6} more" if len(hard) > 6 else ""
            raise CoderError(
                f"the codebooks disagree on {len(hard)} label(s) or parent(s): {listed}{more}. Choose whose "
                "codebook wins with --prefer a or --prefer b (or align them first: coder codebook PROJECT --load)"
            )
        kept, why = self.choice()
        for cid, key, x, y in hard:
            self.report.conflicts.append(Conflict(f"code {key}", cid, x, y, kept, why))
        for cid, keys in soft:
            self.report.conflicts.append(Conflict("code " + "/".join(keys), cid, "…", "…", kept, why))
        self.take_b_codes = {cid for cid, *_ in hard} | {cid for cid, _ in soft} if self.prefer == "b" else set()

    # -- whose value a difference keeps ------------------------------------------------------------------------
    def choice(self) -> tuple[str, str]:
        """Whose value a conflict keeps, and why."""
        if self.prefer == "b":
            return "B", "--prefer b"
        return "A", "--prefer a" if self.prefer == "a" else "the first file's, as no --prefer was given"
