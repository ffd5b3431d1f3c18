"""The command line as a user types it: exit codes and the words printed."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from coder.cli import main
from tests.conftest import write


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args])

    return invoke


def test_init_import_sources_stats(run, tmp_path, fixtures):
    proj = tmp_path / "ppt"
    result = run("init", proj, "--codebook", fixtures / "mini-kodebok.yaml")
    assert result.exit_code == 0, result.output
    assert "created" in result.output and "3 codes" in result.output
    assert (tmp_path / "ppt.coder").exists()
    result = run("import", proj, fixtures / "intervju-kort.txt", fixtures / "intervju-kort.vtt")
    assert result.exit_code == 0, result.output
    assert "added    Testintervju  (transcript, 6 turns, I 3, IP 3, utf-8)" in result.output
    result = run(
        "import-survey",
        proj,
        fixtures / "svar.csv",
        "--id",
        "id",
        "--text",
        "kapasitet",
        "--text",
        "endring",
        "--attr",
        "tjenestetype",
        "--attr",
        "landsdel",
    )
    assert result.exit_code == 0, result.output
    assert "kapasitet: 2 answers imported, 2 empty skipped" in result.output
    result = run("sources", proj)
    assert "Interviews" in result.output and "Survey questions" in result.output
    assert "Kommunal · 6-15 · Vest" in result.output
    result = run("stats", proj, "--json")
    counts = json.loads(result.output)
    assert set(counts) == {"sources", "segments", "words", "cases", "codes", "codings"}
    assert counts["sources"] == 4 and counts["segments"] == 6 + 4 + 2 + 3 and counts["codes"] == 3


def test_input_errors_exit_1_with_file_and_line(run, tmp_path, fixtures):
    proj = tmp_path / "p.coder"
    run("init", proj)
    bad = write(tmp_path / "lang.csv", "id;svar\nR1;ok\nR2;en;to\n")
    result = run("import-survey", proj, bad, "--id", "id", "--text", "svar")
    assert result.exit_code == 1
    assert (
        result.output.strip() == f"error: {bad}:3: row has 3 cells but the header has 2 "
        "(a ';' inside an unquoted cell?)"
    )
    result = run("import", proj, tmp_path / "borte.txt")
    assert result.exit_code == 1 and "borte.txt: no such file" in result.output
    result = run("import", tmp_path / "ingen.coder", fixtures / "intervju-kort.txt")
    assert result.exit_code == 1 and "no such project" in result.output
    run("import", proj, fixtures / "intervju-kort.txt")
    result = run("import", proj, fixtures / "intervju-kort.txt")
    assert result.exit_code == 1 and "already imported" in result.output
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(run, tmp_path):
    assert run("import-survey", tmp_path / "p.coder", "x.csv").exit_code == 2  # --id and --text missing
    assert run("nosuchcommand").exit_code == 2
    run("init", tmp_path / "p.coder")
    assert run("codebook", tmp_path / "p.coder", "--load", "a.yaml", "--export", "b.yaml").exit_code == 2


def test_codebook_load_export_show(run, tmp_path, fixtures):
    proj = tmp_path / "p.coder"
    run("init", proj)
    result = run("codebook", proj, "--load", fixtures / "mini-kodebok.yaml")
    assert result.exit_code == 0 and "3 codes added" in result.output
    result = run("codebook", proj)
    assert "ventetid" in result.output and "  Ventetid" in result.output  # child indented
    result = run("codebook", proj, "--export", tmp_path / "ut.yaml")
    assert result.exit_code == 0
    assert run("codebook", proj, "--load", tmp_path / "ut.yaml").output.endswith("0 updated, 3 unchanged\n")
    bad = write(tmp_path / "feil.yaml", "codes:\n  - id: a\n  - id: b\n    parent: x\n")
    result = run("codebook", proj, "--load", bad)
    assert result.exit_code == 1 and f"error: {bad}:3: code 'b': unknown parent 'x'" in result.output


def test_unexpected_failure_is_one_line_not_a_traceback(run, tmp_path, fixtures, monkeypatch):
    import coder.ingest.service

    run("init", tmp_path / "p.coder")
    monkeypatch.setattr(coder.ingest.service, "save", lambda *a, **k: 1 / 0)
    result = run("import", tmp_path / "p.coder", fixtures / "intervju-kort.txt")
    assert result.exit_code == 1
    assert "unexpected failure (ZeroDivisionError" in result.output and "Traceback" not in result.output


def test_console_script_runs(tmp_path):
    """The installed entry point, as a shell user runs it."""
    out = subprocess.run(
        [sys.executable, "-m", "coder.cli", "init", str(tmp_path / "x")], capture_output=True, text=True
    )
    assert out.returncode == 0 and "created" in out.stdout
