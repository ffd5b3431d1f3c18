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
