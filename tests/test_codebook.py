import json

import pytest

from coder.codebook.files import dump_codebook, load_codebook
from coder.errors import InputError
from tests.conftest import REPO, SHARED, write


def test_mini_codebook_loads_with_defaults(fixtures):
    book = load_codebook(fixtures / "mini-kodebok.yaml")
    assert book.name == "Mini" and book.version == 3
    assert [c.id for c in book.codes] == ["kapasitet", "ventetid", "tidlig_innsats_tett_pa"]
    assert book.codes[1].parent == "kapasitet"
    assert book.codes[0].keywords == ["kapasitet", "ventetid", "for få årsverk"]
    assert book.codes[2].colour.startswith("#") and len(book.codes[2].colour) == 7


def test_shipped_ppt_codebook():
    book = load_codebook(REPO / "codebooks" / "ppt.yaml")
    ids = {c.id for c in book.codes}
    assert {
        "kapasitet",
        "mandat",
        "kompetanseloftet",
        "samarbeid",
        "tidlig_innsats",
        "systemrettet",
        "sakkyndig",
        "kompetanse",
        "henvisninger",
        "overganger",
        "organisering",
        "inkludering",
    } <= ids
    for code in book.codes:
        assert code.description and code.keywords, code.id
    assert len({c.colour for c in book.codes if c.parent is None}) == len([c for c in book.codes if c.parent is None])


@pytest.mark.skipif(not (SHARED / "eval" / "codebook.json").exists(), reason="../shared not present")
def test_eval_codebook_json_loads():
    book = load_codebook(SHARED / "eval" / "codebook.json")
    raw = json.loads((SHARED / "eval" / "codebook.json").read_text(encoding="utf-8"))
    assert [c.id for c in book.codes] == [c["id"] for c in raw["codes"]]
    assert book.codes[0].keywords == raw["codes"][0]["keywords"]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_loses_nothing(fixtures, tmp_path, suffix):
    book = load_codebook(fixtures / "mini-kodebok.yaml")
    dump_codebook(book, tmp_path / f"ut{suffix}")
    assert load_codebook(tmp_path / f"ut{suffix}") == book


@pytest.mark.parametrize(
    "body, message, line",
    [
        ("codes:\n  - id: a\n    label: A\n  - id: a\n    label: B\n", "code 'a': duplicate id (first at line 2)", 4),
        ("codes:\n  - id: a\n    parent: b\n", "code 'a': unknown parent 'b'", 2),
        ("codes:\n  - id: a\n    parent: b\n  - id: b\n    parent: a\n", "cycle", 2),
        ("codes:\n  - id: a\n    colour: rød\n", "code 'a': bad colour 'rød'", 2),
        ("codes:\n  - id: A B\n", "an id has lowercase", 2),
        ("codes:\n  - id: a\n    farge: '#fff'\n", "unknown field 'farge'", 2),
        ("codes:\n  - id: a\n    keywords: {x: 1}\n", "keywords must be a list", 2),
        ("codes: [\n", "not valid YAML", 2),
        ("name: x\n", "needs a 'codes' list", None),
    ],
)
def test_validation_names_file_entry_and_line(tmp_path, body, message, line):
    path = write(tmp_path / "bok.yaml", body)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        load_codebook(path)
    assert err.value.path.endswith("bok.yaml")
    assert err.value.line == line


def test_bad_json_names_line(tmp_path):
    with pytest.raises(InputError, match="not valid JSON") as err:
        load_codebook(write(tmp_path / "b.json", '{"codes": [\n  {"id": "a",}\n]}'))
    assert err.value.line == 2
