"""The demo project: built from ``corpus/`` and ``codebooks/`` that ship with coder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from coder.codebook.service import load_into
from coder.errors import CoderError
from coder.export.attribution import SETTING as ATTRIBUTION_SETTING
from coder.ingest.service import import_files, import_survey
from coder.store import Project

_PACKAGE = Path(__file__).resolve().parent.parent  # coder/
SURVEY_FILE = "survey/ppt-ledere-2026.csv"
SURVEY_ID = "respondent"
SURVEY_QUESTIONS = ["q1_kapasitet", "q2_kompetanselof", "q3_endring"]
SURVEY_ATTRIBUTES = ["tjenestetype", "årsverk", "landsdel"]


def data_root() -> Path:
    """Where corpus/ and codebooks/ are: inside an installed wheel, or the source checkout."""
    for root in (_PACKAGE / "demo_data", _PACKAGE.parent):
        if (root / "corpus").is_dir() and (root / "codebooks").is_dir():
            return root
    raise CoderError("the demo corpus is missing from this installation (corpus/ and codebooks/ not found)")


@dataclass
class DemoBuild:
    path: Path
    built: bool  # False when an existing demo project was reused


def build_demo(directory: Path, fresh: bool = False) -> DemoBuild:
    """Create ``directory/demo.coder`` unless it exists (``fresh`` rebuilds it).

    The project is built under a temporary name and renamed when complete, so an
    interrupted build never leaves a half-made demo behind.
    """
    root = data_root()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "demo.coder"
    if target.exists() and not fresh:
        return DemoBuild(target, built=False)
    partial = directory / "demo.coder.partial"
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    with Project.create(partial) as project:
        load_into(project, root / "codebooks" / "ppt.yaml", "demo")
        interviews = root / "corpus" / "interviews"
        files = sorted(p for p in interviews.iterdir() if p.suffix in (".txt", ".md", ".docx", ".vtt", ".srt"))
        import_files(project, files, attributes=interviews / "attributes.csv", coder="demo")
        import_survey(
            project, root / "corpus" / SURVEY_FILE, SURVEY_ID, SURVEY_QUESTIONS, SURVEY_ATTRIBUTES, coder="demo"
        )
        with project.transaction():  # the survey asked PP leaders: their answers are quoted «(Kommunal PP-leder)»
            project.set_setting(ATTRIBUTION_SETTING, "({tjenestetype} {rolle|'PP-leder'})")
        project.checkpoint()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)
    return DemoBuild(target, built=True)
