"""The anonymisation check with the bundled pipeline on a transcript its rules were not tuned on.

tests/fixtures/anon_heldout/intervju-x1.txt was written after the check's precision rules, as a held-out look at
what a user gets: at least 90 % of the planted identifiers found, and the field's own words (Statped, Udir, BUP,
Kompetanseløftet …) and capitalised common words at turn starts left alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.ingest.service import import_files

HERE = Path(__file__).parent / "fixtures" / "anon_heldout"
MODEL = Path(__file__).resolve().parent.parent / "coder" / "nlp" / "model"

PLANTED = {
    "Torstein Bakkelund",
    "Solveig Hagebakken",
    "Marte Lien Øyen",
    "Valdres",
    "Fagernes",
    "Gjøvik",
    "Beitostølen",
    "Leira skole",
    "47 61 22 09",
    "15038712052",  # valid check digits
    "02079112058",  # a date, wrong check digits: flagged, marked less certain
    "15.03.1987",
    "marte.oyen@sykehuset-innlandet.no",
}
NEVER = {"Statped", "Udir", "BUP", "Kompetanseløftet", "Ventetiden", "PP-tjeneste", "Fint", "Forresten"}


@pytest.mark.skipif(not (MODEL / "meta.json").exists(), reason="no bundled pipeline")
def test_every_planted_identifier_is_found_and_nothing_of_the_field(project):
    from coder.anonymise.check import run_check
    from coder.nlp.loading import load_pipeline

    import_files(project, [HERE / "intervju-x1.txt"], coder="t")
    candidates = run_check(project, load_pipeline().nlp)
    found = {c.text for c in candidates}
    missed = {p for p in PLANTED if not any(p in text for text in found)}
    assert 1 - len(missed) / len(PLANTED) >= 0.9, missed  # the bar (1.1.0 misses «Beitostølen»: PROD)
    assert not found & NEVER
    assert any(c.text.startswith("Jernbanevegen 14") for c in candidates if c.kind == "ADDRESS")
    surnames = {h.text for c in candidates if c.text == "Torstein Bakkelund" for h in c.hits}
    assert "Bakkelund" in surnames  # the surname alone joins the full name
    low = [c for c in candidates if c.text == "02079112058"]
    assert low and low[0].confidence == "low"


def test_placeholders_of_an_earlier_anonymisation_are_no_candidates(project):
    """Transcribers anonymise with brackets: «[kommune B]», «[navn]» are what is left, not what slipped through."""
    import spacy

    from coder.anonymise.check import run_check

    nlp = spacy.blank("nb")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "PER", "pattern": "kommune B"}, {"label": "PER", "pattern": "Ola Haugland"}]
    )
    (project.path.parent / "t.txt").write_text(
        "I: Hvem samarbeider dere med?\n\nIP: Med [kommune B] og med Ola Haugland i kommunen.\n", encoding="utf-8"
    )
    import_files(project, [project.path.parent / "t.txt"], coder="t")
    found = {c.text for c in run_check(project, nlp)}
    assert "Ola Haugland" in found and "kommune B" not in found


def test_a_sentence_opening_run_of_common_words_is_no_name(project):
    """«Nærmeste videregående skole ligger …»: capitalised by position only; «Leira skole» inside a sentence stays."""
    import spacy

    from coder.anonymise.check import run_check

    nlp = spacy.blank("nb")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "ORG", "pattern": "Nærmeste videregående skole"}, {"label": "ORG", "pattern": "Leira skole"}]
    )
    (project.path.parent / "s.txt").write_text(
        "I: Hvor går elevene videre?\n\nIP: Nærmeste videregående skole ligger langt unna, men Leira skole "
        "samarbeider vi godt med.\n",
        encoding="utf-8",
    )
    import_files(project, [project.path.parent / "s.txt"], coder="t")
    found = {c.text for c in run_check(project, nlp)}
    assert "Leira skole" in found and "Nærmeste videregående skole" not in found
