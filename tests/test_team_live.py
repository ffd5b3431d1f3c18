"""Issue 20: a team in one project at the same time. The lock file shared by writes and exclusive for operations that
need the project to themselves, undo refusing to break another coder's later work, a code deleted only when its
other coders' codings were asked about, presence rows that forget what is gone, and the refusal of live sharing on
a network file system. Two ``Project`` connections with sessions of their own stand for two processes (flock locks
belong to an open file, so two connections of one process exclude each other as two processes do)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.anonymise.candidates import Candidate, Hit
from coder.anonymise.check import pseudonymise
from coder.cli import main
from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.errors import CoderError, NothingToDo, ProjectBusy, ProjectError
from coder.ingest.service import import_files
from coder.project import service
from coder.store import Project
from coder.store.base import new_session
from coder.store.lock import ProjectLock
from coder.store.migrations import LATEST
from coder.team import fs
from tests.conftest import FIXTURES


@pytest.fixture
def path(tmp_path) -> Path:
    path = tmp_path / "p.coder"
    with Project.create(path, new_session()) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(FIXTURES / "mini-kodebok.yaml"))
        import_files(project, [FIXTURES / "intervju-kort.txt"])
    return path


def turn(project: Project, n: int) -> tuple[int, int, int]:
    source = project.sources()[0]
    seg = project.segments(source.id)[n]
    return source.id, seg.start, seg.end


# -- the lock: shared for writes, exclusive for an operation that needs the project to itself ----------------------
def test_an_exclusive_operation_makes_the_others_wait_and_says_who(path):
    with Project.open(path, new_session()) as kari, Project.open(path, new_session()) as ola:
        said: list[str] = []
        ola.on_busy = lambda waited: said.append(ola.busy_with)
        entered, leave = threading.Event(), threading.Event()

        def operation() -> None:
            with kari.exclusive("kari is pseudonymising"):
                entered.set()
                leave.wait(5)

        worker = threading.Thread(target=operation)
        worker.start()
        entered.wait(5)
        threading.Timer(0.4, leave.set).start()
        started = time.monotonic()
        editing.code_spans(ola, [turn(ola, 1)], "kapasitet", "ola")  # waits for the operation, then goes through
        waited = time.monotonic() - started
        worker.join()
        assert 0.3 < waited < 3 and said and set(said) == {"kari is pseudonymising"}
        assert [c.coder for c in ola.codings()] == ["ola"]
        ola.set_busy_timeout(0.1, patience=0.2)
        with kari.exclusive("kari is replacing sources"):  # the others' patience runs out: nothing written, named
            with pytest.raises(ProjectBusy, match="kari is replacing sources; waited"):
                editing.code_spans(ola, [turn(ola, 2)], "kapasitet", "ola")
        assert len(kari.codings()) == 1
    assert not path.with_name("p.coder.lock").exists()  # the last to close removes the lock file


def test_an_exclusive_operation_waits_for_a_write_under_way(path):
    with Project.open(path, new_session()) as kari, Project.open(path, new_session()) as ola:
        writing, done = threading.Event(), threading.Event()

        def long_write() -> None:
            with ola.transaction():
                writing.set()
                time.sleep(0.3)
                ola.set_setting("note", "x")
            done.set()

        worker = threading.Thread(target=long_write)
        worker.start()
        writing.wait(5)
        with kari.exclusive("kari is pseudonymising"):
            assert done.is_set()  # the shared holder finished before the exclusive one began
        worker.join()


def test_pseudonymisation_and_import_replace_run_exclusive(path, tmp_path, monkeypatch):
    seen: list[str] = []
    real = Project.exclusive

    def spy(self, doing, patience=None):
        seen.append(doing)
        return real(self, doing, patience)

    monkeypatch.setattr(Project, "exclusive", spy)
    with Project.open(path, new_session()) as kari:
        source_id = kari.sources()[0].id
        at = kari.source_text(source_id).index("Rektorene")
        cand = Candidate(
            "PER", "Rektorene", [Hit("PER", "Rektorene", source_id, "intervju-kort", None, at, at + 9, "")]
        )
        pseudonymise(kari, cand, "kari")
    changed = tmp_path / "intervju-kort.txt"
    changed.write_text((FIXTURES / "intervju-kort.txt").read_text(encoding="utf-8") + "\nI: Takk.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path), str(changed), "--replace", "--coder", "ola"])
    assert result.exit_code == 0, result.output
    assert seen == ["kari is pseudonymising", "ola is replacing sources"]


def test_a_migration_runs_only_under_the_exclusive_lock(tmp_path, monkeypatch):
    path = tmp_path / "old.coder"
    Project.create(path).close()
    with Project.open(path) as project:  # back to schema 7: the presence columns not yet there
        project.conn.execute("PRAGMA user_version = 7")
    seen: list[str] = []
    real = Project.exclusive
    monkeypatch.setattr(
        Project, "exclusive", lambda self, doing, patience=None: seen.append(doing) or real(self, doing, patience)
    )
    with pytest.raises(Exception):  # noqa: B017 - the columns exist: the migration fails, inside the exclusive lock
        Project.open(path)
    assert seen == [f"upgrading the project file to schema {LATEST}"]


# -- undo: never breaking another coder's later work --------------------------------------------------------------
def test_undo_of_a_code_another_coder_has_since_used_is_refused_naming_them(path):
    with Project.open(path, new_session()) as kari, Project.open(path, new_session()) as ola:
        code = editing.new_code(kari, "Ventelister", None, "kari")
        editing.code_spans(ola, [turn(ola, 1), turn(ola, 3)], code.id, "ola")
        with pytest.raises(NothingToDo, match="later work depends on the code it would remove — 2 codings by ola"):
            editing.undo(kari)
        assert {c.code_id for c in ola.codings()} == {code.id} and len(ola.codings()) == 2
        editing.undo(ola)  # ola takes hers back: now kari's undo goes through
        editing.undo(kari)
        assert code.id not in {c.id for c in kari.codebook().codes}


def test_redo_of_a_delete_is_refused_when_another_coder_used_the_code_since(path):
    with Project.open(path, new_session()) as kari, Project.open(path, new_session()) as ola:
        code = editing.new_code(kari, "Ventelister", None, "kari")
        editing.delete_code(kari, code.id, "kari")
        editing.undo(kari)  # the code is back
        editing.code_spans(ola, [turn(ola, 1)], code.id, "ola")
        with pytest.raises(NothingToDo, match="1 coding by ola"):
            kari.redo()
        assert len(ola.codings()) == 1


def test_the_action_log_says_who_did_what(path):
    with Project.open(path, new_session()) as kari, Project.open(path, new_session()) as ola:
        editing.code_spans(kari, [turn(kari, 1)], "kapasitet", "kari")
        editing.code_spans(ola, [turn(ola, 2)], "kapasitet", "ola")
    result = CliRunner().invoke(main, ["undo", str(path), "--list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "ola" in lines[0] and "kari" in lines[1] and "coded" in lines[0]


# -- the codebook: a delete that takes other coders' codings asks first -------------------------------------------
def test_deleting_a_code_with_other_coders_codings_names_them(path):
    with Project.open(path, new_session()) as kari, Project.open(path, new_session()) as ola:
        editing.code_spans(ola, [turn(ola, 1), turn(ola, 2)], "kapasitet", "ola")
        editing.code_spans(kari, [turn(kari, 3)], "kapasitet", "kari")
        assert editing.others_codings(kari, "kapasitet", "kari") == {"ola": 2}
        with pytest.raises(CoderError, match="would remove ola's 2 codings; nothing was deleted"):
            editing.delete_code(kari, "kapasitet", "kari")
        assert len(kari.codings()) == 3
        assert editing.delete_code(kari, "kapasitet", "kari", others_ok=True) == 3


# -- presence ------------------------------------------------------------------------------------------------------
def test_presence_rows_come_and_go(path):
    kari = service.open_for_work(path, "kari", session=new_session())
    ola = service.open_for_work(path, "ola", session=new_session())
    try:
        assert [p.coder for p in kari.project.present()] == ["ola"]
        assert [p.coder for p in ola.project.present()] == ["kari"]
        ola.project.conn.execute("UPDATE session SET seen_at = '2020-01-01T00:00:00+00:00' WHERE coder = 'kari'")
        assert ola.project.present() == []  # a stale heartbeat: not shown
        kari.project.heartbeat()
        assert [p.coder for p in ola.project.present()] == ["kari"]
    finally:
        ola.close()
    assert kari.project.present() == []  # ola closed: her row ended
    kari.close()


def test_a_killed_process_is_not_present_and_its_row_is_ended(path):
    code = "import sys, time\nfrom coder.project.service import open_for_work\nopen_for_work(sys.argv[1], 'gone')\n"
    code += "print('open', flush=True)\ntime.sleep(60)\n"
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        with Project.open(path, new_session()) as kari:
            assert [p.coder for p in kari.present()] == ["gone"]
            child.kill()
            child.wait()
            assert kari.present() == []
            kari.heartbeat()
            ended = kari.conn.execute("SELECT ended_at FROM session WHERE coder = 'gone'").fetchone()[0]
            assert ended
            assert kari.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        if child.poll() is None:
            child.kill()


# -- network file systems -----------------------------------------------------------------------------------------
MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
srv:/export/projects /mnt/prosjekt nfs4 rw,relatime 0 0
//fil/felles /mnt/felles\\040disk cifs rw 0 0
kari@host:/home /home/kari/remote fuse.sshfs rw 0 0
"""


@pytest.mark.parametrize(
    "folder, kind",
    [
        ("/home/kari/data", None),
        ("/mnt/prosjekt/gruppe", "nfs4"),
        ("/mnt/felles disk/a", "cifs"),
        ("/home/kari/remote/x", "fuse.sshfs"),
        ("/mnt/prosjektX", None),
    ],
)
def test_a_network_file_system_is_told_from_the_mounts(folder, kind):
    assert fs.network_fs(Path(folder) / "p.coder", MOUNTS) == kind


def test_live_sharing_on_a_network_file_system_is_refused(path, monkeypatch):
    monkeypatch.setattr(service, "network_fs", lambda p: "nfs4")
    kari = service.open_for_work(path, "kari", session=new_session())
    try:
        assert kari.warning and "network file system (nfs4)" in kari.warning
        with pytest.raises(ProjectError, match=r"network file system \(nfs4\) and is open elsewhere \(kari\)"):
            service.open_for_work(path, "ola", session=new_session())
        with pytest.raises(ProjectError, match="coder merge"):
            service.open_project(path)
    finally:
        kari.close()


def test_the_lock_file_is_never_two_files(path):
    """A closing process removes the lock file; one that opened it just before locks the new one instead."""
    a, b = ProjectLock(path), ProjectLock(path)
    assert a.try_shared()
    a.release()
    assert b.try_exclusive()
    b.close()  # removes the file a still has open
    assert not a.path.exists()
    assert a.try_exclusive() and a.path.exists()  # a noticed and locked the file that is there now
    c = ProjectLock(path)
    assert not c.try_shared()
    a.close()
    c.close()
    assert os.path.exists(path)


def test_a_lock_file_without_group_write_still_locks(path, monkeypatch):
    """Made by a member whose umask was 022: the next one cannot open it for writing (simulated: the tests may run as
    root), opens it read-only, and flock works all the same; an announcement it cannot write is left out."""
    first = ProjectLock(path)
    assert first.try_shared()
    real_open = os.open

    def no_write(name, flags, *args):
        if str(name) == str(first.path) and flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied")
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", no_write)
    second = ProjectLock(path)
    assert second.try_shared() and not second.try_exclusive()
    first.close()
    assert second.try_exclusive()
    second.announce("ola is pseudonymising")  # read-only: not written, no error
    assert first.holder() is None
    second.close()
