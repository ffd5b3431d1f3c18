"""Work saved (coder eval --simulate): the walk measures, and the simulated researcher."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.model import Code
from coder.suggest import simulate as sim
from coder.suggest.semantic import Normaliser, nearest, prototype_text
from coder.suggest.worksaved import random_walk, ranked, summarise, walked

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def test_random_order_is_the_expected_value():
    walk = random_walk(100, 20)
    assert walk.recall_after(0.2) == pytest.approx(0.2)
    # the 19th of 20 relevant among 100 units comes on average at 19 · 101 / 21
    assert walk.reviewed_for(0.95) == pytest.approx(19 * 101 / 21)
    assert walk.wss() == pytest.approx((100 - 19 * 101 / 21) / 100 - 0.05)


def test_a_perfect_and_a_tied_ranking():
    relevant = [True, True, False, False, False, False, False, False, False, False]
    perfect = ranked([9, 8, 1, 1, 1, 1, 1, 1, 1, 1], relevant)
    assert perfect.reviewed_for(1.0) == 2 and perfect.recall_after(0.2) == 1.0
    assert perfect.wss() == pytest.approx((10 - 2) / 10 - 0.05) and perfect.per_find() == 1.0
    tied = ranked([0] * 10, relevant)  # a system that cannot tell them apart gets what random order gets
    assert tied.reviewed_for(1.0) == pytest.approx(random_walk(10, 2).reviewed_for(1.0))
    assert ranked([5, 5, 5, 0], [True, False, False, True]).found == pytest.approx([0, 1 / 3, 2 / 3, 1, 2])


def test_a_walk_in_a_given_order():
    walk = walked([3, 0, 1, 2], [False, True, False, True])
    assert walk.found == [0, 1, 1, 2, 2]
    assert walk.reviewed_for(1.0) == 3 and walk.recall_after(0.5) == 0.5
    assert summarise(walk).recall[0.5] == 0.5


@pytest.fixture(scope="module")
def splitter():
    from coder.nlp.compounds import default_splitter

    return default_splitter()


CODES = [
    Code("vent", "Ventetid", "Hvor lenge barn venter", keywords=["ventetid", "venteliste"]),
    Code("samarbeid", "Samarbeid", "Samarbeid med skolen", keywords=["samarbeid"]),
]


def _units() -> list[sim.Unit]:
    units = []
    for i in range(24):
        if i % 4 == 0:
            units.append(sim.Unit(f"Ventetiden er lang, sak {i}.", None, ["vent"]))
        elif i % 4 == 1:
            units.append(sim.Unit(f"Vi har godt samarbeid med skolen, sak {i}.", None, ["samarbeid"]))
        else:
            units.append(sim.Unit(f"Noe helt annet om budsjett, sak {i}.", None, []))
    return units


def test_the_simulated_researcher_finds_what_the_rules_point_to(splitter):
    units = _units()
    report = sim.simulate(CODES, units, splitter, systems=[sim.RANDOM, sim.SURFACE, sim.RULES, sim.LEARNED])
    assert report.measured == ["vent", "samarbeid"] and report.counts == {"vent": 6, "samarbeid": 6}
    random, rules, learned = (report.macro[n] for n in (sim.RANDOM, sim.RULES, sim.LEARNED))
    assert rules.recall[0.3] == 1.0 and rules.wss > random.wss + 0.4
    assert learned.recall[0.3] == 1.0  # the walk reviews the keyword hits first, then stops: all found
    assert sim.to_json(report)["macro"]["rules"]["recall_after"]["30%"] == 1.0
    assert "rules + learned" in sim.render(report)


def test_the_semantic_systems_run_on_the_normalised_layer(splitter):
    units = _units()
    prototypes = np.eye(3)[:2]  # «vent» along the first axis, «samarbeid» along the second
    axis = {"vent": 0, "samarbeid": 1}
    vectors = np.array([np.eye(3)[axis[u.codes[0]]] if u.codes else np.eye(3)[2] for u in units])
    norm = Normaliser.fit([c.id for c in CODES], prototypes, vectors)
    report = sim.simulate(CODES, units, splitter, norm, vectors, systems=[sim.SEMANTIC, sim.LEARNED_SEMANTIC])
    assert report.macro[sim.SEMANTIC].recall[0.3] == 1.0
    assert report.macro[sim.LEARNED_SEMANTIC].recall[0.3] == 1.0


def test_z_scores_are_centred_per_segment_and_scaled_per_code():
    prototypes = np.eye(3)[:2]  # two codes along the first two axes
    segments = np.array([[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0], [0, 0, 1]], dtype=float)
    norm = Normaliser.fit(["a", "b"], prototypes, segments)
    z = norm.z(segments)
    assert z.shape == (4, 2)
    assert np.allclose(z.mean(axis=0), 0) and np.allclose(z.std(axis=0), 1)
    assert z[0, 0] > z[1, 0] and z[1, 1] > z[0, 1]
    assert prototype_text(CODES[0]) == "Ventetid: Hvor lenge barn venter. Nøkkelord: ventetid, venteliste."


def test_nearest_best_first_without_the_excluded():
    vectors = np.array([[1, 0], [0.8, 0.6], [0, 1], [-1, 0]], dtype=float)
    assert [i for i, _ in nearest(np.array([1.0, 0.0]), vectors, 2, exclude={0})] == [1, 2]


@pytest.mark.slow
def test_coder_eval_simulate_prints_work_saved():
    result = CliRunner().invoke(
        main,
        [
            "eval",
            "--gold",
            str(FIXTURES / "suggest" / "gold.jsonl"),
            "--codebook",
            str(REPO / "codebooks" / "ppt.yaml"),
            "--folds",
            "2",
            "--simulate",
            "--no-semantic",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    assert set(data["classification"]["systems"]) == {"surface keywords", "rules", "rules + learned (2-fold)"}
    macro = data["simulation"]["macro"]
    assert set(macro) == {"random", "surface keywords", "rules", "rules + learned"}
    assert data["simulation"]["codes_measured"] == ["kapasitet"]  # the only code with 5 gold units
    assert macro["random"]["recall_after"]["20%"] == pytest.approx(0.2, abs=0.05)
    assert macro["rules"]["wss_at_95"] > macro["random"]["wss_at_95"]
