"""Search hits carry the exact matched words; "code all hits" spreads them to sentences or turns."""

from itertools import pairwise

from coder.ingest.service import import_files
from coder.search.service import hit_spans


def test_hit_matches_point_at_the_words_in_the_source(project, fixtures):
    import_files(project, [fixtures / "intervju-kort.txt"])
    hits = project.search_hits("sakkyndig*")
    assert hits
    text = project.source_text(hits[0].source_id)
    for hit in hits:
        assert hit.matches
        for start, end in hit.matches:
            assert hit.start <= start < end <= hit.end
            assert text[start:end].lower().startswith("sakkyndig")


def test_phrase_match_covers_the_phrase(project, fixtures):
    import_files(project, [fixtures / "intervju-kort.txt"])
    (hit,) = project.search_hits('"møter dem fast"')
    text = project.source_text(hit.source_id)
    assert " ".join(text[s:e] for s, e in hit.matches) == "møter dem fast"


def test_spread_words_sentence_segment(project, fixtures):
    import_files(project, [fixtures / "intervju-kort.txt"])
    hits = project.search_hits("høst")
    text = project.source_text(hits[0].source_id)
    (words,) = hit_spans(project, hits, "words")
    assert text[words[1] : words[2]].lower() == "høst"
    (sentence,) = hit_spans(project, hits, "sentence")
    (segment,) = hit_spans(project, hits, "segment")
    assert segment[1] <= sentence[1] <= words[1] and words[2] <= sentence[2] <= segment[2]
    said = text[sentence[1] : sentence[2]]
    assert said[0].isupper() and said.rstrip()[-1] in ".!?" and "høst" in said.lower()


def test_hits_in_one_sentence_become_one_passage(project, fixtures):
    import_files(project, [fixtures / "intervju-kort.txt"])
    hits = project.search_hits('"møter dem fast" OR fast')
    spans = hit_spans(project, hits, "sentence")
    assert len(spans) == len(set(spans))
    for a, b in pairwise(spans):
        assert a[0] != b[0] or a[2] < b[1]


def test_typed_words_are_prefixes_but_syntax_is_kept():
    from coder.search.service import typed_query

    assert typed_query("kapasitet PP-leder") == '"kapasitet"* "PP-leder"*'
    assert typed_query('"tidlig innsats"') == '"tidlig innsats"'
    assert typed_query("ventetid NOT skole") == "ventetid NOT skole"


def test_typed_words_find_inflected_forms(project, fixtures):
    from coder.search.service import typed_query

    import_files(project, [fixtures / "intervju-kort.txt"])
    assert project.search_hits(typed_query("sakkyndig"))  # the text has «sakkyndige»
    assert project.search_hits(typed_query("Meld. St. 6")) == []  # punctuation does not break it
