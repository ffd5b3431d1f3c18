"""The command line's messages from a researcher's first hour (issue 18, item 11): a code named by its label or
mistyped, the help of a command reachable under two names, and `coder open` without a terminal."""

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.cli.codes import resolve_code
from coder.errors import CoderError
from coder.model import Code


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], prog_name="coder")

    return invoke


@pytest.fixture
def proj(run, tmp_path, fixtures):
    path = tmp_path / "ppt"
    assert run("init", path, "--codebook", fixtures / "mini-kodebok.yaml").exit_code == 0
    return tmp_path / "ppt.coder"


COMMANDS = [
    ("export", "quotes", "{p}", "-o", "{d}/q.md"),
    ("export", "chapter", "{p}", "-o", "{d}/k.docx"),
    ("export", "chart", "{p}", "--by", "tjenestetype", "-o", "{d}/c.png"),
    ("agreement", "{p}", "--coders", "a,b"),
    ("consensus", "{p}", "--coders", "a,b"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_code_option_takes_labels_and_offers_the_nearest_code(run, proj, tmp_path, command):
    args = [a.format(p=proj, d=tmp_path) for a in command]
    typo = run(*args, "--code", "Kapasitt")
    assert typo.exit_code == 1
    assert "no code 'Kapasitt'; did you mean 'kapasitet' (Kapasitet)?" in typo.output
    label = run(*args, "--code", "KAPASITET")  # a label, in any case, is the code
    assert "no code" not in label.output, label.output


def test_resolver_ids_labels_ambiguity_and_nothing_near():
    codes = [Code("kapasitet", "Kapasitet"), Code("vt1", "Ventetid"), Code("v2", "Ventetid")]
    assert resolve_code(codes, "kapasitet") == "kapasitet"
    assert resolve_code(codes, "  kapaSITET ") == "kapasitet"
    assert resolve_code(codes, "V2") == "v2"
    with pytest.raises(CoderError, match="'vt1', 'v2' are all called that"):
        resolve_code(codes, "ventetid")
    with pytest.raises(CoderError, match=r"no code 'qqqq' in the project \(coder codebook PROJECT lists them\)"):
        resolve_code(codes, "qqqq")


def test_export_tables_help_shows_the_path_it_was_called_by(run):
    export = run("export", "tables", "--help").output
    assert "coder export tables ppt frequencies" in export
    assert "  coder tables " not in export
    assert "  coder tables ppt frequencies" in run("tables", "--help").output


def test_open_without_a_terminal_gives_advice_that_works(run, proj, monkeypatch):
    monkeypatch.delenv("CODER_FORCE_TUI", raising=False)
    result = run("open", proj)
    assert result.exit_code == 1
    assert "--no-tui" not in result.output  # coder open has no such option
    assert f"coder sources {proj}" in result.output and f"coder open {proj}" in result.output
    assert run("sources", proj).exit_code == 0  # the advice works
