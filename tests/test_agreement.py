"""Agreement measures: published worked examples, a reference implementation, and a project counted by hand."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.errors import CoderError
from coder.team import agreement as agr
from tests.team_util import code, code_hand_example, small_project, turn

N = None


# -- published worked examples -------------------------------------------------------------------------------------
def test_krippendorff_nominal_four_coders_twelve_units_with_missing_values():
    """Krippendorff (2011), «Computing Krippendorff's Alpha-Reliability», section C: nominal data, four observers,
    twelve units, missing values: α = 0.743."""
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
    assert agr.krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_binary_two_coders_ten_units():
    """Krippendorff (2011), section A: binary data, two observers, no missing values: α = 0.095."""
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert agr.krippendorff_alpha([a, b]) == pytest.approx(0.095, abs=5e-4)
    assert agr.percent_agreement([a, b]) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "kappa"),
    [
        (20, 5, 10, 15, 0.400),  # 50 items: p_o = 0.70, p_e = 0.50
        (45, 15, 25, 15, 0.130),  # 100 items, p_o = 0.60: balanced marginals
        (25, 35, 5, 35, 0.259),  # 100 items, p_o = 0.60: unbalanced marginals, higher kappa
    ],
)
def test_cohen_kappa_textbook_tables(a, b, c, d, kappa):
    """The 2×2 examples of the kappa literature (Cohen 1960's formula; the two 60 %-agreement tables show why
    kappa depends on the marginals)."""
    x = [1] * a + [1] * b + [0] * c + [0] * d
    y = [1] * a + [0] * b + [1] * c + [0] * d
    assert agr.cohen_kappa(x, y) == pytest.approx(kappa, abs=5e-4)
    assert agr.kappa_from_table(a, b, c, d) == pytest.approx(kappa, abs=5e-4)


def test_undefined_coefficients_are_none_not_a_number():
    assert agr.cohen_kappa([0, 0, 0], [0, 0, 0]) is None  # p_e = 1
    assert agr.krippendorff_alpha([[1, 1], [1, 1]]) is None  # no variation
    assert agr.krippendorff_alpha([[1, N], [N, 2]]) is None  # nothing pairable
    assert agr.percent_agreement([[1, N], [N, 2]]) is None
    assert agr.number(None) == "–"


def test_alpha_against_the_reference_implementation():
    """The krippendorff package (PyPI) as a reference on random nominal data with missing values."""
    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    rng = random.Random(7)
    for _ in range(30):
        coders, units = rng.randint(2, 5), rng.randint(5, 40)
        data = [[rng.choice([1, 2, 3, N]) if rng.random() < 0.8 else N for _ in range(units)] for _ in range(coders)]
        mine = agr.krippendorff_alpha(data)
        arr = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
        try:
            theirs = krippendorff.alpha(reliability_data=arr, level_of_measurement="nominal")
        except (ValueError, ZeroDivisionError):
            theirs = None
        if mine is None or theirs is None or np.isnan(theirs):
            continue
        assert mine == pytest.approx(theirs, abs=1e-9)


# -- spans and characters --------------------------------------------------------------------------------------------
def test_overlap_is_intersection_over_union():
    assert agr.overlap_ratio((0, 20), (0, 20)) == 1
    assert agr.overlap_ratio((0, 20), (1, 20)) == pytest.approx(0.95)
    assert agr.overlap_ratio((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert agr.overlap_ratio((0, 10), (10, 20)) == 0


def test_span_matching_at_a_threshold():
    assert agr.matched([(0, 20)], [(1, 20)], 0.9) == 1
    assert agr.matched([(0, 20)], [(1, 20)], 1.0) == 0
    assert agr.matched([(0, 20), (40, 60)], [(50, 70), (0, 20)], 0.9) == 1


def test_character_table():
    # x codes 0-10, y codes 5-15, within 0-20: both 5, only x 5, only y 5, neither 5
    assert agr.char_table([(0, 10)], [(5, 15)], [(0, 20)]) == (5, 5, 5, 5)
    # codings outside the units do not count; overlapping codings of one coder count once
    assert agr.char_table([(0, 10), (2, 8), (30, 40)], [], [(0, 20)]) == (0, 10, 0, 10)


# -- a project counted by hand (docs/team.md) ----------------------------------------------------------------------
@pytest.fixture
def hand(tmp_path):
    with small_project(tmp_path / "hand.coder") as project:
        code_hand_example(project)
        yield project


def test_segment_level_figures_match_the_hand_computation(hand):
    report = agr.compute(hand, ["kari", "ola"])
    rows = {f.code_id: f for f in report.codes}
    assert list(rows) == ["kapasitet", "samarbeid"]  # codes used, codebook order
    kap, sam, overall = rows["kapasitet"], rows["samarbeid"], report.overall
    # units: turns 0-3 (turn 4 nobody coded)
    assert kap.units == 4 and kap.coded == {"kari": 2, "ola": 2}
    assert kap.percent == pytest.approx(0.5)  # kari 1100, ola 1010
    assert kap.kappa == pytest.approx(0.0)  # p_o = p_e = 0.5
    assert kap.alpha == pytest.approx(0.125)  # D_o = 0.5, D_e = 32/56
    assert sam.percent == 1 and sam.kappa == pytest.approx(1) and sam.alpha == pytest.approx(1)
    # overall: 8 decisions, kari 11000001, ola 10100001
    assert overall.units == 8 and overall.percent == pytest.approx(0.75)
    assert overall.kappa == pytest.approx((0.75 - 34 / 64) / (1 - 34 / 64))
    assert overall.alpha == pytest.approx(0.5)  # D_o = 4/16, D_e = 120/240


def test_all_segments_as_units(hand):
    report = agr.compute(hand, ["kari", "ola"], units="all")
    kap = report.codes[0]
    assert kap.units == 5 and kap.percent == pytest.approx(0.6)


def test_span_and_character_agreement_match_the_hand_computation(hand):
    report = agr.compute(hand, ["kari", "ola"])
    kap, sam = report.codes
    assert (kap.span_matched, kap.span_total) == (2, 4)  # turn 0 both ways; turns 1 and 2 unmatched
    assert (sam.span_matched, sam.span_total) == (2, 2)  # 19 of 20 characters: 0.95 ≥ 0.9
    exact = agr.compute(hand, ["kari", "ola"], overlap=1.0).codes[1]
    assert (exact.span_matched, exact.span_total) == (0, 2)
    # characters of turns 0-3 (80): samarbeid both 19, kari only 1, neither 60
    assert sam.char_table == (19, 1, 0, 60)
    assert sam.char_percent == pytest.approx(79 / 80)
    assert sam.char_kappa == pytest.approx(agr.kappa_from_table(19, 1, 0, 60))


def test_codes_sources_and_coders_are_checked(hand):
    assert [f.code_id for f in agr.compute(hand, ["kari", "ola"], code_ids=["samarbeid"]).codes] == ["samarbeid"]
    with pytest.raises(CoderError, match="no codings by per"):
        agr.compute(hand, ["kari", "per"])
    with pytest.raises(CoderError, match="at least two"):
        agr.compute(hand, ["kari"])
    with pytest.raises(CoderError, match="no code nope"):
        agr.compute(hand, ["kari", "ola"], code_ids=["nope"])
    with pytest.raises(CoderError, match="no source called"):
        agr.compute(hand, ["kari", "ola"], sources=["Intervju 99"])


def test_three_coders_alpha_but_no_kappa(hand):
    code(hand, "per", "kapasitet", *turn(0))
    report = agr.compute(hand, ["kari", "ola", "per"])
    kap = report.codes[0]
    assert kap.kappa is None and kap.alpha is not None
    # per coded only turn 0: his codes count once per unit, missing none (0 where he coded nothing)
    assert kap.coded == {"kari": 2, "ola": 2, "per": 1}


def test_sources_not_coded_by_every_coder_are_left_out_and_said(tmp_path):
    with small_project(tmp_path / "p.coder") as project:
        from coder.model import ImportedSource, Segment

        with project.transaction():
            project.add_sources([ImportedSource("document", "Notat", "Bare kari har kodet her.", [Segment(0, 24)])])
        notat = next(s.id for s in project.sources() if s.name == "Notat")
        code(project, "kari", "kapasitet", 0, 10, source_id=notat)
        code_hand_example(project)
        report = agr.compute(project, ["kari", "ola"])
        assert report.sources == ["Intervju 7"] and report.left_out == ["Notat"]
        assert any("left out" in line and "Notat" in line for line in agr.describe(report))
        forced = agr.compute(project, ["kari", "ola"], sources=["Intervju 7", "Notat"])
        assert forced.codes[0].units == 5


def test_coder_agreement_command(tmp_path):
    path = tmp_path / "hand.coder"
    with small_project(path) as project:
        code_hand_example(project)
    runner = CliRunner()
    result = runner.invoke(main, ["agreement", str(path), "--coders", "kari,ola"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["code", "units", "kari", "ola"]
    kap = next(line for line in lines if line.startswith("Kapasitet"))
    assert "50,0 %" in kap and "0,000" in kap and "0,125" in kap and "50,0 % (2/4)" in kap
    overall = next(line for line in lines if line.startswith("Overall"))
    assert "75,0 %" in overall and "0,500" in overall
    as_json = json.loads(runner.invoke(main, ["agreement", str(path), "--coders", "kari,ola", "--json"]).output)
    assert as_json["overall"]["alpha"] == pytest.approx(0.5)
    assert as_json["codes"][0]["span"] == {"matched": 2, "codings": 4, "percent": 0.5}
    bad = runner.invoke(main, ["agreement", str(path), "--coders", "kari,nils"])
    assert bad.exit_code == 1 and "error: no codings by nils" in bad.output
