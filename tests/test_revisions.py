"""What the coding screen keeps of a long source (its segments, its text, the respondents) is kept until those rows
change, by this connection or another, and no longer (issue 21, migration 9): a coding does not make a 50,000-answer
question be read again, an edit of a segment or a case does, and a rolled-back transaction never leaves a stale copy."""

from __future__ import annotations

import pytest

from coder.coding import service as editing
from coder.store import Project
from tests.conftest import survey_project


@pytest.fixture
def project(tmp_path):
    p = survey_project(tmp_path, [f"Svar {n} om ventetid og samarbeid." for n in range(30)], kind="Kommunal")
    yield p
    p.close()


def _question(p: Project) -> int:
    return next(s.id for s in p.sources() if s.kind == "survey")


def test_a_coding_keeps_the_segments_and_the_cases(project):
    sid = _question(project)
    segments, mark = project.segments_cached(sid), project.cases_mark()
    text = project.source_text_cached(sid)
    editing.code_spans(project, [(sid, segments[3].start, segments[3].end)], "henvisninger", "test")
    assert project.segments_cached(sid) is segments and project.source_text_cached(sid) is text
    assert project.cases_mark() == mark


def test_another_connection_changing_a_segment_or_a_case_is_seen(project):
    sid = _question(project)
    segments, mark = project.segments_cached(sid), project.cases_mark()
    lookup_before = project.segment_lookup(sid)(segments[2].start)
    with Project.open(project.path) as other, other.transaction():
        other.conn.execute("UPDATE segment SET speaker = 'R-endret' WHERE id = ?", (segments[2].id,))
        other.conn.execute("UPDATE attribute SET value = 'Interkommunal' WHERE rowid = 1")
    again = project.segments_cached(sid)
    assert again is not segments and again[2].speaker == "R-endret"
    assert project.segment_lookup(sid)(segments[2].start).speaker == "R-endret" != lookup_before.speaker
    assert project.cases_mark() != mark


def test_a_rolled_back_transaction_leaves_no_stale_copy(project):
    sid = _question(project)
    project.segments_cached(sid)
    with pytest.raises(RuntimeError), project.transaction():
        project.conn.execute("UPDATE segment SET speaker = 'borte' WHERE source_id = ?", (sid,))
        assert project.segments_cached(sid)[0].speaker == "borte"  # read inside: not kept
        raise RuntimeError("the import failed")
    with project.transaction():  # as many row writes again, to other text: the counter comes back to that number
        project.conn.execute("UPDATE segment SET speaker = 'ny' WHERE source_id = ?", (sid,))
    assert project.segments_cached(sid)[0].speaker == "ny"


def test_what_is_kept_is_let_go_least_recently_used_first_within_its_budget(project):
    """A search reading a hundred small interviews does not push out the large question the reader holds."""
    reads: list[int] = []

    def read(source_id: int) -> list[int]:
        reads.append(source_id)
        return [0] * (50 if source_id == 1 else 5)

    keep = lambda source_id: project._until_changed("_test_cache", source_id, read, 80, ("segment",))  # noqa: E731
    keep(1)
    for small in range(2, 12):  # 10 small ones after the large one: 100 > 80, the oldest small ones go
        keep(1)
        keep(small)
    reads.clear()
    keep(1), keep(11), keep(2)
    assert reads == [2]  # the large one and the newest small one were kept; the oldest small one was let go
