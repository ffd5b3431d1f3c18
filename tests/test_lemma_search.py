"""Search by lemma: the typed words, their other forms and compounds with them, merged and marked (search service)."""

from __future__ import annotations

import pytest

from coder.ingest.service import import_files
from coder.nlp import annotate as ann
from coder.nlp.loading import blank_pipeline
from coder.search.service import (
    MarkedHit,
    hit_spans,
    lemma_coverage,
    marked_snippet,
    ordbank_tables,
    plain_words,
    search_with_lemmas,
    typed_query,
    word_lemmas,
)
from coder.store import Project

# Written for these tests: one interview, turns by I and IP.
INTERVIEW = """\
I: Hvordan er henvisningspraksisen hos dere nå?

IP: Henvisningene kommer stort sett fra skolene. I fjor gikk vi gjennom alle sakene sammen med rektorene.

I: Og hvordan går det med ventelista?

IP: Det går litt bedre. Praksis varierer fortsatt mye mellom kommunene.

I: Har dere nok folk?

IP: Nei, kapasiteten er for liten, og vi gikk ned en stilling i vår.

I: Hva med barnehagene?

IP: Vi har faste møter med styrerne der.
"""


@pytest.fixture(scope="module")
def nlp():
    """The last-resort pipeline (blank nb + Ordbank lookups): fast to run, loaded once for the module."""
    return blank_pipeline()


@pytest.fixture
def interview(project: Project, tmp_path, nlp) -> Project:
    path = tmp_path / "intervju-lemma.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    import_files(project, [path])
    ann.refresh(project, nlp, ann.pipeline_key(nlp), ann.splitter())
    return project


def kinds(hits: list[MarkedHit]) -> dict[str, str]:
    """matched text → how it matched, over all hits."""
    return {found.lower(): how for hit in hits for found, how in zip(hit.found, hit.how, strict=True)}


def test_typed_words_are_lemmatised_by_the_pipeline_and_by_ordbank(nlp):
    assert "gå" in word_lemmas("gikk", nlp)
    assert word_lemmas("gikk")[0] == "gikk"  # without a pipeline or Ordbank: the word itself
    tables = ordbank_tables()  # in memory: blank_pipeline read them
    assert tables is not None
    assert "gå" in word_lemmas("gikk", None, tables)
    assert "henvisning" in word_lemmas("Henvisningene", None, tables)
    assert word_lemmas("praksis", nlp, tables) == ["praksis"]


def test_plain_words_only_when_the_query_has_no_search_syntax():
    assert plain_words("henvisning  praksis") == ["henvisning", "praksis"]
    assert plain_words("«praksis»,") == ["praksis"]
    assert plain_words('"tidlig innsats"') == []
    assert plain_words("sakkyn*") == []
    assert plain_words("ventetid NOT skole") == []


def test_a_compound_part_is_found_and_marked_as_such(interview, nlp):
    hits = search_with_lemmas(interview, "praksis", nlp, ordbank_tables())
    assert kinds(hits) == {"henvisningspraksisen": "compound", "praksis": "word"}
    compound = next(h for h in hits if "compound" in h.how)
    assert compound.reason() == "praksis in henvisningspraksisen"
    # the words as typed come first, as the surface search ranks them
    assert hits[0].how == ("word",)
    # the surface search alone does not find the compound
    surface = interview.search_hits(typed_query("praksis"))
    assert len(surface) == 1 and len(hits) == 2


def test_other_forms_of_the_lemma_are_found_and_marked(interview, nlp):
    hits = search_with_lemmas(interview, "gå", nlp, ordbank_tables())
    found = kinds(hits)
    assert found["gikk"] == "lemma"
    assert found["går"] == "word"
    assert sum(h.found.count("gikk") for h in hits) == 2
    assert any(h.reason() == "gikk → gå" for h in hits)
    # an inflected form typed is looked up by its lemma too: both «gikk» and nothing else
    back = search_with_lemmas(interview, "Gikk", nlp, ordbank_tables())
    assert [h.found for h in back] == [("gikk",), ("gikk",)]


def test_hits_are_not_repeated_and_offsets_point_at_the_words(interview, nlp):
    hits = search_with_lemmas(interview, "henvisning", nlp, ordbank_tables())
    places = [(h.source_id, h.start) for h in hits]
    assert len(places) == len(set(places))
    text = interview.source_text(hits[0].source_id)
    words = {text[s:e] for h in hits for s, e in h.matches}
    assert words == {"henvisningspraksisen", "Henvisningene"}
    for hit in hits:
        assert all(hit.start <= s < e <= hit.end for s, e in hit.matches)
        assert [text[s:e] for s, e in hit.matches] == list(hit.found)
        # the snippet marks exactly the matched words
        assert [part.split("\x02")[0] for part in hit.snippet.split("\x01")[1:]] == list(hit.found)


def test_every_typed_word_must_be_there_by_word_or_lemma(interview, nlp):
    hits = search_with_lemmas(interview, "gå kapasitet", nlp, ordbank_tables())
    assert len(hits) == 1
    assert set(kinds(hits)) == {"kapasiteten", "gikk"}
    assert search_with_lemmas(interview, "gå barnehage", nlp, ordbank_tables()) == []


def test_a_query_with_syntax_runs_as_typed(interview, nlp):
    hits = search_with_lemmas(interview, '"går det" OR gikk', nlp, ordbank_tables())
    assert len(hits) == 3 and all(h.how == ("word",) for h in hits)
    assert search_with_lemmas(interview, '"gå"', nlp, ordbank_tables()) == []  # no lemma for a quoted word


def test_code_all_hits_takes_the_whole_compound(interview, nlp):
    hits = search_with_lemmas(interview, "praksis", nlp, ordbank_tables())
    text = interview.source_text(hits[0].source_id)
    assert sorted(text[s:e] for _, s, e in hit_spans(interview, hits, "words")) == ["Praksis", "henvisningspraksisen"]
    sentences = [text[s:e] for _, s, e in hit_spans(interview, hits, "sentence")]
    assert "Hvordan er henvisningspraksisen hos dere nå?" in sentences


def test_only_segments_analysed_for_their_current_text_are_found_by_lemma(project, tmp_path, nlp):
    path = tmp_path / "intervju-lemma.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    import_files(project, [path])
    key = ann.pipeline_key(nlp)
    assert lemma_coverage(project, nlp) == (0, 8)
    assert kinds(search_with_lemmas(project, "gå", nlp)) == {"går": "word"}  # nothing analysed: words only
    ann.refresh(project, nlp, key, ann.splitter(), stale=project.stale_segments(key, limit=2))
    assert lemma_coverage(project, nlp) == (2, 8)
    ann.refresh(project, nlp, key, ann.splitter())
    assert lemma_coverage(project, nlp) == (8, 8)
    assert "gikk" in kinds(search_with_lemmas(project, "gå", nlp))


def test_snippet_is_cut_at_spaces_around_the_first_match():
    text = "en " * 40 + "henvisningspraksisen er ny" + " to" * 60
    at = text.index("henvisningspraksisen")
    snippet = marked_snippet(text, [(at, at + 20)])
    assert snippet.startswith("…en ") and snippet.endswith("to…")
    assert "\x01henvisningspraksisen\x02 er ny" in snippet
    assert marked_snippet("Praksis varierer.", [(0, 7)]) == "\x01Praksis\x02 varierer."
