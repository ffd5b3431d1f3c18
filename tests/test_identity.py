"""Who is coding: the name's order of precedence, and every write path records it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.coding import service as editing
from coder.errors import CoderError
from coder.export import service as quotes
from coder.project.service import open_for_work
from coder.team import identity
from tests.team_util import code, small_project, turn


def test_given_then_setting_then_environment_then_os_user(tmp_path, monkeypatch):
    monkeypatch.delenv(identity.ENVIRONMENT, raising=False)
    with small_project(tmp_path / "p.coder") as p:
        from coder.ingest.service import default_coder

        assert identity.current(p) == default_coder()
        monkeypatch.setenv(identity.ENVIRONMENT, "  Ola   Hansen ")
        assert identity.current(p) == "Ola Hansen"
        identity.set_coder(p, "kari")
        assert identity.current(p) == "kari" and "setting" in identity.source_of(p)
        assert identity.current(p, "  per ") == "per"
        assert p.actions()[-1]["coder"] == "kari"  # the setting is an undoable action by the new name
        editing.undo(p)
        assert identity.current(p) == "Ola Hansen"
        with pytest.raises(CoderError, match="comma"):
            identity.set_coder(p, "kari,ola")
    for given, expected in (("gitt", "gitt"), (None, "Ola Hansen")):
        work = open_for_work(tmp_path / "p.coder", given)  # what `coder open [--coder]` does: lock, open, name
        assert work.coder == expected
        work.close()


def test_every_write_path_records_the_coder(tmp_path):
    with small_project(tmp_path / "p.coder") as p:
        sid = p.sources()[0].id
        coding = code(p, "kari", "kapasitet", *turn(0))
        assert p.coding(coding).coder == "kari"
        editing.write_memo(p, "coding", coding, "Godt sitat.", "kari")
        assert p.memo("coding", coding).coder == "kari"
        editing.write_memo(p, "coding", coding, "Godt sitat, sier ola.", "ola")
        assert p.memo("coding", coding).coder == "ola"  # the last to write it
        quotes.set_report_text(p, coding, "Ventetida er for lang.", "ola")
        editing.mark_quote(p, coding, True, "per")
        editing.rename_code(p, "samarbeid", "Samarbeid og samhandling", "kari")
        editing.new_code(p, "Ventetid", "kapasitet", "ola")
        segment = p.segments(sid)[1].id
        with p.action("suggest", "rejected Mandat", "ola"):
            p.decide_suggestion(segment, "kompetanse", "rejected", "ola", 0.3, {})
        log = [(a["kind"], a["coder"]) for a in p.actions()]
        assert ("report-text", "ola") in log and ("quote", "per") in log
        assert ("code-edit", "kari") in log and ("code-add", "ola") in log and ("suggest", "ola") in log
        assert p.coder_activity()["ola"]["decisions"] == 1


def test_two_coders_can_code_the_same_span(tmp_path):
    """A second coder's coding of a span another coder has coded with the same code is a coding of its own."""
    with small_project(tmp_path / "p.coder") as p:
        code(p, "kari", "kapasitet", *turn(0))
        code(p, "ola", "kapasitet", *turn(0))
        assert p.coders_with_codings() == {"kari": 1, "ola": 1}
        assert not editing.code_spans(p, [(p.sources()[0].id, *turn(0))], "kapasitet", "ola")  # but not twice


def test_coder_whoami_command(tmp_path, monkeypatch):
    monkeypatch.delenv(identity.ENVIRONMENT, raising=False)
    path = tmp_path / "p.coder"
    with small_project(path) as p:
        code(p, "kari", "kapasitet", *turn(0))
    runner = CliRunner()
    result = runner.invoke(main, ["whoami", str(path), "--set", "Kari Nordmann"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Kari Nordmann  (the project's setting")
    assert "kari                 1 codings" in result.output
    assert runner.invoke(main, ["whoami", str(path), "--coder", "ola"]).output.startswith("ola  (given with --coder)")
    cleared = runner.invoke(main, ["whoami", str(path), "--clear"])
    assert "the user name of the operating system" in cleared.output
