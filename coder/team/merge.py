"""Bring two copies of a project together: ``coder merge A.coder B.coder -o C.coder``.

C starts as a copy of A; what B holds is added to it in one transaction, on a temporary file beside C that is
renamed to C only when everything is in, so a failed merge leaves no output at all.

How things are matched (docs/team.md says the same for users):

- **sources** by content hash (``source.hash``, the imported file's). The same hash must mean the same text;
  a copy that was pseudonymised differently is refused, since its offsets no longer agree. Segments of a source
  found in both are compared too (a difference is reported; A's segmentation is kept — codings are offsets into
  the text, so they stay valid either way). A source only in B is copied with its segments (and NLP cache);
  a name taken in A by another text gets B's file name in brackets.
- **codes** by id. A label or parent that differs is a conflict: the merge refuses unless ``prefer`` says whose
  codebook wins («a» or «b»); other differences (description, colour, keywords) are reported and the first
  file's kept unless ``prefer="b"``. A code only in B is added.
- **codings**: the same span, code and coder is the same coding (kept once); everything else is kept side by
  side, with its coder, origin and time. A merge is a union: a coding deleted in one copy but not the other
  stays.
- **coders**: ``coder_map`` joins names (``kari=Kari Nordmann``; ``B:kari=…`` only in B's rows) before codings
  are compared, in codings, memos, decisions and the log. A name that appears in neither file is an error.
- **memos**: identical or contained text is kept once; a memo B extended replaces A's; otherwise B's text is
  added below A's with B's coder and date.
- **cases and attributes** by case name and key; a value that differs is reported (A's kept unless prefer b).
- **quotes** (report text, ★), **suggestion decisions**, **anonymisation decisions** (when both copies share
  the salt) and **consensus decisions** follow their codings and segments; differences are reported.
- **the log**: B's done actions are kept as history (without undo ops); the merge is logged as an action undo
  does not cross.

Merging a file that brings nothing new changes nothing (no action is logged either): merging the same file twice
gives the same project.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from coder.errors import CoderError
from coder.model import CONSENSUS_PREFIX, Code, ordered
from coder.store import Project
from coder.team.identity import SETTING as CODER_SETTING

Prefer = Literal["a", "b"]
#: settings that belong to one researcher's copy or to the file itself: never reported as differences
PERSONAL = {
    "theme",
    "quick_slots",
    "recent_codes",
    "pinned_codes",
    "created_at",
    "codebook_version",
    "codebook_name",
    "anonymise_salt",
    "anonymise_allow",
    CODER_SETTING,
}


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


def _rename(name: str | None, maps: list[CoderMap], scope: str) -> str | None:
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


# -- the merge ----------------------------------------------------------------------------------------------------
def merge_projects(
    a_path: Path,
    b_path: Path,
    out_path: Path,
    coder_maps: list[CoderMap] | None = None,
    prefer: Prefer | None = None,
    by: str = "coder",
    overwrite: bool = False,
) -> MergeReport:
    """Merge B into a copy of A written to ``out_path``; see the module docstring. Raises :class:`CoderError`
    (nothing written) on conflicts that need a choice, texts that disagree, or unknown coder names."""
    a_path, b_path, out_path = Path(a_path), Path(b_path), Path(out_path)
    maps = list(coder_maps or [])
    for src in (a_path, b_path):
        if out_path.resolve() == src.resolve():
            raise CoderError(f"{out_path}: the output must be a new file, not one of the projects merged")
    if out_path.exists() and not overwrite:
        raise CoderError(f"{out_path}: already exists (choose another name, or --overwrite to replace it)")
    if not out_path.parent.exists():
        raise CoderError(f"{out_path}: the folder {out_path.parent} does not exist")
    report = MergeReport(a_path, b_path, out_path)
    with Project.open(a_path) as a, Project.open(b_path) as b:
        plan = _Plan(a, b, maps, prefer, report)
        plan.check()
        partial = out_path.with_name(f".{out_path.name}.merging-{os.getpid()}")
        _remove(partial)
        try:
            a.backup_to(partial)
            with Project.open(partial) as c:
                with c.transaction():
                    plan.apply(c, by)
                c.checkpoint()
            os.replace(partial, out_path)
        finally:
            _remove(partial)
        for suffix in ("-wal", "-shm"):  # an --overwrite'n file's old journal must not be replayed into the new one
            Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return report


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


def _code_fields(row: dict) -> dict:
    return {
        "label": row["label"],
        "parent": row["parent_id"],
        "description": row["description"],
        "colour": row["colour"],
        "keywords": json.loads(row["keywords"]),
        "examples": json.loads(row["examples"]),
    }


class _Plan:
    """Reads both files, checks what needs a choice, then writes B's rows into C."""

    def __init__(self, a: Project, b: Project, maps: list[CoderMap], prefer: Prefer | None, report: MergeReport):
        self.a, self.b, self.maps, self.prefer, self.report = a, b, maps, prefer, report
        self.b_rows = {table: b.rows_of(table) for table in _B_TABLES}
        self.a_sources = {r["hash"]: r for r in a.rows_of("source")}

    # -- checks before anything is written ----------------------------------------------------------------------
    def check(self) -> None:
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

    # -- writing into C ----------------------------------------------------------------------------------------
    def apply(self, c: Project, by: str) -> None:
        r = self.report
        self.changes = 0
        r.codings_in_a = sum(r.coders_a.values())
        renamed: Counter = Counter()
        for m in self.maps:
            if m.scope in ("", "A"):
                renamed[m] += c.rename_coder(m.old, m.new)
        renamed.update(self.rename_b())
        r.renamed_coders = [(m.scope, m.old, m.new, n) for m, n in renamed.items() if n]
        self.changes += sum(renamed.values())
        r.joined_codings = c.join_duplicate_codings()
        self.changes += r.joined_codings
        self.codes(c)
        cases = self.cases(c)
        sources, segments = self.sources(c, cases)
        codings = self.codings(c, sources)
        self.quotes(c, codings)
        self.memos(c, sources, segments, codings)
        self.decisions(c, segments)
        self.identifiers(c)
        self.settings(c, segments)
        self.actions(c)
        self.coder_notes(c, sources)
        r.coders_out = c.coders_with_codings()
        r.changed = self.changes > 0
        if r.changed:
            c.log_merge(
                {
                    "label": f"merged {r.b.name} into {r.a.name}",
                    "files": [r.a.name, r.b.name],
                    "sources_added": len(r.sources_added),
                    "codes_added": len(r.codes_added),
                    "codings_added": dict(r.codings_added),
                    "conflicts": len(r.conflicts),
                },
                by,
            )

    def rename_b(self) -> Counter:
        """Apply the coder maps to B's rows in memory (B's file is never written); rows renamed per map."""
        counts: Counter = Counter()
        if not self.maps:
            return counts
        for table, col in (
            ("coding", "coder"),
            ("memo", "coder"),
            ("suggestion", "decided_by"),
            ("identifier_decision", "coder"),
            ("action", "coder"),
        ):
            for row in self.b_rows[table]:
                m = next((m for m in self.maps if row[col] == m.old and m.scope in ("", "B")), None)
                if m is not None:
                    row[col] = m.new
                    counts[m] += 1
        self.report.coders_b = dict(Counter(row["coder"] for row in self.b_rows["coding"]))
        return counts

    def codes(self, c: Project) -> None:
        mine = {r["id"]: r for r in c.rows_of("code")}
        position = max((r["position"] for r in mine.values()), default=-1) + 1
        b_codes = self.b_rows["code"]
        books = [Code(r["id"], r["label"], parent=r["parent_id"]) for r in b_codes]
        by_id = {r["id"]: r for r in b_codes}
        added: list[str] = []
        for code in ordered(books):
            row = by_id[code.id]
            if code.id in mine:
                if code.id in self.take_b_codes:
                    changes = {k: row[k] for k in ("label", "description", "colour", "keywords", "examples")}
                    c.raw_update("code", {"id": code.id}, changes)
                    self.changes += 1
                continue
            c.raw_insert(
                "code", {**{k: row[k] for k in row if k != "parent_id"}, "parent_id": None, "position": position}
            )
            position += 1
            added.append(code.id)
        for code_id in [*added, *sorted(self.take_b_codes)]:
            parent = by_id[code_id]["parent_id"]
            if parent is not None:
                c.raw_update("code", {"id": code_id}, {"parent_id": parent})
        if added or self.take_b_codes:
            self.changes += len(added)
            _check_tree({r["id"]: r["parent_id"] for r in c.rows_of("code")})
            version = int(c.setting("codebook_version") or 0) + 1
            c.set_setting("codebook_version", str(version))
        self.report.codes_added = added

    def cases(self, c: Project) -> dict[int, int]:
        """B case id → C case id; attributes merged."""
        mine = {r["name"]: r["id"] for r in c.rows_of("case")}
        mapping: dict[int, int] = {}
        for row in self.b_rows["case"]:
            if row["name"] not in mine:
                mine[row["name"]] = c.raw_insert("case", {"name": row["name"]})
                self.report.cases_added += 1
                self.changes += 1
            mapping[row["id"]] = mine[row["name"]]
        names = {v: k for k, v in mine.items()}
        attrs = {(r["case_id"], r["key"]): r for r in c.rows_of("attribute")}
        for row in self.b_rows["attribute"]:
            case_id = mapping[row["case_id"]]
            old = attrs.get((case_id, row["key"]))
            if old is None:
                c.raw_insert(
                    "attribute", {"case_id": case_id, "key": row["key"], "value": row["value"], "type": row["type"]}
                )
                self.report.attributes_added += 1
                self.changes += 1
            elif (old["value"], old["type"]) != (row["value"], row["type"]):
                kept, why = self.choice()
                self.report.conflicts.append(
                    Conflict("attribute", f"{names[case_id]} · {row['key']}", old["value"], row["value"], kept, why)
                )
                if kept == "B":
                    c.raw_update(
                        "attribute",
                        {"case_id": case_id, "key": row["key"]},
                        {"value": row["value"], "type": row["type"]},
                    )
                    self.changes += 1
        return mapping

    def sources(self, c: Project, cases: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
        """B source id → C source id and B segment id → C segment id; sources only in B copied."""
        r = self.report
        by_hash = {row["hash"]: row for row in c.rows_of("source")}
        names = {row["name"] for row in by_hash.values()}
        c_segments: dict[int, list[dict]] = {}
        for seg in c.rows_of("segment"):
            c_segments.setdefault(seg["source_id"], []).append(seg)
        b_segments: dict[int, list[dict]] = {}
        for seg in self.b_rows["segment"]:
            b_segments.setdefault(seg["source_id"], []).append(seg)
        nlp = {row["segment_id"]: row for row in self.b_rows["segment_nlp"]}
        source_map: dict[int, int] = {}
        segment_map: dict[int, int] = {}
        for row in self.b_rows["source"]:
            mine = by_hash.get(row["hash"])
            segs = b_segments.get(row["id"], [])
            if mine is not None:
                source_map[row["id"]] = mine["id"]
                r.sources_matched.append(mine["name"])
                ours = c_segments.get(mine["id"], [])
                spans = {(s["start"], s["end"]): s["id"] for s in ours}
                if [(s["start"], s["end"]) for s in ours] != [(s["start"], s["end"]) for s in segs]:
                    r.segmentation_differs.append(mine["name"])
                    r.notes.append(
                        f"«{mine['name']}» is segmented differently in the two files (another coder version?): "
                        f"{r.a.name}'s segments are kept; codings are offsets into the text and stay valid"
                    )
                starts = [s["start"] for s in ours]
                for seg in segs:
                    at = spans.get((seg["start"], seg["end"]))
                    if at is None and ours:
                        import bisect

                        at = ours[max(0, bisect.bisect_right(starts, seg["start"]) - 1)]["id"]
                    if at is not None:
                        segment_map[seg["id"]] = at
                continue
            name = row["name"]
            if name in names:
                base, n = f"{name} ({r.b.stem})", 2
                name = base
                while name in names:
                    name, n = f"{base} {n}", n + 1
                r.sources_renamed.append((row["name"], name))
            names.add(name)
            new_id = c.raw_insert(
                "source",
                {
                    "kind": row["kind"],
                    "name": name,
                    "grp": row["grp"],
                    "text": row["text"],
                    "hash": row["hash"],
                    "case_id": cases.get(row["case_id"]) if row["case_id"] is not None else None,
                    "imported_at": row["imported_at"],
                    "meta": row["meta"],
                },
            )
            by_hash[row["hash"]] = {"id": new_id, "name": name}
            source_map[row["id"]] = new_id
            r.sources_added.append(name)
            self.changes += 1
            first = c.next_segment_id()
            for k, seg in enumerate(segs):
                seg_id = first + k
                c.raw_insert(
                    "segment",
                    {
                        "id": seg_id,
                        "source_id": new_id,
                        "ordinal": seg["ordinal"],
                        "start": seg["start"],
                        "end": seg["end"],
                        "speaker": seg["speaker"],
                        "t_start": seg["t_start"],
                        "t_end": seg["t_end"],
                        "case_id": cases.get(seg["case_id"]) if seg["case_id"] is not None else None,
                        "words": seg["words"],
                    },
                )
                c.index_segment(seg_id, row["text"][seg["start"] : seg["end"]])
                cached = nlp.get(seg["id"])
                if cached is not None:
                    c.copy_annotation(seg_id, cached["text_hash"], cached["model"], cached["data"])
                segment_map[seg["id"]] = seg_id
        return source_map, segment_map

    def codings(self, c: Project, sources: dict[int, int]) -> dict[int, int]:
        """B coding id → C coding id (the same coding, or the copy made)."""
        r = self.report
        have = {
            (row["source_id"], row["start"], row["end"], row["code_id"], row["coder"]): row["id"]
            for row in c.rows_of("coding")
        }
        mapping: dict[int, int] = {}
        for row in self.b_rows["coding"]:
            key = (sources[row["source_id"]], row["start"], row["end"], row["code_id"], row["coder"])
            if key in have:
                r.codings_same += 1
            else:
                have[key] = c.raw_insert(
                    "coding",
                    {
                        "source_id": key[0],
                        "start": row["start"],
                        "end": row["end"],
                        "code_id": row["code_id"],
                        "coder": row["coder"],
                        "origin": row["origin"],
                        "created_at": row["created_at"],
                        "status": row["status"],
                    },
                )
                r.codings_added[row["coder"]] += 1
                self.changes += 1
            mapping[row["id"]] = have[key]
        return mapping

    def quotes(self, c: Project, codings: dict[int, int]) -> None:
        mine = {row["coding_id"]: row for row in c.rows_of("quote")}
        for row in self.b_rows["quote"]:
            coding_id = codings.get(row["coding_id"])
            if coding_id is None:
                continue
            old = mine.get(coding_id)
            if old is None:
                c.raw_insert(
                    "quote", {"coding_id": coding_id, "report_text": row["report_text"], "marked": row["marked"]}
                )
                self.report.quotes_added += 1
                self.changes += 1
                continue
            changes = {}
            if row["marked"] and not old["marked"]:
                changes["marked"] = 1
            if row["report_text"] and row["report_text"] != old["report_text"]:
                if not old["report_text"] or self.prefer == "b":
                    changes["report_text"] = row["report_text"]
                if old["report_text"]:
                    kept, why = self.choice()
                    self.report.conflicts.append(
                        Conflict(
                            "report text",
                            f"coding {coding_id}",
                            _short(old["report_text"]),
                            _short(row["report_text"]),
                            kept,
                            why,
                        )
                    )
            if changes:
                c.raw_update("quote", {"coding_id": coding_id}, changes)
                self.report.quotes_added += 1
                self.changes += 1

    def memos(self, c: Project, sources: dict, segments: dict, codings: dict) -> None:
        r = self.report
        mine: dict[tuple[str, str], dict] = {}
        for row in c.rows_of("memo"):
            mine.setdefault((row["target_kind"], row["target_id"]), row)
        for row in self.b_rows["memo"]:
            kind, target = row["target_kind"], row["target_id"]
            text = row["text"]
            mapped = {"source": sources, "segment": segments, "coding": codings}.get(kind)
            if mapped is not None:
                new = mapped.get(int(target)) if target.isdigit() else None
                if new is None:  # a memo on something B no longer has: kept on the project, saying so
                    kind, target, text = "project", "", f"({kind} {target} in {r.b.name}) {text}"
                else:
                    target = str(new)
            old = mine.get((kind, target))
            if old is None:
                new_id = c.raw_insert(
                    "memo",
                    {
                        "target_kind": kind,
                        "target_id": target,
                        "text": text,
                        "coder": row["coder"],
                        "updated_at": row["updated_at"],
                    },
                )
                mine[(kind, target)] = {"id": new_id, "text": text}
                r.memos_added += 1
            elif text in old["text"]:
                r.memos_same += 1
                continue
            elif old["text"] in text:
                c.raw_update(
                    "memo", {"id": old["id"]}, {"text": text, "coder": row["coder"], "updated_at": row["updated_at"]}
                )
                old["text"] = text
                r.memos_extended += 1
            else:
                joined = f"{old['text']}\n\n— {row['coder']}, {row['updated_at'][:10]}:\n{text}"
                c.raw_update("memo", {"id": old["id"]}, {"text": joined})
                old["text"] = joined
                r.memos_joined += 1
            self.changes += 1

    def decisions(self, c: Project, segments: dict[int, int]) -> None:
        mine = {(row["segment_id"], row["code_id"]): row for row in c.rows_of("suggestion")}
        fields = ("score", "evidence", "decision", "decided_by", "decided_at")
        for row in self.b_rows["suggestion"]:
            if row["decision"] is None:
                continue  # open suggestions are the engine's cache, computed again
            segment = segments.get(row["segment_id"])
            if segment is None:
                continue
            old = mine.get((segment, row["code_id"]))
            values = {k: row[k] for k in fields}
            if old is None:
                c.raw_insert("suggestion", {"segment_id": segment, "code_id": row["code_id"], **values})
            elif old["decision"] is None:
                c.raw_update("suggestion", {"id": old["id"]}, values)
            elif old["decision"] == row["decision"]:
                continue
            else:
                kept, why = self.choice()
                where = f"segment {segment} · {row['code_id']}"
                self.report.conflicts.append(
                    Conflict("suggestion decision", where, old["decision"], row["decision"], kept, why)
                )
                if kept == "A":
                    continue
                c.raw_update("suggestion", {"id": old["id"]}, values)
            self.report.decisions_added += 1
            self.changes += 1

    def choice(self) -> tuple[str, str]:
        """Whose value a conflict keeps, and why."""
        if self.prefer == "b":
            return "B", "--prefer b"
        return "A", "--prefer a" if self.prefer == "a" else "the first file's, as no --prefer was given"

    def identifiers(self, c: Project) -> None:
        rows = self.b_rows["identifier_decision"]
        if not rows:
            return
        mine_salt, b_salt = c.setting("anonymise_salt"), self.b.setting("anonymise_salt")
        mine = {(row["kind"], row["text_hash"]): row for row in c.rows_of("identifier_decision")}
        if mine_salt is None and not mine and b_salt is not None:
            c.set_setting("anonymise_salt", b_salt)  # A never hashed an identifier: take B's salt with its decisions
            mine_salt = b_salt
        if mine_salt != b_salt:
            dismissed = [row["text"] for row in rows if row["decision"] == "dismissed" and row["text"]]
            self.report.notes.append(
                f"{len(rows)} anonymisation decisions of {self.report.b.name} were made with another salt (the two "
                "files were not copies of one project) and are not carried over"
                + (f"; dismiss again: {', '.join(sorted(set(dismissed))[:10])}" if dismissed else "")
            )
            return
        for row in rows:
            old = mine.get((row["kind"], row["text_hash"]))
            if old is None:
                c.raw_insert("identifier_decision", {k: row[k] for k in row if k != "id"})
                self.report.identifiers_added += 1
                self.changes += 1
            elif old["decision"] != row["decision"]:
                self.report.conflicts.append(
                    Conflict(
                        "anonymisation decision",
                        f"{row['kind']} {row['text'] or '(hashed)'}",
                        old["decision"],
                        row["decision"],
                        "A",
                        "a pseudonymisation cannot be merged away",
                    )
                )

    def settings(self, c: Project, segments: dict[int, int]) -> None:
        r = self.report
        theirs = {row["key"]: row["value"] for row in self.b_rows["setting"]}
        mine = {row["key"]: row["value"] for row in c.rows_of("setting")}
        allow = sorted(
            set(json.loads(mine.get("anonymise_allow", "[]"))) | set(json.loads(theirs.get("anonymise_allow", "[]")))
        )
        if (
            allow
            and json.dumps(allow, ensure_ascii=False) != mine.get("anonymise_allow")
            and set(allow) != set(json.loads(mine.get("anonymise_allow", "[]")))
        ):
            c.set_setting("anonymise_allow", json.dumps(allow, ensure_ascii=False))
            self.changes += 1
        if mine.get(CODER_SETTING) and mine.get(CODER_SETTING) != theirs.get(CODER_SETTING):
            c.drop_setting(CODER_SETTING)
            r.notes.append(
                f"the copies name different coders ({mine[CODER_SETTING]}, {theirs.get(CODER_SETTING) or 'none'}): "
                f"{r.out.name} names none; each sets theirs with coder whoami {r.out.name} --set NAME"
            )
            self.changes += 1
        for key, value in theirs.items():
            if key.startswith(CONSENSUS_PREFIX):
                self.consensus_setting(c, key, value, mine, segments)
            elif key not in PERSONAL and key in mine and mine[key] != value:
                r.notes.append(f"setting {key} differs: {r.a.name}'s kept")
            elif key not in PERSONAL and key not in mine:
                c.set_setting(key, value)
                self.changes += 1

    def consensus_setting(self, c: Project, key: str, value: str, mine: dict, segments: dict[int, int]) -> None:
        parts = key.split("|")
        if len(parts) != 4 or not parts[2].isdigit() or int(parts[2]) not in segments:
            return
        new_key = "|".join([parts[0], parts[1], str(segments[int(parts[2])]), parts[3]])
        if new_key not in mine:
            c.set_setting(new_key, value)
            self.report.consensus_added += 1
            self.changes += 1
        elif mine[new_key] != value and json.loads(mine[new_key]).get("choice") != json.loads(value).get("choice"):
            self.report.conflicts.append(
                Conflict(
                    "consensus decision",
                    new_key.split("|", 2)[2],
                    json.loads(mine[new_key]).get("choice"),
                    json.loads(value).get("choice"),
                    "A",
                    "the first file's",
                )
            )

    def actions(self, c: Project) -> None:
        have = {(row["at"], row["coder"], row["kind"], _label(row["payload"])) for row in c.rows_of("action")}
        for row in self.b_rows["action"]:
            if row["undone"] != 0:
                continue  # undone actions did not happen
            key = (row["at"], row["coder"], row["kind"], _label(row["payload"]))
            if key in have:
                continue
            have.add(key)
            c.copy_action(row["at"], row["coder"], row["kind"], {"label": key[3], "merged_from": self.report.b.name})
            self.report.actions_copied += 1
            self.changes += 1

    def coder_notes(self, c: Project, sources: dict[int, int]) -> None:
        r = self.report
        names = set(r.coders_a) | set(r.coders_b)
        for x, y in similar_names(names):
            r.notes.append(f"«{x}» and «{y}» may be one person: join them with --map-coder '{x}={y}'")
        shared = set(sources.values())
        a_keys: dict[str, set] = {}
        b_keys: dict[str, set] = {}
        for row in self.a.rows_of("coding"):
            if row["source_id"] in shared:
                name = _rename(row["coder"], self.maps, "A")
                a_keys.setdefault(name, set()).add((row["source_id"], row["start"], row["end"], row["code_id"]))
        for row in self.b_rows["coding"]:
            key = (sources[row["source_id"]], row["start"], row["end"], row["code_id"])
            if key[0] in shared:
                b_keys.setdefault(row["coder"], set()).add(key)
        for name in sorted(set(a_keys) & set(b_keys)):
            if a_keys[name] - b_keys[name] and b_keys[name] - a_keys[name]:
                r.notes.append(
                    f"«{name}» coded the same sources differently in both files: kept as one coder's codings. If two "
                    f"people coded as «{name}», name one of them: --map-coder 'B:{name}=NAME'"
                )


_B_TABLES = tuple(
    t
    for t in (
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
)


def _label(payload: str) -> str:
    try:
        return str(json.loads(payload).get("label", ""))
    except (ValueError, AttributeError):
        return ""


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _check_tree(parents: dict[str, str | None]) -> None:
    for start in parents:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                raise CoderError(f"the merged codebook would put code {start} under itself; align the codebooks first")
            seen.add(node)
            node = parents.get(node)
