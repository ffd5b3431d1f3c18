"""Suggestions in a project: accept, reject, accept all above the threshold, the review queue, what the learned
layer learns from, retraining; `coder suggest` and `coder eval` as a user types them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.coding import service as editing
from coder.nlp.compounds import default_splitter
from coder.store import Project
from coder.suggest import service as suggesting
from coder.suggest.engine import MIN_DECISIONS
from tests.conftest import FIXTURES, REPO, write
from tests.conftest import survey_project as new_survey_project

# Written for these tests: open answers from PP leaders.
ANSWERS = [
    "Ventetiden er over tre måneder, og ventelista vokser.",
    "Vi har for få årsverk og et stort arbeidspress.",
    "Samarbeidet med skolene er godt, vi møter rektorene ofte.",
    "Kompetanseløftet har gitt oss samlinger med høgskolen.",
    "Vi ønsker mer systemrettet arbeid og mindre utredning.",
    "Henvisningene kommer for sent, ofte etter at skolen har prøvd lenge.",
    "Vi er lite tilgjengelige for barnehagene på grunn av ventetid.",
    "Det er vanskelig å rekruttere psykolog og logoped.",
]


@pytest.fixture
def survey_project(tmp_path) -> Project:
    project = new_survey_project(tmp_path, ANSWERS, kind="Kommunal")
    yield project
    project.close()


@pytest.fixture(scope="module")
def splitter():
    return default_splitter()


def segments(project: Project):
    return list(project.segment_texts())


def test_a_segment_gets_the_codes_of_its_keywords_with_evidence(survey_project, splitter):
    sug = suggesting.Suggester(survey_project, splitter)
    first = segments(survey_project)[0]
    scores = sug.for_segment(survey_project, first.id)
    assert scores[0].code_id == "ventetid" and scores[0].above
    words = {first.text[m.start : m.end] for m in scores[0].matches}
    assert {"Ventetiden", "ventelista"} <= words


def test_accept_codes_the_segment_and_undo_takes_it_back(survey_project, splitter):
    sug = suggesting.Suggester(survey_project, splitter)
    seg = segments(survey_project)[0]
    best = sug.for_segment(survey_project, seg.id)[0]
    coding_id = suggesting.accept(survey_project, seg.id, best, "kari")
    coding = survey_project.coding(coding_id)
    assert (coding.start, coding.end, coding.code_id, coding.origin, coding.coder) == (
        seg.start,
        seg.end,
        "ventetid",
        "suggested",
        "kari",
    )
    assert survey_project.suggestion_decisions([seg.id]) == {seg.id: {"ventetid": "accepted"}}
    assert "ventetid" not in {s.code_id for s in sug.for_segment(survey_project, seg.id)}  # applied: not suggested
    assert survey_project.undo().label == "accepted Ventetid"
    assert survey_project.codings() == [] and survey_project.suggestion_decisions() == {}
    survey_project.redo()
    assert [c.code_id for c in survey_project.codings()] == ["ventetid"]


def test_a_rejected_code_is_never_suggested_again_for_that_segment(survey_project, splitter, tmp_path):
    sug = suggesting.Suggester(survey_project, splitter)
    seg = segments(survey_project)[0]
    best = sug.for_segment(survey_project, seg.id)[0]
    suggesting.reject(survey_project, seg.id, best, "kari")
    assert best.code_id not in {s.code_id for s in sug.for_segment(survey_project, seg.id)}
    path = survey_project.path
    survey_project.close()
    with Project.open(path) as again:
        assert best.code_id not in {s.code_id for s in suggesting.Suggester(again, splitter).for_segment(again, seg.id)}
        evidence = json.loads(again.conn.execute("SELECT evidence FROM suggestion").fetchone()[0])
        assert evidence["matches"] and evidence["rule"] > 0


def test_accept_all_above_the_threshold_is_one_action(survey_project, splitter):
    sug = suggesting.Suggester(survey_project, splitter)
    source = survey_project.sources()[0]
    expected = sum(
        1 for scores in sug.score_segments(survey_project, segments(survey_project)) for s in scores if s.above
    )
    assert expected >= len(ANSWERS) - 1
    assert suggesting.accept_all_above(survey_project, sug, source.id, "kari") == expected
    assert len(survey_project.codings()) == expected
    assert all(c.origin == "suggested" for c in survey_project.codings())
    survey_project.undo()
    assert survey_project.codings() == []


def test_the_review_queue_puts_uncertain_suggestions_first_and_skips_decided_ones(survey_project, splitter):
    sug = suggesting.Suggester(survey_project, splitter)
    queue = sug.review_queue(survey_project)
    assert queue
    uncertainty = [q.score.uncertainty for q in queue]
    assert uncertainty[0] == max(uncertainty)
    for code in {q.score.code_id for q in queue}:  # each code's own items most uncertain first (codes take turns)
        mine = [q.score.uncertainty for q in queue if q.score.code_id == code]
        assert mine == sorted(mine, reverse=True)
    first = queue[0]
    suggesting.reject(survey_project, first.segment.id, first.score, "kari")
    again = sug.review_queue(survey_project)
    assert (first.segment.id, first.score.code_id) not in {(q.segment.id, q.score.code_id) for q in again}


def test_training_data_positives_negatives_and_unread_segments(survey_project, splitter):
    segs = segments(survey_project)
    sug = suggesting.Suggester(survey_project, splitter)
    suggesting.accept(survey_project, segs[0].id, sug.for_segment(survey_project, segs[0].id)[0], "kari")
    rejected = sug.for_segment(survey_project, segs[1].id)[0]
    suggesting.reject(survey_project, segs[1].id, rejected, "kari")
    suggesting.apply_codes(survey_project, [(segs[2].id, sug.for_segment(survey_project, segs[2].id)[0])], "batch")
    with survey_project.action("code", "by hand", "kari"):
        survey_project.add_coding(segs[3].source_id, segs[3].start, segs[3].end, "kompetanseloftet", "kari")
    items = {i.text: i.labels for i in suggesting.training_data(survey_project)}
    assert set(items) == {segs[0].text, segs[1].text, segs[3].text}  # auto-coded and unread ones teach nothing
    assert items[segs[0].text] == {"ventetid": 1.0}  # accepted in the panel: the other codes were not asked about
    assert items[segs[1].text] == {rejected.code_id: 0.0}
    by_hand = items[segs[3].text]  # coded by hand: every other code was weighed and left out
    assert by_hand["kompetanseloftet"] == 1.0 and by_hand["kapasitet"] == 0.0 and len(by_hand) == 20
    assert survey_project.decision_count() == 3


def test_retraining_is_due_after_enough_decisions_and_is_kept_with_the_project(survey_project, splitter):
    sug = suggesting.Suggester(survey_project, splitter)
    assert not sug.needs_training(survey_project)
    segs = segments(survey_project)
    for _ in range(2):  # coded by hand: each answer's best suggestion, then the next best (coded is not suggested)
        for seg in segs:
            for s in sug.for_segment(survey_project, seg.id)[:1]:
                with survey_project.action("code", "test", "kari"):
                    survey_project.add_coding(seg.source_id, seg.start, seg.end, s.code_id, "kari")
    assert survey_project.decision_count() >= MIN_DECISIONS
    assert sug.needs_training(survey_project)
    report = suggesting.retrain(survey_project, splitter)
    assert report.items == len(segs) and report.seconds < 60
    saved = survey_project.suggest_model()
    assert saved is not None and saved.fingerprint == sug.fingerprint and saved.decisions == report.decisions
    sug.reload(survey_project)
    assert not sug.needs_training(survey_project)
    assert sug.engine.model is not None and sug.engine.model.items == len(segs)


def test_the_segments_a_coding_overlaps(survey_project):
    segs = segments(survey_project)
    a, b, c = segs[0], segs[1], segs[2]
    with survey_project.transaction():
        survey_project.add_coding(a.source_id, a.end - 3, b.start + 2, "kapasitet", "kari")  # across two answers
        survey_project.add_coding(c.source_id, c.start, c.end, "samarbeid", "kari")
    codes = survey_project.segment_codes()
    assert codes == {a.id: {"kapasitet"}, b.id: {"kapasitet"}, c.id: {"samarbeid"}}
    assert survey_project.segment_codes([b.id]) == {b.id: {"kapasitet"}}
    assert survey_project.segment_codes([s.id for s in segs]) == codes
    assert survey_project.coded_segments("kapasitet") == [a.id, b.id]


# -- the command line ---------------------------------------------------------------------------------------------
def test_coder_suggest_keeps_suggestions_and_applies_above_a_score(survey_project):
    path = survey_project.path
    survey_project.close()
    result = CliRunner().invoke(main, ["suggest", str(path)])
    assert result.exit_code == 0, result.output
    assert "suggestions above threshold for 8 segments" in result.output and "Ventetid" in result.output
    with Project.open(path) as p:
        assert len(p.open_suggestions()) >= 7
    result = CliRunner().invoke(main, ["suggest", str(path), "--apply-above", "0.8"])
    assert result.exit_code == 0, result.output
    with Project.open(path) as p:
        auto = [c for c in p.codings() if c.origin == "auto"]
        assert auto and f"coded {len(auto)} segments" in result.output
    result = CliRunner().invoke(main, ["suggest", str(path), "--source", "nope"])
    assert result.exit_code == 1 and "no source called 'nope'" in result.output


def test_coder_eval_prints_three_systems(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "eval",
            "--gold",
            str(FIXTURES / "suggest" / "gold.jsonl"),
            "--codebook",
            str(REPO / "codebooks" / "ppt.yaml"),
            "--folds",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert set(report["systems"]) == {"surface keywords", "rules", "rules + learned (3-fold)"}
    assert report["items"] == 30 and [row["share"] for row in report["learning_curve"]] == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert report["systems"]["rules"]["macro_f1"] > report["systems"]["surface keywords"]["macro_f1"]
    bad = write(tmp_path / "gold.jsonl", '{"text": "Lang kø.", "codes": ["finnes_ikke"]}\n')
    result = CliRunner().invoke(main, ["eval", "--gold", str(bad), "--codebook", str(REPO / "codebooks" / "ppt.yaml")])
    assert result.exit_code == 1 and "gold.jsonl:1: code 'finnes_ikke' is not in the codebook" in result.output


def test_scoring_on_several_threads_while_the_engine_is_swapped_gives_the_same_scores(survey_project, splitter):
    """The TUI scores on the UI thread while workers warm, re-rank and reload the same Suggester (each thread with
    its own connection): every score must be what one thread alone computes."""
    import threading

    segs = segments(survey_project)
    sug = suggesting.Suggester(survey_project, splitter)
    for seg in segs:
        for s in sug.for_segment(survey_project, seg.id)[:1]:
            with survey_project.action("code", "test", "kari"):
                survey_project.add_coding(seg.source_id, seg.start, seg.end, s.code_id, "kari")
    suggesting.retrain(survey_project, splitter)
    sug = suggesting.Suggester(survey_project, splitter)

    def flat(scored):
        return [[(s.code_id, round(s.score, 9), s.above) for s in ss] for ss in scored]

    expected = flat(sug.score_segments(survey_project, segs))
    assert any(expected) and sug.engine.model is not None
    path, failures, stop = survey_project.path, [], threading.Event()

    def scorer() -> None:
        with Project.open(path) as project:
            for _ in range(30):
                got = flat(sug.score_segments(project, segs))
                if got != expected:
                    failures.append(got)

    def swapper() -> None:
        with Project.open(path) as project:
            while not stop.is_set():
                sug.reload(project)
                sug.forget()
                sug.warm(project)

    swap = threading.Thread(target=swapper)
    swap.start()
    threads = [threading.Thread(target=scorer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    swap.join()
    assert failures == []


def test_the_codes_take_turns_in_the_review_queue():
    from coder.model import SegmentText
    from coder.suggest.evidence import CodeScore

    def item(i: int, code: str, score: float) -> suggesting.QueueItem:
        return suggesting.QueueItem(SegmentText(i, 1, 0, 1, "x"), CodeScore(code, score, threshold=0.5))

    swamped = [item(i, "ventetid", 0.5) for i in range(5)] + [item(9, "mandat", 0.3), item(10, "mandat", 0.2)]
    turns = suggesting.by_turns(swamped)
    assert [q.score.code_id for q in turns] == [
        "ventetid",
        "mandat",
        "ventetid",
        "mandat",
        "ventetid",
        "ventetid",
        "ventetid",
    ]


def test_the_score_line_says_how_the_score_follows_from_its_parts():
    from coder.suggest.evidence import CodeScore
    from coder.tui.widgets.suggestions import scores_line

    rules_only = CodeScore("kapasitet", 0.6, threshold=0.4, rule=0.6, semantic=1.44)
    assert scores_line(rules_only).plain == ".60 = rule .60 · meaning +1.4 (ranks) · threshold .40"
    calibrated = CodeScore("kapasitet", 0.2, threshold=0.19, rule=0.6, calibrated=True)
    assert scores_line(calibrated).plain == ".20 ← rule .60, learned – · threshold .19"
    asked = CodeScore("ny", 0.82, threshold=0.82, asked="theme answer 1 of 37, by typicality")
    assert scores_line(asked).plain == ".82 = theme answer 1 of 37, by typicality"


def test_every_hit_of_a_search_coded_at_once_is_not_read_whole(survey_project):
    """«Code all hits» is a positive for its code, but says nothing of the other codes on those segments (a segment
    coded by hand, one by one, is read whole: the codes not chosen there are negatives)."""
    segments = list(survey_project.segment_texts())
    bulk = [(s.source_id, s.start, s.end) for s in segments[:3]]
    editing.code_spans(survey_project, bulk, "ventetid", "kari", provenance={"bulk": "search", "query": "vent*"})
    by_hand = segments[3]
    editing.code_spans(survey_project, [(by_hand.source_id, by_hand.start, by_hand.end)], "kapasitet", "kari")
    items = {item.text: item.labels for item in suggesting.training_data(survey_project)}
    assert items[segments[0].text] == {"ventetid": 1.0}  # no negatives for the rest
    assert items[by_hand.text]["kapasitet"] == 1.0 and items[by_hand.text]["mandat"] == 0.0  # read whole
    coding = next(c for c in survey_project.codings() if c.code_id == "ventetid")
    from coder.coding import provenance

    assert provenance.describe(coding.origin, coding.provenance) == "coded with every hit of the search «vent*»"
    assert provenance.norwegian(coding.origin, coding.provenance, "kari") == "manuell, alle treff for søket «vent*»"
