"""The project file: schema, durability, search, re-import."""

import sqlite3

import pytest

from coder.codebook.files import load_codebook
from coder.errors import InputError, ProjectError
from coder.ingest.service import import_files, import_survey
from coder.store import Project
from coder.store.migrations import LATEST
from tests.conftest import snapshot, write


def test_new_project_has_schema_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "p.coder"
    Project.create(path).close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Project.open(path) as proj:
        assert proj.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            proj.conn.execute('INSERT INTO segment (source_id, ordinal, start, "end") VALUES (99, 0, 0, 1)')


def test_open_refuses_what_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "mangler.coder")
    with pytest.raises(ProjectError, match="not a SQLite file"):
        Project.open(write(tmp_path / "tekst.coder", "hei"))
    sqlite3.connect(tmp_path / "annen.db").execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(ProjectError, match="another program"):
        Project.open(tmp_path / "annen.db")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(tmp_path / "annen.db")


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "p.coder"
    Project.create(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {LATEST + 1}")
    raw.close()
    with pytest.raises(ProjectError, match="newer coder"):
        Project.open(path)


def test_import_saves_text_segments_cases_and_attributes(project, fixtures):
    report = import_files(project, [fixtures / "intervju-kort.txt", fixtures / "intervju-kort.vtt"])
    assert [s.name for s in report.added] == ["Testintervju", "intervju-kort"]
    sources = project.sources()
    assert [(s.kind, s.n_segments) for s in sources] == [("transcript", 6), ("transcript", 4)]
    segs = project.segments(sources[0].id)
    text = project.source_text(sources[0].id)
    assert text[segs[1].start : segs[1].end].startswith("Altså, vi har hatt en tung høst.")
    case = {c.name: c for c in project.cases()}["Testintervju"]
    assert case.attributes["tjenestetype"].value == "Kommunal"
    assert case.attributes["dato"].type == "date"
    assert project.stats()["words"] == sum(s.n_words for s in sources) > 100
    assert project.actions()[-1]["kind"] == "import"


def test_survey_answers_belong_to_respondent_cases(project, fixtures):
    report = import_survey(
        project, fixtures / "svar.csv", "id", ["kapasitet", "endring"], ["tjenestetype", "årsverk", "landsdel"]
    )
    assert report.answers == {"kapasitet": 2, "endring": 3}
    cases = {c.name: c for c in project.cases()}
    assert set(cases) == {"A1", "A2", "A3", "A4"}
    assert cases["A4"].attributes["landsdel"].value == "Øst"
    src = project.sources()[0]
    assert src.kind == "survey" and src.group == "svar"
    assert [s.case for s in project.segments(src.id)] == ["A1", "A3"]


def test_full_text_search_with_norwegian_letters(project, fixtures):
    import_files(project, [fixtures / "intervju-kort.txt"])
    assert len(project.search("høst")) == 1
    assert len(project.search("sakkyndig*")) == 1  # prefix
    assert len(project.search('"møter dem fast"')) == 1  # phrase
    assert project.search("hast") == []  # ø is not folded to o


def test_same_content_twice_is_refused_and_nothing_changes(project, fixtures, tmp_path):
    import_files(project, [fixtures / "intervju-kort.txt"])
    before = snapshot(project)
    copy = write(tmp_path / "kopi.txt", (fixtures / "intervju-kort.txt").read_bytes())
    with pytest.raises(InputError, match="already imported as source 'Testintervju'"):
        import_files(project, [fixtures / "intervju-kort.vtt", copy])
    assert snapshot(project) == before
    with pytest.raises(InputError, match="same content"):
        import_files(project, [fixtures / "intervju-kort.vtt", fixtures / "intervju-kort.vtt"])
    assert snapshot(project) == before


def test_failed_import_leaves_project_as_it_was(project, fixtures, tmp_path):
    import_files(project, [fixtures / "intervju-kort.vtt"])
    before = snapshot(project)
    bad = write(tmp_path / "skadet.docx", b"PK\x03\x04broken")
    with pytest.raises(InputError, match="skadet.docx"):
        import_files(project, [fixtures / "intervju-kort.txt", bad])
    assert snapshot(project) == before


def test_failure_inside_the_transaction_rolls_back(project, fixtures, monkeypatch):
    before = snapshot(project)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Project, "log", boom)
    with pytest.raises(RuntimeError):
        import_files(project, [fixtures / "intervju-kort.txt"])
    assert snapshot(project) == before


def test_replace_keeps_codings_on_unchanged_text(project, tmp_path):
    original = (
        "I: Hvordan er ventetiden?\nIP: Den er lang, rundt fire måneder.\nI: Og samarbeidet?\nIP: Godt med skolene.\n"
    )
    path = write(tmp_path / "intervju.txt", original)
    import_files(project, [path])
    project.merge_codebook(load_codebook_from_text(tmp_path))
    source = project.sources()[0]
    text = project.source_text(source.id)
    with project.transaction():
        kept = project.add_coding(
            source.id, text.index("Godt med skolene"), text.index("Godt med skolene") + 16, "samarbeid", "test"
        )
        lost = project.add_coding(
            source.id, text.index("rundt fire"), text.index("rundt fire") + 17, "kapasitet", "test"
        )
    changed = original.replace("Hvordan er ventetiden?", "Hvordan er ventetiden nå for tiden?").replace(
        "rundt fire måneder", "omtrent fem måneder"
    )
    write(path, changed)
    with pytest.raises(InputError, match="--replace"):
        import_files(project, [path])
    report = import_files(project, [path], replace=True)
    item, moved = report.replaced[0]
    assert (moved.kept, moved.moved, moved.lost) == (0, 1, 1)
    codings = project.codings(source.id)
    assert [c.id for c in codings] == [kept]
    new_text = project.source_text(source.id)
    assert new_text[codings[0].start : codings[0].end] == "Godt med skolene"
    assert lost not in [c.id for c in codings]
    assert len(project.search("omtrent")) == 1 and project.search("rundt") == []
    # the same content again with --replace: nothing to do
    again = import_files(project, [path], replace=True)
    assert again.unchanged and not again.added and not again.replaced


def load_codebook_from_text(tmp_path):
    return load_codebook(write(tmp_path / "k.yaml", "codes:\n  - id: samarbeid\n  - id: kapasitet\n"))


def test_codebook_merge_by_id_keeps_codes_with_codings(project, fixtures, tmp_path):
    book = load_codebook(fixtures / "mini-kodebok.yaml")
    with project.transaction():
        report = project.merge_codebook(book)
    assert report.added == ["kapasitet", "ventetid", "tidlig_innsats_tett_pa"]
    assert project.codebook().codes == book.codes
    assert project.codebook().version == 1
    changed = write(
        tmp_path / "ny.yaml", "codes:\n  - id: kapasitet\n    label: Kapasitet og ressurser\n  - id: mandat\n"
    )
    with project.transaction():
        report = project.merge_codebook(load_codebook(changed))
    assert report.updated == ["kapasitet"] and report.added == ["mandat"]
    assert sorted(report.kept) == ["tidlig_innsats_tett_pa", "ventetid"]
    assert project.codebook().version == 2
    with project.transaction():
        assert project.merge_codebook(load_codebook(changed)).unchanged == ["kapasitet", "mandat"]
    assert project.codebook().version == 2


def test_committed_work_survives_a_killed_process(tmp_path, fixtures):
    """A child process imports and is killed with SIGKILL right after: the import is there."""
    import os
    import signal
    import subprocess
    import sys

    path = tmp_path / "k.coder"
    Project.create(path).close()
    script = (
        "import os, signal, sys; from pathlib import Path\n"
        "from coder.store import Project; from coder.ingest.service import import_files\n"
        f"p = Project.open({str(path)!r}); import_files(p, [Path({str(fixtures / 'intervju-kort.txt')!r})])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with Project.open(path) as proj:
        assert proj.stats()["segments"] == 6
    assert os.path.exists(path)


def test_opening_a_project_again_keeps_the_locks_of_connections_already_open(tmp_path):
    """A second Project.open in the same process (a worker's connection) must not drop the first one's locks:
    closing any file descriptor of the database drops every POSIX lock the process holds on it, and another
    process closing its connection would then delete the write-ahead log still in use."""
    import subprocess
    import sys

    path = tmp_path / "p.coder"
    Project.create(path).close()
    first = Project.open(path)
    first.conn.execute("BEGIN")
    first.conn.execute("SELECT count(*) FROM source").fetchone()  # a read transaction: a lock on the WAL index
    Project.open(path).close()
    probe = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1 FROM sqlite_master'); c.close()"
    subprocess.run([sys.executable, "-c", probe, str(path)], check=True)
    assert path.with_name("p.coder-wal").exists()  # the other process saw it was not the last one
    first.conn.execute("COMMIT")
    first.close()
