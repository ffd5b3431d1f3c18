"""The consensus walk: disagreements one by one, the agreed coding recorded as «consensus», nothing lost."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.coding import service as editing
from coder.errors import CoderError
from coder.team import agreement as agr
from coder.team import consensus as cons
from coder.team.identity import CONSENSUS_SETTING
from tests.team_util import code, code_hand_example, small_project, turn


@pytest.fixture
def hand(tmp_path):
    with small_project(tmp_path / "hand.coder") as project:
        code_hand_example(project)
        yield project


def codings_of(project, coder: str) -> list[tuple]:
    return sorted((c.source_id, c.start, c.end, c.code_id) for c in project.codings() if c.coder == coder)


def test_the_walk_lists_disagreements_in_reading_order(hand):
    walk = cons.walk(hand, ["kari", "ola"])
    # kapasitet: turn 0 agreed; turn 1 kari only; turn 2 ola only. samarbeid turn 3: spans differ by a character
    assert walk.agreed == 1 and walk.agreed_recorded == 0
    assert [(i.ordinal, i.code_id) for i in walk.items] == [(1, "kapasitet"), (2, "kapasitet"), (3, "samarbeid")]
    first = walk.items[0]
    assert first.applied("kari") and not first.applied("ola")
    assert first.spans == {"kari": [turn(1)], "ola": []}
    assert cons.choices(first) == ["kari", "both", "neither"]
    third = walk.items[2]
    assert third.spans["ola"] == [(turn(3)[0] + 1, turn(3)[1])]


def test_each_decision_is_one_undoable_action_and_keeps_the_coders_codings(hand):
    kari, ola = codings_of(hand, "kari"), codings_of(hand, "ola")
    walk = cons.walk(hand, ["kari", "ola"])
    cons.decide(hand, walk.items[0], "neither", "kari")  # turn 1: kapasitet does not apply
    cons.decide(hand, walk.items[1], "ola", "kari")  # turn 2: take ola's
    cons.decide(hand, walk.items[2], "both", "kari")  # turn 3: the union of the two spans
    assert codings_of(hand, "consensus") == [(1, *turn(2), "kapasitet"), (1, *turn(3), "samarbeid")]
    assert codings_of(hand, "kari") == kari and codings_of(hand, "ola") == ola
    after = cons.walk(hand, ["kari", "ola"])
    assert after.open == [] and after.decided == 3
    assert after.items[0].decision["choice"] == "neither" and after.items[0].decision["by"] == "kari"
    editing.undo(hand)
    undone = cons.walk(hand, ["kari", "ola"])
    assert [i.ordinal for i in undone.open] == [3]
    assert codings_of(hand, "consensus") == [(1, *turn(2), "kapasitet")]
    editing.redo(hand)
    assert cons.walk(hand, ["kari", "ola"]).open == []


def test_deciding_again_replaces_the_consensus_and_choosing_a_coder_who_did_not_code_is_neither(hand):
    item = cons.walk(hand, ["kari", "ola"]).items[0]
    cons.decide(hand, item, "kari", "ola")
    assert codings_of(hand, "consensus") == [(1, *turn(1), "kapasitet")]
    item = cons.walk(hand, ["kari", "ola"]).items[0]
    cons.decide(hand, item, "ola", "ola")  # ola did not code it here
    assert codings_of(hand, "consensus") == []
    assert cons.walk(hand, ["kari", "ola"]).items[0].decision["choice"] == "neither"


def test_a_decision_opens_again_when_a_coder_changes_the_coding(hand):
    item = cons.walk(hand, ["kari", "ola"]).items[0]
    cons.decide(hand, item, "kari", "kari")
    assert cons.walk(hand, ["kari", "ola"]).items[0].decision is not None
    code(hand, "ola", "kapasitet", turn(1)[0], turn(1)[0] + 10)  # ola codes part of turn 1 afterwards
    changed = cons.walk(hand, ["kari", "ola"]).items[0]
    assert changed.ordinal == 1 and changed.decision is None


def test_take_agreed_then_agreement_against_consensus(hand):
    assert cons.take_agreed(hand, ["kari", "ola"], "kari") == 1
    assert cons.take_agreed(hand, ["kari", "ola"], "kari") == 0  # once
    assert codings_of(hand, "consensus") == [(1, *turn(0), "kapasitet")]
    for item in cons.walk(hand, ["kari", "ola"]).open:
        cons.decide(hand, item, "kari", "ola")
    report = agr.compute(hand, ["kari", "consensus"])
    assert all(f.percent == 1 for f in report.codes)  # the consensus took kari's every time
    assert agr.compute(hand, ["ola", "consensus"]).overall.percent < 1
    with pytest.raises(CoderError, match="holds the agreed coding"):
        cons.walk(hand, ["kari", "consensus"])


def test_a_coding_over_two_turns_is_decided_turn_by_turn(tmp_path):
    with small_project(tmp_path / "p.coder") as p:
        code(p, "kari", "kompetanse", turn(0)[0], turn(1)[1])  # turns 0 and 1 in one coding
        code(p, "ola", "kompetanse", *turn(1))
        walk = cons.walk(p, ["kari", "ola"])
        assert walk.agreed == 1  # turn 1: the same characters, cut to the turn
        assert [i.ordinal for i in walk.items] == [0]
        cons.decide(p, walk.items[0], "kari", "kari")
        assert codings_of(p, "consensus") == [(1, *turn(0), "kompetanse")]  # cut to the turn


def test_the_consensus_name_is_a_setting(hand):
    with hand.action("setting", "consensus name", "kari"):
        hand.put_setting(CONSENSUS_SETTING, "enighet")
    item = cons.walk(hand, ["kari", "ola"]).items[0]
    cons.decide(hand, item, "kari", "kari")
    assert codings_of(hand, "enighet") == [(1, *turn(1), "kapasitet")]
    assert hand.consensus_decisions("enighet")


def test_coder_consensus_command(tmp_path):
    path = tmp_path / "hand.coder"
    with small_project(path) as project:
        code_hand_example(project)
    runner = CliRunner()
    result = runner.invoke(main, ["consensus", str(path), "--coders", "kari,ola"])
    assert result.exit_code == 0, result.output
    assert "1 passages agreed (0 in the consensus), 3 disagreements: 0 decided, 3 left" in result.output
    assert "Intervju 7 §2  Kapasitet: kari ✓, ola –" in result.output
    taken = runner.invoke(main, ["consensus", str(path), "--coders", "kari,ola", "--take-agreed", "--coder", "kari"])
    assert "took 1 agreed passages as consensus (consensus)" in taken.output
    data = json.loads(runner.invoke(main, ["consensus", str(path), "--coders", "kari,ola", "--json"]).output)
    assert data["agreed_recorded"] == 1 and len(data["open"]) == 3


def test_end_to_end_two_demo_copies_merged_agreement_by_hand_and_every_disagreement_settled(tmp_path):
    """As the issue checks it: two copies of the demo coded differently, merged; agreement equals a plain count;
    the walk settles every disagreement; nothing of either coder is lost."""
    import shutil

    from coder.demo.service import build_demo
    from coder.store import Project
    from coder.team.service import merge_projects

    demo = build_demo(tmp_path / "demo").path
    plans = {
        "kari": {0: "kapasitet", 1: "kapasitet", 2: "mandat", 4: "samarbeid", 6: "kapasitet"},
        "ola": {0: "kapasitet", 2: "kapasitet", 3: "mandat", 4: "samarbeid", 6: "mandat"},
    }
    for coder, plan in plans.items():
        path = shutil.copy(demo, tmp_path / f"{coder}.coder")
        with Project.open(path) as p:
            src = p.sources()[1]
            segs = p.segments(src.id)
            for k, code_id in plan.items():
                editing.code_spans(p, [(src.id, segs[k].start, segs[k].end)], code_id, coder)
    merge_projects(tmp_path / "kari.coder", tmp_path / "ola.coder", tmp_path / "felles.coder", by="kari")
    with Project.open(tmp_path / "felles.coder") as p:
        report = agr.compute(p, ["kari", "ola"])
        units = sorted(set(plans["kari"]) | set(plans["ola"]))  # segments some coder coded: 0 1 2 3 4 6
        for f in report.codes:
            values = {c: [int(plans[c].get(k) == f.code_id) for k in units] for c in plans}
            agree = sum(a == b for a, b in zip(values["kari"], values["ola"], strict=True))
            assert f.units == len(units) and f.percent == pytest.approx(agree / len(units)), f.code_id
            assert f.kappa == pytest.approx(agr.cohen_kappa(values["kari"], values["ola"]))
        assert report.codes[0].percent == pytest.approx(3 / 6)  # kapasitet: 0 both, 3 and 4 neither; 1, 2, 6 one each
        before = sorted((c.coder, c.start, c.end, c.code_id) for c in p.codings())
        walk = cons.walk(p, ["kari", "ola"])
        assert len(walk.items) == 6 and walk.agreed == 2
        for k, item in enumerate(walk.items):
            cons.decide(p, item, ["kari", "ola", "both", "neither"][k % 4], "kari")
        cons.take_agreed(p, ["kari", "ola"], "kari")
        after = cons.walk(p, ["kari", "ola"])
        assert after.open == [] and after.agreed_recorded == 2
        kept = sorted((c.coder, c.start, c.end, c.code_id) for c in p.codings() if c.coder != "consensus")
        assert kept == before
