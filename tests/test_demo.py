"""The demo project built from corpus/ and codebooks/, as `coder demo` builds it."""

import json

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.demo.service import build_demo
from coder.store import Project


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    result = build_demo(tmp_path_factory.mktemp("demo"))
    with Project.open(result.path) as proj:
        yield proj


def test_interviews_in_several_formats_with_speakers_and_attributes(demo):
    interviews = [s for s in demo.sources() if s.kind == "transcript"]
    assert len(interviews) >= 8
    assert len({s.meta["format"] for s in interviews}) >= 3
    cases = {c.name: c for c in demo.cases()}
    kinds = set()
    for source in interviews:
        assert source.n_words >= 1500, source.name
        assert len(source.meta["speakers"]) >= 2, source.name
        attrs = cases[source.case].attributes
        assert {"tjenestetype", "årsverk", "landsdel"} <= set(attrs), source.name
        kinds.add(attrs["tjenestetype"].value)
        text = demo.source_text(source.id)
        assert any(ch in text for ch in "æøå"), source.name
    assert kinds == {"Kommunal", "Interkommunal", "Fylkeskommunal"}


def test_survey_answers_with_respondent_attributes(demo):
    survey = [s for s in demo.sources() if s.kind == "survey"]
    assert len(survey) == 3
    assert sum(s.n_segments for s in survey) >= 200
    respondents = [c for c in demo.cases() if c.name.startswith("R")]
    assert len(respondents) >= 75
    assert all("tjenestetype" in c.attributes for c in respondents)


def test_codebook_loaded(demo):
    ids = {c.id for c in demo.codebook().codes}
    assert {"kapasitet", "mandat", "kompetanseloftet", "inkludering"} <= ids


def test_demo_command_builds_once_then_reopens(tmp_path):
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--path", str(tmp_path), "--no-tui"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"built {tmp_path / 'demo.coder'}: ")
    second = runner.invoke(main, ["demo", "--path", str(tmp_path), "--no-tui"])
    assert "opened existing" in second.output
    stats = json.loads(runner.invoke(main, ["stats", str(tmp_path / "demo.coder"), "--json"]).output)
    assert stats["sources"] >= 11 and stats["codes"] >= 12
    assert not (tmp_path / "demo.coder.partial").exists()


def test_the_anonymisation_check_finds_what_was_left_in_the_demo_and_nothing_else(demo):
    """The demo keeps one un-anonymised interview passage on purpose (name, e-mail, phone, address); everything
    else in it is anonymised, so any other candidate is a false alarm a new user would see first."""
    from coder.anonymise.check import run_check
    from coder.nlp.loading import load_pipeline

    found = {(c.kind, c.text) for c in run_check(demo, load_pipeline().nlp)}
    assert found == {
        ("PER", "Kari Nordvik"),
        ("EMAIL", "kari.nordvik@example.no"),
        ("PHONE", "918 47 263"),
        ("ADDRESS", "Storgata 14"),
    }
