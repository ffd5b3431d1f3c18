from __future__ import annotations

from pathlib import Path

import pytest

from coder.store import Project

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def project(tmp_path: Path):
    with Project.create(tmp_path / "test.coder") as proj:
        yield proj


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def snapshot(project: Project) -> tuple:
    """Everything an import could change, to compare before and after a failed one."""
    tables = ["source", "segment", '"case"', "attribute", "code", "coding", "action", "segment_fts"]
    return tuple(tuple(project.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()) for t in tables)


def survey_project(folder: Path, answers: list[str], kind: str | None = None) -> Project:
    """A new project in ``folder`` (``p.coder``) with the PPT codebook and one survey question «svar» holding
    ``answers`` (respondents R1, R2 …; with ``kind``, an attribute tjenestetype of that value). The caller closes it."""
    from coder.codebook.files import load_codebook
    from coder.ingest.service import import_survey

    head, cell = ("id;tjenestetype;svar", f";{kind}") if kind else ("id;svar", "")
    rows = [head] + [f"R{i}{cell};{text}" for i, text in enumerate(answers, 1)]
    csv = write(folder / "svar.csv", "\n".join(rows) + "\n")
    project = Project.create(folder / "p.coder")
    with project.transaction():
        project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
    import_survey(project, csv, "id", ["svar"], ["tjenestetype"] if kind else [], coder="test")
    return project
