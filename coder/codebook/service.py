"""A codebook file into a project: read it, merge it, log it — one transaction, one way for every caller.

``coder init --codebook``, ``coder codebook --load``, ``coder import-qdc``, the TUI's import and the demo all
call :func:`load_into`. YAML and JSON files go through :mod:`coder.codebook.files`; a REFI-QDA ``.qdc`` through
:func:`coder.exchange.service.import_qdc` (codes matched by GUID or label keep their keywords and examples).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coder.codebook.files import load_codebook
from coder.store import Project


@dataclass
class LoadReport:
    """What loading a codebook file did: code ids added and updated, how many were the same already, and the
    project's codes the file does not have (kept, with their codings)."""

    path: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)


def load_into(project: Project, path: str | Path, coder: str) -> LoadReport:
    """Add and update ``project``'s codes from the codebook file at ``path``, logged as one ``codebook`` action
    by ``coder``. Raises ``InputError`` naming the file (and line) when it cannot be read; then nothing changed."""
    path = Path(path)
    if path.suffix.lower() == ".qdc":
        from coder.exchange.service import import_qdc

        qdc = import_qdc(project, path, coder)
        return LoadReport(path, qdc.added, qdc.updated, qdc.unchanged)
    book = load_codebook(path)
    with project.transaction():
        merged = project.merge_codebook(book)
        project.log("codebook", {"file": path.name, "added": merged.added, "updated": merged.updated}, coder)
    return LoadReport(path, merged.added, merged.updated, len(merged.unchanged), merged.kept)
