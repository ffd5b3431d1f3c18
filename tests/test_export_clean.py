"""``coder export quotes --clean`` and the small things of the DOCX: the cleanup proposal for a whole export
(a saved report text always wins, cleaned quotes are marked in the trace, the project keeps the words as said,
[…] and a capital mid-sentence), one heading for one code, «Nr.» on one line, attribution capitals and the
coder's name instead of the OS user's. The project is the one of tests/test_export_quotes.py."""

from __future__ import annotations

import csv

import docx
import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.export import attribution
from coder.export import service as quotes
from coder.export.cleanup import segment_bounds
from coder.export.passages import CLEANED_NOTE
from coder.export.quotes import collect, write
from coder.store import Project
from tests.test_export_quotes import TURN_A2, TURN_B1, TURN_B2, build, code


@pytest.fixture
def project(tmp_path):
    """Interview B's first turn coded whole (a filler «Altså,»), a fragment of its second cut mid-sentence, and
    interview A's second turn with a saved report text."""
    path = build(tmp_path / "p.coder")
    with Project.open(path) as p:
        code(p, "Intervju B", TURN_B1, "kapasitet")
        code(p, "Intervju B", "et felles språk med barnehagene", "kompetanse")
        saved = code(p, "Intervju A", TURN_A2, "kapasitet")
        quotes.set_report_text(p, saved, "Det har blitt bedre, sier hun.", "AB")
    return path


def by_source(export):
    return {q.source: q for q in export.quotes}


def test_clean_applies_the_proposal_to_quotes_without_a_saved_report_text(project):
    with Project.open(project) as p:
        plain = by_source(collect(p, ["kapasitet", "kompetanse"]))
        cleaned = collect(p, ["kapasitet", "kompetanse"], clean=True)
        saved_after = [p.report_text(c) for q in cleaned.quotes for c in q.coding_ids]
    quotes_ = {q.text: q for q in cleaned.quotes}
    b1 = quotes_[TURN_B1]
    assert b1.printed == "Vi er fire årsverk for fem kommuner. Det går ikke i hop, og skolene merker det."
    assert b1.cleaned and b1.text == TURN_B1  # the words as said are kept beside it
    fragment = quotes_["et felles språk med barnehagene"]
    assert fragment.printed == "[…] Et felles språk med barnehagene […]"  # mid-sentence: […] and a capital
    a2 = quotes_[TURN_A2]
    assert a2.printed == "Det har blitt bedre, sier hun." and not a2.cleaned  # a saved report text wins
    assert not any(q.cleaned for q in plain.values())
    assert plain["Intervju B"].printed in (TURN_B1, "et felles språk med barnehagene")
    # nothing saved: the project still holds only the one report text it had
    assert sorted(t for t in saved_after if t) == ["Det har blitt bedre, sier hun."]
    assert any(f"1 er {CLEANED_NOTE}" in line or f"2 er {CLEANED_NOTE}" in line for line in cleaned.selection)


def test_cleaned_quotes_are_marked_in_the_trace_of_docx_and_csv(project, tmp_path):
    with Project.open(project) as p:
        export = collect(p, ["kapasitet", "kompetanse"], clean=True)
    write(export, tmp_path / "s.docx")
    table = docx.Document(str(tmp_path / "s.docx")).tables[-1]
    rows = [[c.text for c in r.cells] for r in table.rows]
    marked = {r[0] for r in rows[1:] if CLEANED_NOTE in r[-1]}
    assert marked == {str(q.number) for q in export.quotes if q.cleaned} and len(marked) == 2
    write(export, tmp_path / "s.csv")
    with open(tmp_path / "s.csv", encoding="utf-8-sig", newline="") as fh:
        read = list(csv.DictReader(fh, delimiter=";"))
    assert {r["quote"]: r["cleaned"] for r in read} == {str(q.number): str(int(q.cleaned)) for q in export.quotes}
    assert all(r["text"] != r["report_text"] for r in read if r["cleaned"] == "1")


def test_the_cli_cleans_with_clean_and_not_without(project, tmp_path):
    runner = CliRunner()
    out = tmp_path / "k.docx"
    args = ["export", "quotes", str(project), "--code", "kapasitet", "-o", str(out)]
    done = runner.invoke(main, [*args, "--clean"])
    assert done.exit_code == 0, done.output
    assert "1 with an edited report text, 1 cleaned automatically" in done.output
    text = "\n".join(par.text for par in docx.Document(str(out)).paragraphs)
    assert "Altså" not in text and "Det går ikke i hop" in text
    assert runner.invoke(main, args).exit_code == 0
    assert "Altså, det går ikke i hop" in "\n".join(par.text for par in docx.Document(str(out)).paragraphs)


def test_one_code_has_one_heading_and_nr_stays_on_one_line(project, tmp_path):
    with Project.open(project) as p:
        export = collect(p, ["kapasitet"])
    write(export, tmp_path / "s.docx")
    document = docx.Document(str(tmp_path / "s.docx"))
    headings = [(par.style.name, par.text) for par in document.paragraphs if par.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Sitater: Kapasitet"), ("Heading 1", "Sporbarhet")]
    header = document.tables[-1].rows[0].cells[0]
    assert header.text == "Nr." and header.width.cm >= 1.0  # 0.8 cm broke it «Nr / .» in Word


def test_attribution_capitalises_only_its_first_letter():
    render = attribution.render
    assert render(attribution.DEFAULT, {"tjenestetype": "Kommunal", "rolle": "Rektor"}) == "(Kommunal rektor)"
    assert render(attribution.DEFAULT, {"tjenestetype": "kommunal", "rolle": "PP-leder"}) == "(Kommunal PP-leder)"
    assert render(attribution.DEFAULT, {"tjenestetype": "Interkommunal", "rolle": "NAV-veileder"}) == (
        "(Interkommunal NAV-veileder)"
    )
    assert render("({rolle} {tjeneste})", {"rolle": "Rådgiver", "tjeneste": "Statped-avdeling"}) == (
        "(Rådgiver Statped-avdeling)"
    )
    assert render("({rolle}, {sted})", {"rolle": "rektor", "sted": "Bergen"}) == "(Rektor, Bergen)"


def test_the_trace_names_the_projects_coder_not_the_os_user(project, monkeypatch):
    import coder.ingest.service as ingest

    monkeypatch.delenv("CODER_NAME", raising=False)
    monkeypatch.setattr(ingest, "default_coder", lambda: "root")
    with Project.open(project) as p:
        code(p, "Intervju B", TURN_B2, "kapasitet", coder="root")
        assert "root" in collect(p, ["kapasitet"]).quotes[-1].coders  # no name known: what was recorded
        with p.transaction():
            p.put_setting("coder", "Kari Nordmann")
        coders = {c for q in collect(p, ["kapasitet"]).quotes for c in q.coders}
    assert "root" not in coders and "Kari Nordmann" in coders and "AB" in coders


def test_segment_bounds():
    spans = [(0, 10), (12, 30), (32, 40)]
    assert segment_bounds(spans, 14, 20, 40) == (12, 30)
    assert segment_bounds(spans, 5, 35, 40) == (0, 40)
    assert segment_bounds([], 3, 5, 9) == (0, 9)
