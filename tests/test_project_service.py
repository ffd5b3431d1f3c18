"""How the faces get a project: ``coder open`` locks first and opens once; ``coder init`` with a codebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import InputError, ProjectError
from coder.project import service
from coder.store import Project
from coder.store.lock import ProjectLock

FIXTURES = Path(__file__).parent / "fixtures"


def test_open_for_work_locks_before_it_opens_and_opens_once(tmp_path, monkeypatch):
    path = tmp_path / "p.coder"
    Project.create(path).close()
    events: list[str] = []
    real_open, real_acquire = Project.open.__func__, ProjectLock.acquire
    monkeypatch.setattr(Project, "open", classmethod(lambda cls, p: events.append("open") or real_open(cls, p)))
    monkeypatch.setattr(ProjectLock, "acquire", lambda self: events.append("lock") or real_acquire(self))
    work = service.open_for_work(path, None)
    assert events == ["lock", "open"]
    assert work.coder  # named from the open project (setting, $CODER_NAME or the OS user)
    work.close()
    assert not path.with_name("p.coder.lock").exists()


def test_a_project_open_elsewhere_is_not_touched(tmp_path, monkeypatch):
    path = tmp_path / "p.coder"
    Project.create(path).close()
    other = ProjectLock(path)
    other.acquire()
    opened: list[str] = []
    monkeypatch.setattr(Project, "open", classmethod(lambda cls, p: opened.append(str(p))))
    with pytest.raises(ProjectError, match="already open in coder"):
        service.open_for_work(path, "kari")
    assert opened == []  # refused before the file was read (or migrated)
    other.release()


def test_a_file_that_is_not_a_project_frees_the_lock(tmp_path):
    path = tmp_path / "notes.coder"
    path.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(ProjectError, match="not a coder project"):
        service.open_for_work(path, None)
    assert path.read_text(encoding="utf-8") == "not a database\n" * 100
    ProjectLock(path).acquire()  # free again


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
