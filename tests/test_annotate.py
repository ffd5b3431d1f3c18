"""The per-segment NLP cache: annotations (coder.nlp.annotate) and their rows in the project (store.nlp_cache)."""

from __future__ import annotations

import json

import pytest
import spacy

from coder.model import ImportedSource, Segment
from coder.nlp import annotate as ann
from coder.nlp.loading import BUNDLED
from coder.store import nlp_cache

KAP = "Vi har kapasitetsutfordringer i tjenesten.  Henvisningene øker, sa Kari Nordmann i Bergen."
MANDAT = "Mandatet er uklart.\nDet gjelder henvisningspraksis også."
KEY = ann.model_key("nb_test", "1.0")


class Parts:
    """A compound splitter that knows a few words, and counts how often it is asked."""

    LEXICON = {
        "kapasitetsutfordringer": ["kapasitet", "utfordring"],
        "henvisningspraksis": ["henvisning", "praksis"],
    }

    def __init__(self):
        self.calls = 0

    def split(self, word: str) -> list[str]:
        self.calls += 1
        return self.LEXICON.get(word, [word])


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("nb")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Kari Nordmann"}, {"label": "GPE", "pattern": "Bergen"}])
    return nlp


def add_source(project, name: str, turns: list[str]) -> list[int]:
    """A transcript of ``turns`` (blank line between); the ids of its segments."""
    text, segments = "", []
    for turn in turns:
        if text:
            text += "\n\n"
        segments.append(Segment(len(text), len(text) + len(turn), "IP"))
        text += turn
    with project.transaction():
        [source_id] = project.add_sources([ImportedSource("transcript", name, text, segments)])
    return [s.id for s in project.segments(source_id)]


# -- annotate ------------------------------------------------------------------------------------------


def test_token_offsets_point_into_the_text_and_spaces_are_left_out(nlp):
    [data] = ann.annotate(nlp, [KAP])
    words = [KAP[s:e] for s, e, _, _ in data["t"]]
    assert words[:4] == ["Vi", "har", "kapasitetsutfordringer", "i"]
    assert all(w.strip() == w and w for w in words)
    assert "".join(words) == "".join(KAP.split())
    # a blank pipeline has no lemmatizer: the lemma is the word in lower case
    assert data["t"][0][2] == "vi"


def test_compound_parts_sentences_and_entities(nlp):
    splitter = Parts()
    first, second = ann.annotate(nlp, [KAP, MANDAT], splitter)
    by_word = {KAP[first["t"][i][0] : first["t"][i][1]]: parts for i, *parts in first["c"]}
    assert by_word == {"kapasitetsutfordringer": ["kapasitet", "utfordring"]}
    [(index, *parts)] = second["c"]
    assert MANDAT[second["t"][index][0] : second["t"][index][1]] == "henvisningspraksis"
    assert parts == ["henvisning", "praksis"]
    assert [KAP[s:e] for s, e, _ in first["e"]] == ["Kari Nordmann", "Bergen"]
    assert [label for _, _, label in first["e"]] == ["PER", "GPE"]
    assert first["s"][0] == 0 and KAP[first["s"][1] :].startswith("Henvisningene")
    assert MANDAT[second["s"][1] :].startswith("Det gjelder")


def test_no_entities_key_without_ner_and_no_parts_without_a_splitter():
    nlp = spacy.blank("nb")
    [data] = ann.annotate(nlp, [KAP])
    assert set(data) == {"t"}


def test_the_splitter_is_asked_once_per_lemma(nlp):
    once, many = Parts(), Parts()
    list(ann.annotate(nlp, [MANDAT], once))
    list(ann.annotate(nlp, [MANDAT] * 20, many))
    assert many.calls == once.calls == 4  # mandatet uklart gjelder henvisningspraksis; short words never


def test_annotations_are_compact_json(nlp):
    [data] = ann.annotate(nlp, [KAP], Parts())
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(encoded) == data
    assert "kapasitetsutfordringer" in encoded  # the lemma
    assert encoded.count("Henvisningene") == 0  # the surface text is not stored when the lemma differs
    assert len(encoded) < 12 * len(KAP)


def test_text_hash_is_the_same_on_both_sides_of_the_layer_rule():
    for text in ("", "Ø", KAP, MANDAT):
        assert ann.text_hash(text) == nlp_cache.text_hash(text)
    assert ann.text_hash("a") != ann.text_hash("b")


def test_the_model_key_names_pipeline_and_version(nlp):
    assert ann.model_key("nb_coder", "1.0") != ann.model_key("nb_coder", "1.1")
    assert ann.pipeline_key(nlp).startswith("nb_pipeline@0.0.0/")
    assert ann.pipeline_key(nlp) != ann.pipeline_key(spacy.blank("nb"))  # other components


# -- the cache in the project ----------------------------------------------------------------------------


def test_everything_is_stale_until_annotated_then_fresh(project, nlp):
    ids = add_source(project, "a", [KAP, MANDAT])
    assert project.stale_segments(KEY) == [(ids[0], KAP), (ids[1], MANDAT)]
    assert project.stale_segments(KEY, limit=1) == [(ids[0], KAP)]
    assert project.nlp_coverage(KEY) == (0, 2)
    progress = ann.refresh(project, nlp, KEY, Parts(), batch=1)
    assert (progress.done, progress.total) == (2, 2) and progress.tokens > 15
    assert project.stale_segments(KEY) == []
    assert project.nlp_coverage(KEY) == (2, 2)
    cached = project.annotations(ids)
    assert cached == dict(zip(ids, ann.annotate(nlp, [KAP, MANDAT], Parts()), strict=True))


def test_another_pipeline_makes_every_row_stale(project, nlp):
    ids = add_source(project, "a", [KAP, MANDAT])
    ann.refresh(project, nlp, KEY, Parts())
    other = ann.model_key("nb_test", "1.1")
    assert [i for i, _ in project.stale_segments(other)] == ids
    assert project.annotations(ids, model_key=other) == {}
    ann.refresh(project, nlp, other, Parts())
    assert project.nlp_coverage(other) == (2, 2) and project.nlp_coverage(KEY) == (0, 2)


def test_a_text_change_makes_only_that_segment_stale(project, nlp):
    """Pseudonymisation rewrites source.text and moves the offsets of what follows; the rows it touched go stale."""
    ids = add_source(project, "a", [KAP, MANDAT, "Tredje tur uten navn."])
    ann.refresh(project, nlp, KEY, Parts())
    text = project.source_text(project.sources()[0].id)
    new = text.replace("Kari Nordmann", "[NAVN 1]")
    shift = len(new) - len(text)
    with project.transaction():
        project.conn.execute("UPDATE source SET text = ?", (new,))
        project.conn.execute('UPDATE segment SET "end" = "end" + ? WHERE id = ?', (shift, ids[0]))
        project.conn.execute(
            'UPDATE segment SET start = start + ?, "end" = "end" + ? WHERE id > ?', (shift, shift, ids[0])
        )
    [(segment_id, fresh_text)] = project.stale_segments(KEY)
    assert segment_id == ids[0] and "[NAVN 1]" in fresh_text
    assert set(project.annotations(ids)) == {ids[1], ids[2]}  # the stale row is not handed out
    ann.refresh(project, nlp, KEY, Parts())
    [data] = project.annotations([ids[0]]).values()
    assert [fresh_text[s:e] for s, e, _ in data["e"]] == ["Bergen"]


def test_text_changed_while_annotating_is_not_saved_and_stays_stale(project, nlp):
    """A pseudonymisation between reading and saving: the old words (a name's lemma) must not come back."""
    [seg] = add_source(project, "a", [KAP])
    [data] = ann.annotate(nlp, ["Kari Nordmann var her."])
    assert project.save_annotations(KEY, [(seg, "Kari Nordmann var her.", data)]) == 0
    assert project.stale_segments(KEY) == [(seg, KAP)]
    count = lambda table: project.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("segment_nlp") == 0 and count("segment_lemma_fts") == 0


def test_optimize_lemma_index_clears_the_terms_of_dropped_rows(project, nlp):
    [seg] = add_source(project, "a", [KAP])
    ann.refresh(project, nlp, KEY)
    with project.transaction():
        project.conn.execute("DELETE FROM segment_nlp WHERE segment_id = ?", (seg,))
        project.optimize_lemma_index()
    blobs = b"".join(r[0] for r in project.conn.execute("SELECT block FROM segment_lemma_fts_data") if r[0])
    assert b"nordmann" not in blobs


def test_rows_of_deleted_segments_go_with_them(project, nlp):
    ids = add_source(project, "a", [KAP, MANDAT])
    ann.refresh(project, nlp, KEY, Parts())
    assert [h[1] for h in project.lemma_hits("henvisning")] == [ids[1]]
    with project.transaction():
        project.conn.execute("DELETE FROM source")
    count = lambda table: project.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("segment_nlp") == 0 and count("segment_lemma_fts") == 0
    assert project.save_annotations(KEY, [(ids[0], KAP, {"t": []})]) == 0  # a late batch of a killed source


def test_lemma_index_finds_compound_parts_with_offsets_in_the_source(project, nlp):
    ids = add_source(project, "a", [KAP, MANDAT])
    ann.refresh(project, nlp, KEY, Parts())
    text = project.source_text(project.sources()[0].id)
    [(source_id, segment_id, spans)] = project.lemma_hits("Kapasitet")
    assert segment_id == ids[0] and [text[s:e] for s, e in spans] == ["kapasitetsutfordringer"]
    [(_, _, spans)] = project.lemma_hits("praksis")
    assert [text[s:e] for s, e in spans] == ["henvisningspraksis"]
    assert project.lemma_hits("utfordringer") == []  # parts are base forms
    assert project.lemma_hits("") == [] and project.lemma_hits('"') == []


def test_a_cancelled_refresh_saves_whole_batches_only(project, nlp):
    add_source(project, "a", [KAP, MANDAT, "Tre.", "Fire."])
    seen = []
    progress = ann.refresh(project, nlp, KEY, batch=2, on_progress=seen.append, cancelled=lambda: len(seen) >= 1)
    assert progress.done == 2 and project.nlp_coverage(KEY) == (2, 4)


def test_refresh_on_the_demo_project(tmp_path, nlp):
    from coder.demo.service import build_demo
    from coder.store import Project

    with Project.open(build_demo(tmp_path).path) as project:
        total = project.stats()["segments"]
        seen = []
        progress = ann.refresh(project, nlp, KEY, Parts(), batch=100, on_progress=lambda p: seen.append(p.done))
        assert progress.done == total and seen[-1] == total and seen == sorted(seen)
        assert project.nlp_coverage(KEY) == (total, total)
        again = ann.refresh(project, nlp, KEY, Parts())
        assert again.total == 0


@pytest.mark.skipif(not (BUNDLED / "config.cfg").is_file(), reason="no bundled pipeline in coder/nlp/model yet")
def test_the_bundled_pipeline_gives_lemmas_tags_and_entities():
    loaded = ann.load(str(BUNDLED))
    assert ann.loaded_key(loaded) == ann.pipeline_key(loaded.nlp)
    [data] = ann.annotate(loaded.nlp, [KAP], ann.splitter())
    lemmas = {KAP[s:e]: (lemma, pos) for s, e, lemma, pos in data["t"]}
    assert lemmas["Henvisningene"] == ("henvisning", "NOUN")
    assert "e" in data and "s" in data


# -- coder annotate ---------------------------------------------------------------------------------------


class _Loaded:
    def __init__(self, nlp, warning=None):
        self.nlp, self.name, self.version, self.warning = nlp, "nb_test", "2", warning


def test_coder_annotate_does_the_stale_segments_then_nothing(tmp_path, nlp, monkeypatch):
    from click.testing import CliRunner

    from coder.cli import main
    from coder.store import Project

    asked = []
    monkeypatch.setattr(ann, "load", lambda setting=None: asked.append(setting) or _Loaded(nlp, "no NER here"))
    path = tmp_path / "p.coder"
    with Project.create(path) as project:
        ids = add_source(project, "a", [KAP, MANDAT, "Tre."])
        with project.transaction():
            project.set_setting("nlp_model", "nb_core_news_sm")
    runner = CliRunner()
    first = runner.invoke(main, ["annotate", str(path), "--batch", "2"])
    assert first.exit_code == 0, first.output
    assert "analysed 3 segments," in first.stdout and "tokens/s" in first.stdout
    assert "warning: no NER here" in first.stderr
    assert asked == ["nb_core_news_sm"]
    again = runner.invoke(main, ["annotate", str(path)])
    assert again.exit_code == 0 and again.stdout.startswith("nothing to do: every segment is analysed by nb_test 2")
    with Project.open(path) as project:
        assert set(project.annotations(ids, model_key=ann.pipeline_key(nlp))) == set(ids)
    missing = runner.invoke(main, ["annotate", str(tmp_path / "nope.coder")])
    assert missing.exit_code == 1 and "no such project" in missing.stderr


def test_coder_annotate_interrupted_keeps_whole_batches(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from coder.cli import main
    from coder.store import Project

    calls = []

    @spacy.Language.component("test_interrupt_third")
    def interrupt(doc):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return doc

    nlp = spacy.blank("nb")
    nlp.add_pipe("test_interrupt_third")
    monkeypatch.setattr(ann, "load", lambda setting=None: _Loaded(nlp))
    path = tmp_path / "p.coder"
    with Project.create(path) as project:
        add_source(project, "a", [KAP, MANDAT, "Tre.", "Fire."])
    result = CliRunner().invoke(main, ["annotate", str(path), "--batch", "2"])
    assert result.exit_code == 130
    assert "interrupted: 2 segments analysed and kept" in result.stderr
    with Project.open(path) as project:
        assert project.nlp_coverage(ann.pipeline_key(nlp)) == (2, 4)
