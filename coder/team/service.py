"""What coding as a team does to project files: bring two copies of a project together
(``coder merge A.coder B.coder -o C.coder``). This is the one team module that opens files; the plan and its
checks are :mod:`coder.team.merge_plan`, the steps per table :mod:`coder.team.merge_steps` and
:mod:`coder.team.merge_annotations`.

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

import contextlib
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from coder.errors import CoderError
from coder.store import Project
from coder.store.lock import ProjectLock
from coder.store.team import HEARTBEAT, STALE, Present  # presence: who else has the project open (issue 20)

__all__ = ["HEARTBEAT", "STALE", "Present", "merge_projects"]
from coder.team.merge_annotations import AnnotationSteps
from coder.team.merge_plan import CoderMap, MergeReport, Prefer
from coder.team.merge_steps import ContentSteps


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
    with _overwriting(out_path, by), Project.open(a_path) as a, Project.open(b_path) as b:
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


@contextlib.contextmanager
def _overwriting(out_path: Path, by: str) -> Iterator[None]:
    """An ``--overwrite`` of a project someone has open would pull the file from under them (their writes would go
    to the replaced file and be lost): refused while a coding screen has it open, and done under its exclusive lock,
    so a command writing to it finishes first and the next waits («kari is merging into it»)."""
    if not out_path.exists():
        yield
        return
    lock = ProjectLock(out_path)
    try:
        lock.exclusive(10.0)
        lock.announce(f"{by} is merging into it")
        try:
            with Project.open(out_path) as old:
                here = [p.coder or f"pid {p.pid}" for p in old.present()]
        except CoderError:  # not a project (or damaged): nothing open to protect
            here = []
        if here:
            raise CoderError(f"{out_path}: open in coder by {', '.join(here)}; close it there before overwriting it")
        yield
    finally:
        lock.close()


def _remove(path: Path) -> None:
    """Delete a partial output and its SQLite journal files, whichever exist."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


class _Plan(ContentSteps, AnnotationSteps):
    """The checks of :class:`coder.team.merge_plan.MergePlan` and every step, applied to C in order."""

    def apply(self, c: Project, by: str) -> None:
        """Write B's rows into C (the open copy of A), step by step in the order the ids need; log the merge as
        ``by`` when anything changed. The caller holds the transaction."""
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
