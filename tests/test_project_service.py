"""How the faces get a project: ``coder open`` opens once and says so (presence); ``coder init`` with a codebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import InputError, ProjectError
from coder.project import service
from coder.store import Project

FIXTURES = Path(__file__).parent / "fixtures"


def test_open_for_work_opens_once_and_says_it_is_open(tmp_path, monkeypatch):
    path = tmp_path / "p.coder"
    Project.create(path).close()
    events: list[str] = []
    real_open = Project.open.__func__
    opening = classmethod(lambda cls, p, s=None: events.append("open") or real_open(cls, p, s))
    monkeypatch.setattr(Project, "open", opening)
    work = service.open_for_work(path, None)
    assert events == ["open"]
    assert work.coder  # named from the open project (setting, $CODER_NAME or the OS user)
    work.close()
    assert not path.with_name("p.coder.lock").exists()


def test_a_project_open_elsewhere_opens_again_beside_it(tmp_path):
    """Issue 20: a second coding screen on the same project is welcome; each sees the other as present."""
    path = tmp_path / "p.coder"
    Project.create(path).close()
    first = service.open_for_work(path, "kari")
    second = service.open_for_work(path, "ola")
    try:
        assert [p.coder for p in first.project.present()] == []  # the same process: one session (see new_session)
    finally:
        second.close()
        first.close()
    assert not path.with_name("p.coder.lock").exists()


def test_a_file_that_is_not_a_project_leaves_no_lock(tmp_path):
    path = tmp_path / "notes.coder"
    path.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(ProjectError, match="not a coder project"):
        service.open_for_work(path, None)
    assert path.read_text(encoding="utf-8") == "not a database\n" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.coder"]


def test_new_project_with_a_codebook(tmp_path):
    report = service.new_project(tmp_path / "p.coder", FIXTURES / "mini-kodebok.yaml", "kari")
    assert report is not None and report.added and not report.updated
    with Project.open(tmp_path / "p.coder") as project:
        assert [c.id for c in project.codebook().codes] == report.added
        assert project.actions()[-1]["kind"] == "codebook" and project.actions()[-1]["coder"] == "kari"


def test_a_codebook_that_cannot_be_read_leaves_no_project(tmp_path):
    bad = tmp_path / "bok.yaml"
    bad.write_text("codes:\n  - id: x\n    label: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="bok.yaml"):
        service.new_project(tmp_path / "p.coder", bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bok.yaml"]
