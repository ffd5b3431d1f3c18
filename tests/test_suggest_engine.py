"""The learned layer, the calibration that joins it with the rules, saving a model, and `coder eval`'s harness."""

from __future__ import annotations

import itertools
import json

import pytest

from coder.errors import InputError
from coder.model import Code
from coder.suggest import saving
from coder.suggest.calibrate import Calibration, best_threshold, fit
from coder.suggest.engine import Engine, Labelled, fingerprint, train_model
from coder.suggest.evaluate import evaluate, load_gold, render, to_json

CODES = [
    Code("ventetid", "Ventetid", keywords=["ventetid", "venteliste"]),
    Code("samarbeid", "Samarbeid", keywords=["samarbeid"]),
    Code("kompetanse", "Kompetanse", keywords=["kompetanse"]),
]

# Written for these tests: the themes in other words than the keywords, so only the learned layer can see them.
QUEUE = ["Barna står i kø i mange måneder", "Foreldrene må vente et halvt år", "Køen før utredning blir lengre"]
TEAM = ["Vi møter rektorene hver måned", "Helsesykepleier og vi har faste møter", "Barnehagene ringer oss jevnlig"]
ENDS = ["før noe skjer.", "i hele kommunen.", "og det merkes.", "nå i høst.", "hos oss."]


def corpus() -> list[Labelled]:
    items = []
    for start, end in itertools.product(QUEUE, ENDS):
        items.append(Labelled(f"{start} {end}", None, {"ventetid": 1.0, "samarbeid": 0.0, "kompetanse": 0.0}))
    for start, end in itertools.product(TEAM, ENDS):
        items.append(Labelled(f"{start} {end}", None, {"ventetid": 0.0, "samarbeid": 1.0, "kompetanse": 0.0}))
    return items


@pytest.fixture(scope="module")
def model():
    return train_model(CODES, corpus(), None)


def test_the_learned_layer_finds_a_theme_without_its_keywords(model):
    assert model.learned.known == {"ventetid", "samarbeid"}  # kompetanse has no positives: rules alone
    engine = Engine(CODES, None, model)
    scores = engine.score("Køen er lang, og foreldrene må vente i måneder.")
    assert scores[0].code_id == "ventetid" and scores[0].rule == 0.0 and scores[0].learned > 0.5
    assert scores[0].score > next(s.score for s in scores if s.code_id == "samarbeid")
    team = engine.score("Vi har faste møter med rektorene.")
    assert team[0].code_id == "samarbeid"


def test_a_code_the_model_does_not_know_is_scored_by_its_keywords(model):
    engine = Engine(CODES, None, model)
    found = {s.code_id: s for s in engine.score("Kompetansen i tjenesten er høy.")}
    assert found["kompetanse"].learned is None and found["kompetanse"].rule > 0


def test_saved_and_loaded_the_model_scores_the_same(model):
    meta, data = saving.dump(model)
    assert b"rektorene" not in data and "rektorene" not in json.dumps(meta)  # no words of the texts are kept
    again = saving.load(json.loads(json.dumps(meta)), data, model.fingerprint)
    text = "Køen før utredning er lang."
    assert [(s.code_id, round(s.score, 6)) for s in Engine(CODES, None, again).score(text)] == [
        (s.code_id, round(s.score, 6)) for s in Engine(CODES, None, model).score(text)
    ]
    assert saving.load({**meta, "format": 99}, data, model.fingerprint) is None


def test_training_is_deterministic():
    a, b = train_model(CODES, corpus(), None), train_model(CODES, corpus(), None)
    text = "Barnehagene ringer om køen."
    assert [s.score for s in Engine(CODES, None, a).score(text)] == [
        s.score for s in Engine(CODES, None, b).score(text)
    ]


def test_the_fingerprint_follows_ids_and_keywords_not_labels():
    renamed = [Code(c.id, c.label + "!", keywords=c.keywords) for c in CODES]
    more = [*CODES[:2], Code("kompetanse", "Kompetanse", keywords=["kompetanse", "fagmiljø"])]
    assert fingerprint(renamed) == fingerprint(CODES) != fingerprint(more)


def test_calibration_is_monotone_in_both_layers():
    rows = [("a", r, p, None, int(r + p > 1.0)) for r in (0.0, 0.3, 0.6, 0.9) for p in (0.1, 0.4, 0.7, 0.95)] * 3
    cal = fit(rows)
    assert cal.weights is not None
    assert cal.score(0.9, 0.9) > cal.score(0.3, 0.9) > cal.score(0.3, 0.2)
    assert 0.0 < cal.threshold < 1.0
    assert Calibration().score(0.6, None) == 0.6  # without a model: the rule score
    assert cal.score(0.3, 0.9, semantic=3.0) == cal.score(0.3, 0.9)  # fitted without the semantic layer: ignored


def test_calibration_with_the_semantic_layer_weighs_it():
    rows = [("a", r, None, z, int(r + z / 4 > 0.7)) for r in (0.0, 0.4, 0.8) for z in (-2.0, -0.5, 0.5, 1.5, 3.0)] * 4
    cal = fit(rows, semantic=True)
    assert cal.weights is not None and len(cal.weights) == 6
    assert cal.score(0.4, None, 3.0) > cal.score(0.4, None, 0.0) > cal.score(0.4, None, -2.0)
    assert cal.score(0.8, None, 0.0) > cal.score(0.0, None, 0.0)


def test_best_threshold_separates_and_falls_between_scores():
    t = best_threshold([(0.9, 1), (0.8, 1), (0.4, 0), (0.2, 0)])
    assert 0.4 < t < 0.8


def test_gold_files_with_faults_name_the_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"text": "Lang kø.", "codes": ["ventetid"]}\n{"text": "x", "codes": ["ukjent"]}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"gold.jsonl:2: code 'ukjent' is not in the codebook"):
        load_gold(gold, CODES)
    gold.write_text('{"text": "Lang kø.", "codes": ["ventetid"]}\n{"text": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r":2: not valid JSON"):
        load_gold(gold, CODES)
    gold.write_text('{"codes": ["ventetid"]}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r":1: 'text' is missing"):
        load_gold(gold, CODES)


def test_the_evaluation_reports_three_systems_and_a_learning_curve():
    items = corpus()
    from coder.suggest.evaluate import GoldItem

    gold = [GoldItem(str(i), it.text, [c for c, v in it.labels.items() if v]) for i, it in enumerate(items)]
    report = evaluate(CODES, gold, [None] * len(gold), None, folds=3, shares=(0.5, 1.0))
    assert list(report.systems) == ["surface keywords", "rules", "rules + learned (3-fold)"]
    assert report.systems["rules"].micro_f1 == 0.0  # no keyword in any of these texts
    assert report.systems["rules + learned (3-fold)"].macro_f1 > 0.8  # learned from the other folds
    assert [share for share, _, _ in report.curve] == [0.5, 1.0]
    text = render(report, CODES)
    assert "macro-F1" in text and "learning curve" in text
    assert to_json(report)["systems"]["rules"]["per_code"]["ventetid"]["support"] == 15
