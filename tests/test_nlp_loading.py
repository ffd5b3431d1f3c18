"""Which pipeline coder loads: project setting → installed nb_core_news_* → bundled → blank nb + Ordbank.

Every path is exercised with tiny pipelines (blank nb + a sentencizer) saved to temporary folders; the installed
path registers one the way spaCy finds packages (a module on sys.path with ``load()`` and a dist-info).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner

from coder.cli import main
from coder.nlp import loading
from coder.nlp.loading import clear_cache, describe, load_pipeline
from coder.store import Project

ABSENT = ("nb_core_news_absent_in_tests",)


def save_tiny(dest: Path, name: str, version: str = "0.1.0", **meta) -> Path:
    nlp = spacy.blank("nb")
    nlp.add_pipe("sentencizer")
    nlp.meta.update({"name": name, "version": version, **meta})
    nlp.to_disk(dest)
    return dest


@pytest.fixture(scope="module")
def pipes(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pipes")
    return {
        "setting": save_tiny(root / "setting", "from_setting"),
        "bundled": save_tiny(
            root / "bundled",
            "coder_ndt",
            "1.0.0",
            performance={"pos_acc": 0.9712, "lemma_acc": 0.97, "ents_f": 0.8},
            license="CC0 1.0 (annotations)",
            sources=[{"name": "NorNE", "license": "CC0 1.0"}],
            coder={
                "scores_split": "test (UD test)",
                "dev": {"pos_acc": 0.975, "ents_f": 0.81},
                "reference_nb_core_news_sm": {"pos_acc": 0.967, "ents_f": 0.752},
            },
        ),
        "missing": root / "no-such-model",
        "not_a_pipeline": (root / "empty").mkdir() or root / "empty",
    }


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def only(monkeypatch, pipes):
    """Set what exists: ``only(bundled=True, installed=False)``."""

    def choose(bundled: bool, installed: bool = False) -> None:
        monkeypatch.setattr(loading, "BUNDLED", pipes["bundled"] if bundled else pipes["missing"])
        if not installed:
            monkeypatch.setattr(loading, "INSTALLED", ABSENT)

    return choose


@pytest.fixture
def installed_sm(tmp_path, monkeypatch):
    """A pipeline installed as the package ``nb_core_news_sm``, found by spacy.util.is_package and spacy.load."""
    site = tmp_path / "site"
    package = site / "nb_core_news_sm"
    package.mkdir(parents=True)
    save_tiny(package / "nb_core_news_sm-3.8.0", "core_news_sm", "3.8.0")
    meta = json.loads((package / "nb_core_news_sm-3.8.0" / "meta.json").read_text())
    (package / "meta.json").write_text(json.dumps(meta))
    (package / "__init__.py").write_text(
        "from pathlib import Path\n"
        "from spacy.util import load_model_from_init_py\n\n"
        "def load(**overrides):\n"
        "    return load_model_from_init_py(__file__, **overrides)\n"
    )
    info = site / "nb_core_news_sm-3.8.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nb_core_news_sm\nVersion: 3.8.0\n")
    (info / "top_level.txt").write_text("nb_core_news_sm\n")
    assert not spacy.util.is_package("nb_core_news_sm"), "a real nb_core_news_sm is installed: the test would lie"
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield package
    sys.modules.pop("nb_core_news_sm", None)
    importlib.invalidate_caches()


@pytest.fixture(scope="module")
def blank(pipes):
    """The last resort, loaded once for the module (the Ordbank table takes a few seconds)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loading, "BUNDLED", pipes["missing"])
        mp.setattr(loading, "INSTALLED", ABSENT)
        clear_cache()
        return load_pipeline()


# -- each path -------------------------------------------------------------------------------------------------


def test_the_setting_is_loaded_first(only, installed_sm, pipes):
    only(bundled=True, installed=True)
    loaded = load_pipeline(str(pipes["setting"]))
    assert (loaded.origin, loaded.name, loaded.version) == ("setting", "nb_from_setting", "0.1.0")
    assert loaded.path == str(pipes["setting"].resolve())
    assert loaded.warning is None and loaded.tried == []


def test_a_setting_naming_an_installed_package(only, installed_sm):
    only(bundled=True, installed=True)
    loaded = load_pipeline("nb_core_news_sm")
    assert (loaded.origin, loaded.name) == ("setting", "nb_core_news_sm")


@pytest.mark.parametrize("which", ["missing", "not_a_pipeline", "package"])
def test_a_broken_setting_falls_through_with_its_reason(only, pipes, which):
    only(bundled=True)
    setting = "nb_no_such_package" if which == "package" else str(pipes[which])
    loaded = load_pipeline(setting)
    assert loaded.origin == "bundled"
    assert loaded.tried[0][0] == setting
    reason = {"missing": "neither an installed", "not_a_pipeline": "no config.cfg", "package": "neither an installed"}
    assert reason[which] in loaded.tried[0][1]
    assert loaded.warning and setting in loaded.warning and reason[which] in loaded.warning


def test_an_installed_nb_core_news_sm_is_found_like_spacy_finds_it(only, installed_sm):
    only(bundled=True, installed=True)
    assert spacy.util.is_package("nb_core_news_sm")
    loaded = load_pipeline()
    assert (loaded.origin, loaded.name, loaded.version) == ("installed", "nb_core_news_sm", "3.8.0")
    assert loaded.path == str(installed_sm)
    assert loaded.tried == [("nb_core_news_lg", "not installed"), ("nb_core_news_md", "not installed")]
    assert loaded.warning is None
    assert [s.text for s in loaded.nlp("Det går bra. Vi har ventetid.").sents] == ["Det går bra.", "Vi har ventetid."]


def test_installed_beats_bundled_and_bundled_is_next(only, installed_sm, monkeypatch):
    only(bundled=True, installed=True)
    assert load_pipeline().origin == "installed"
    clear_cache()
    monkeypatch.setattr(loading, "INSTALLED", ABSENT)
    loaded = load_pipeline()
    assert (loaded.origin, loaded.name, loaded.version) == ("bundled", "nb_coder_ndt", "1.0.0")


def test_the_bundled_pipeline(only, pipes):
    only(bundled=True)
    loaded = load_pipeline()
    assert loaded.origin == "bundled" and loaded.path == str(pipes["bundled"])
    assert loaded.warning is None
    assert loaded.tried == [(ABSENT[0], "not installed")]
    rows = dict(describe(loaded))
    assert rows["scores (test)"] == "POS 0.971 · lemma 0.970 · NER F 0.800"
    assert rows["scores (dev)"] == "POS 0.975 · NER F 0.810"
    assert rows["nb_core_news_sm"] == "POS 0.967 · NER F 0.752 (published, dev)"
    assert rows["licence"] == "CC0 1.0 (annotations)" and rows["source"] == "NorNE (CC0 1.0)"
    assert rows["components"] == "sentencizer"


def test_the_blank_last_resort_warns_and_lemmatizes_from_the_ordbank(blank, pipes):
    assert (blank.origin, blank.name, blank.path) == ("blank", "blank:nb", None)
    assert "no trained Norwegian pipeline was found" in blank.warning
    assert "entities" in blank.warning and "dictionary" in blank.warning
    assert [c for c, _ in blank.tried] == [ABSENT[0], str(pipes["missing"])]
    assert blank.nlp.pipe_names == ["sentencizer", "lemmatizer"]
    doc = blank.nlp("Henvisningene øker. Vi snakket om kapasiteten, mandatet og sakkyndige vurderinger.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["Henvisningene"] == "henvisning"
    assert (lemmas["kapasiteten"], lemmas["mandatet"], lemmas["sakkyndige"]) == ("kapasitet", "mandat", "sakkyndig")
    assert (lemmas["øker"], lemmas["vurderinger"]) == ("øke", "vurdering")
    tail = blank.nlp("Vi evaluerer kompetanseløftsatsingen i Kristiansandskolen.")
    lemmas = {t.text: t.lemma_ for t in tail}  # a compound Ordbank lacks: its known noun tail; names stay
    assert lemmas["kompetanseløftsatsingen"] == "kompetanseløftsatsing"
    assert lemmas["Kristiansandskolen"] == "Kristiansandskolen"
    assert len(list(doc.sents)) == 2
    assert ("warning", blank.warning) in describe(blank)


def test_blank_respects_exclude(only):
    only(bundled=False)
    loaded = load_pipeline(exclude=["lemmatizer"])
    assert loaded.nlp.pipe_names == ["sentencizer"]


def test_exclude_reaches_spacy(only):
    only(bundled=True)
    assert load_pipeline(exclude=["sentencizer"]).nlp.pipe_names == []


# -- cache and tokenizer -----------------------------------------------------------------------------------------


def test_cached_per_setting_and_exclude_and_the_tokenizer_is_customized_once(only, pipes, monkeypatch):
    calls = []
    monkeypatch.setattr("coder.nlp.tokenizer.customize_tokenizer", lambda nlp: calls.append(nlp) or nlp)
    only(bundled=True)
    first = load_pipeline()
    assert load_pipeline() is first
    assert calls == [first.nlp]
    other = load_pipeline(str(pipes["setting"]))
    assert other is not first and other.origin == "setting"
    assert load_pipeline(exclude=["sentencizer"]) is not first
    assert len(calls) == 3


def test_a_pipeline_for_another_language_is_used_with_a_warning(only, tmp_path):
    only(bundled=True)
    nlp = spacy.blank("en")
    nlp.to_disk(tmp_path / "english")
    loaded = load_pipeline(str(tmp_path / "english"))
    assert loaded.origin == "setting" and "not Norwegian" in loaded.warning


# -- the command line --------------------------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_model_info_prints_the_blank_warning(blank, pipes, monkeypatch):
    monkeypatch.setattr(loading, "BUNDLED", pipes["missing"])
    monkeypatch.setattr(loading, "INSTALLED", ABSENT)
    loading._cache[(None, (), str(pipes["missing"]), ABSENT)] = blank  # reuse the module's blank load
    result = run("model", "info")
    assert result.exit_code == 0, result.output
    assert "blank:nb" in result.stdout
    assert "warning: no trained Norwegian pipeline was found" in result.stderr
    assert all(len(line) <= 80 for line in result.output.splitlines())


def test_model_info_of_a_project_uses_its_setting(only, pipes, tmp_path):
    only(bundled=True)
    with Project.create(tmp_path / "p.coder") as proj, proj.transaction():
        proj.set_setting("nlp_model", str(pipes["setting"]))
    result = run("model", "info", tmp_path / "p")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "nb_from_setting"]
    assert any(line.split()[:2] == ["origin", "setting:"] for line in lines)
    assert "warning" not in result.output


def test_model_info_without_a_setting_shows_the_bundled_scores(only, tmp_path):
    only(bundled=True)
    run("init", tmp_path / "p")
    result = run("model", "info", tmp_path / "p")
    assert result.exit_code == 0, result.output
    assert "nb_coder_ndt" in result.stdout and "POS 0.971" in result.stdout
    assert ["skipped", "nb_core_news_absent_in_tests:", "not", "installed"] in [
        x.split() for x in result.stdout.splitlines()
    ]
    assert result.stderr == ""


def test_model_info_falls_back_from_a_broken_setting_with_a_warning(only, pipes, tmp_path):
    only(bundled=True)
    with Project.create(tmp_path / "p.coder") as proj, proj.transaction():
        proj.set_setting("nlp_model", str(pipes["missing"]))
    result = run("model", "info", tmp_path / "p.coder")
    assert result.exit_code == 0, result.output
    assert "nb_coder_ndt" in result.stdout
    assert result.stderr.startswith("warning: the project's model")


def test_model_use_validates_sets_and_clears(only, pipes, tmp_path):
    only(bundled=True)
    run("init", tmp_path / "p")
    result = run("model", "use", tmp_path / "p", pipes["setting"])
    assert result.exit_code == 0, result.output
    assert "nb_from_setting" in result.output
    with Project.open(tmp_path / "p.coder") as proj:
        assert proj.setting("nlp_model") == str(pipes["setting"].resolve())
    bad = run("model", "use", tmp_path / "p", pipes["not_a_pipeline"])
    assert bad.exit_code == 1
    assert bad.stderr.startswith(f"error: {pipes['not_a_pipeline']}: ") and "no config.cfg" in bad.stderr
    assert "Traceback" not in bad.output
    with Project.open(tmp_path / "p.coder") as proj:
        assert proj.setting("nlp_model") == str(pipes["setting"].resolve())  # unchanged
    assert run("model", "use", tmp_path / "p").exit_code == 2  # neither a name nor --default
    result = run("model", "use", tmp_path / "p", "--default")
    assert result.exit_code == 0 and "default loading order" in result.output
    with Project.open(tmp_path / "p.coder") as proj:
        assert proj.setting("nlp_model") is None
        proj.undo()  # the change is one undoable action
        assert proj.setting("nlp_model") == str(pipes["setting"].resolve())


def test_model_train_reports_bad_data_folders(tmp_path):
    result = run("model", "train", "--data", tmp_path / "nope", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'nope'}: no such folder"
    result = run("model", "train", "--data", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path}: ") and "splits.tsv" in result.stderr
    assert "Traceback" not in result.output
