"""Hostile and damaged files: every importer refuses them in one line naming the file (and the entry or line), never
crashes, never alters the project (issue 17, item 2 and the fuzz test; the bombs of item 1 are in test_zip_bombs.py).

The files are built at test time (tests/hostile.py): small on disk, made in a moment.
"""

from __future__ import annotations

import random
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.codebook.files import MAX_DEPTH, dump_codebook, load_codebook
from coder.codebook.service import load_into
from coder.errors import CoderError, InputError
from coder.exchange.service import export_qdc, export_qdpx, import_qdpx
from coder.ingest import read_source
from coder.ingest.service import import_files, import_survey
from coder.ingest.survey import read_table
from coder.model import Code, Codebook
from coder.store import Project
from tests import hostile as h

SEED = 17


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    return h.seed_files(tmp_path_factory.mktemp("seeds"))


def _transcript(project: Project, path: Path) -> None:
    import_files(project, [path], coder="fuzz")


def _survey(project: Project, path: Path) -> None:
    import_survey(project, path, "id", ["svar"], ["kommune"], coder="fuzz")


def _qdpx(project: Project, path: Path) -> None:
    import_qdpx(project, path, "fuzz")


def _codebook(project: Project, path: Path) -> None:
    load_into(project, path, "fuzz")


def _sidecar(project: Project, path: Path) -> None:
    text = path.with_name("intervju.txt")
    if not text.exists():
        text.write_bytes(h.transcript_text())
    import_files(project, [text], attributes=path, coder="fuzz", replace=True)


IMPORTERS = {
    ".txt": _transcript,
    ".docx": _transcript,
    ".srt": _transcript,
    ".vtt": _transcript,
    ".csv": _survey,
    ".xlsx": _survey,
    ".qdpx": _qdpx,
    ".yaml": _codebook,
    ".json": _codebook,
    ".qdc": _codebook,
    "sidecar.csv": _sidecar,
}
ZIPS = (".docx", ".xlsx", ".qdpx")
PER_KIND = {".docx": 28, ".xlsx": 28, ".qdpx": 28}  # zips have more kinds of damage; the rest 16 each


def _extra(kind: str) -> list[h.Mutation]:
    """Deep trees, for the kinds that hold a code tree."""
    if kind == ".qdc":
        return [("deep 500", h.deep_qdc(500)), ("deep 950", h.deep_qdc(950)), ("deep 5000", h.deep_qdc(5000))]
    if kind == ".qdpx":
        return [("deep 950", h.deep_qdpx(950))]
    if kind == ".yaml":
        alias = (
            b'd: &d "'
            + b"lang " * 1000
            + b'"\ncodes:\n'
            + b"".join(b"  - {id: k%d, label: K%d, description: *d}\n" % (i, i) for i in range(2000))
        )
        return [("parents 950 deep", h.deep_yaml(950)), ("nested lists", b"codes:\n" + b"[" * 5000), ("aliases", alias)]
    if kind == ".json":
        return [("nested lists", b"[" * 100_000 + b"]" * 100_000)]
    return []


@pytest.mark.parametrize("kind", list(IMPORTERS))
def test_fuzz_every_importer_fails_cleanly_and_leaves_the_project_alone(seeds, kind, tmp_path):
    """Mutations of a valid file: the import succeeds or raises CoderError (never another exception), and a failed
    import leaves every row of the project as it was. Seeded: a failure names the mutation to replay."""
    rng = random.Random(f"{SEED}{kind}")
    importer = IMPORTERS[kind]
    suffix = ".csv" if kind == "sidecar.csv" else kind
    cases = list(h.mutations(seeds[kind], rng, PER_KIND.get(kind, 16), kind in ZIPS)) + _extra(kind)
    unexpected = []
    outcomes = {"imported": 0, "refused": 0}
    with Project.create(tmp_path / "p.coder") as project:
        if kind in (".csv", ".xlsx", ".txt", ".docx", ".srt", ".vtt", "sidecar.csv"):
            path = tmp_path / "bok.yaml"
            path.write_bytes(seeds[".yaml"])
            load_into(project, path, "fuzz")
        for i, (what, data) in enumerate(cases):
            path = tmp_path / f"m{i:03d}{suffix}"
            path.write_bytes(data)
            before = h.digest(project)
            try:
                importer(project, path)
                outcomes["imported"] += 1
            except CoderError as exc:
                outcomes["refused"] += 1
                assert h.digest(project) == before, f"{kind} #{i} ({what}): a failed import changed the project"
                assert str(exc).startswith(str(path)) or kind == "sidecar.csv", f"{kind} #{i} ({what}): {exc}"
            except Exception as exc:  # the failure this test exists to find
                unexpected.append(f"{kind} #{i} ({what}): {type(exc).__name__}: {exc}")
    assert not unexpected, "\n".join(unexpected)
    assert outcomes["refused"] > 0


# -- damaged spreadsheets, documents and archives ---------------------------------------------------------
SHEET = "xl/worksheets/sheet1.xml"


def _sheet(seeds, change) -> bytes:
    return h.rezip(seeds[".xlsx"], lambda n, c: h.deflated(n, change(c)) if n == SHEET else h.deflated(n, c))


def _bad_crc(seeds) -> bytes:
    def flip(name: str, content: bytes) -> h.Entry:
        entry = h.deflated(name, content.replace(b"Alta", b"Alto", 1) if name == SHEET else content)
        if name == SHEET:
            entry.crc = h.deflated(name, content).crc  # the CRC of the original: a bit flipped in transit
        return entry

    return h.rezip(seeds[".xlsx"], flip)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_bad_crc, f"entry '{SHEET}' is damaged (BadZipFile: Bad CRC-32"),
        (lambda s: h.rezip(s[".xlsx"], lambda n, c: None if n == SHEET else h.deflated(n, c)), "no sheet to read"),
        (lambda s: _sheet(s, lambda c: c[: len(c) // 2]), f"entry '{SHEET}', line 1, column "),
        (lambda s: _sheet(s, lambda c: c.replace(b"</row>", b"", 1)), "not well-formed XML (mismatched tag)"),
        (lambda s: _sheet(s, lambda c: c.replace(b"Alta", b"Al\x00ta", 1)), "not well-formed XML (invalid token)"),
        (lambda s: _sheet(s, lambda c: c.replace(b"Alta", b"Al\x0bta", 1)), "not well-formed XML (invalid token)"),
        (lambda s: _sheet(s, lambda c: c.replace(b'<row r="5"', b'<row r="99999999"', 1)), "beyond Excel's last row"),
        (lambda s: _sheet(s, lambda c: c.replace(b'r="A2"', b'r="ZZZZZ2"', 1)), "sheet 'Sheet' is damaged"),
    ],
)
def test_a_damaged_xlsx_is_refused_in_one_line(seeds, tmp_path, make, message):
    path = tmp_path / "skadet.xlsx"
    path.write_bytes(make(seeds))
    with Project.create(tmp_path / "p.coder") as project:
        before = h.digest(project)
        with pytest.raises(InputError) as caught:
            _survey(project, path)
        assert h.digest(project) == before
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_a_sheet_that_claims_every_cell_reads_only_the_cells_it_has(seeds, tmp_path):
    path = tmp_path / "dim.xlsx"
    path.write_bytes(
        _sheet(seeds, lambda c: c.replace(b'<dimension ref="A1:C5"/>', b'<dimension ref="A1:XFD1048576"/>'))
    )
    start = time.process_time()
    table = read_table(path)
    assert time.process_time() - start < 2
    assert table.header == ["id", "kommune", "svar"] and len(table.rows) == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n, c: None if n == "word/document.xml" else c, "no item named 'word/document.xml'"),
        (lambda n, c: c.replace(b"<w:b/>", b'<w:b w:val="kanskje"/>') if n == "word/document.xml" else c, "kanskje"),
        (lambda n, c: c[:-40] if n == "word/document.xml" else c, "entry 'word/document.xml', line "),
        (lambda n, c: b"<!DOCTYPE w [<!ENTITY x 'y'>]>" + c if n == "word/styles.xml" else c, "has a DOCTYPE"),
    ],
)
def test_a_damaged_docx_is_refused_in_one_line(seeds, tmp_path, change, message):
    def entry(name: str, content: bytes) -> h.Entry | None:
        changed = change(name, content)
        return None if changed is None else h.deflated(name, changed)

    path = tmp_path / "skadet.docx"
    path.write_bytes(h.rezip(seeds[".docx"], entry))
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def _entry_as(flags: int = 0x800, method: int = zipfile.ZIP_DEFLATED):
    def change(name: str, content: bytes) -> h.Entry:
        entry = h.deflated(name, content)
        if name == "word/document.xml":
            entry.flags, entry.method = flags, method
        return entry

    return change


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: h.rezip(d, _entry_as(flags=0x801)), "entry 'word/document.xml' is encrypted: save the file without"),
        (
            lambda d: h.rezip(d, _entry_as(method=99)),
            "entry 'word/document.xml' cannot be read: That compression method",
        ),
        (lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "an old Office file, or one with a password"),
        (lambda d: b"", "the file is empty"),
    ],
)
def test_an_encrypted_or_foreign_docx_is_refused_in_one_line(seeds, tmp_path, make, message):
    path = tmp_path / "rar.docx"
    path.write_bytes(make(seeds[".docx"]))
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_a_qdpx_with_corrupt_deflate_data_names_the_entry(seeds, tmp_path):
    source = next(n for n, _ in h.entries_of(seeds[".qdpx"]) if n.startswith("sources/"))

    def corrupt(name: str, content: bytes) -> h.Entry:
        entry = h.deflated(name, content)
        if name == source:
            entry.raw = b"\xff" * 8 + entry.raw[8:]  # not a deflate block: zlib.error inside zipfile
        return entry

    path = tmp_path / "skadet.qdpx"
    path.write_bytes(h.rezip(seeds[".qdpx"], corrupt))
    with Project.create(tmp_path / "p.coder") as project:
        before = h.digest(project)
        with pytest.raises(InputError) as caught:
            import_qdpx(project, path, "kn")
        assert h.digest(project) == before
    assert str(caught.value).startswith(f"{path}: entry {source!r} is damaged (error: Error -3")


# -- deep code trees ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 950])
@pytest.mark.parametrize("kind", [".qdc", ".qdpx", ".yaml"])
def test_a_code_tree_deeper_than_any_real_one_is_refused(tmp_path, kind, depth):
    make = {".qdc": h.deep_qdc, ".qdpx": h.deep_qdpx, ".yaml": h.deep_yaml}[kind]
    path = tmp_path / f"dyp{kind}"
    path.write_bytes(make(depth))
    with Project.create(tmp_path / "p.coder") as project:
        before = h.digest(project)
        with pytest.raises(InputError) as caught:
            (_qdpx if kind == ".qdpx" else _codebook)(project, path)
        assert h.digest(project) == before
    assert "nested" in caught.value.message and str(caught.value).startswith(str(path))


@pytest.mark.parametrize("kind", [".qdc", ".yaml"])
def test_a_tree_as_deep_as_allowed_loads_and_goes_out_again(tmp_path, kind):
    path = tmp_path / f"dyp{kind}"
    path.write_bytes((h.deep_qdc if kind == ".qdc" else h.deep_yaml)(MAX_DEPTH))
    with Project.create(tmp_path / "p.coder") as project:
        _codebook(project, path)
        assert len(project.codebook().codes) == MAX_DEPTH
        export_qdc(project, tmp_path / "ut.qdc")
        export_qdpx(project, tmp_path / "ut.qdpx")
    with zipfile.ZipFile(tmp_path / "ut.qdpx") as archive:
        assert archive.read("project.qde").count(b"<Code ") == MAX_DEPTH


def test_a_yaml_alias_is_refused_and_coder_never_writes_one(tmp_path):
    """``*d`` repeats a value without its bytes: 2,000 codes × a 5 KB description from a 40 KB file."""
    path = tmp_path / "alias.yaml"
    path.write_text('d: &d "lang beskrivelse"\ncodes:\n  - {id: a, label: A, description: *d}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    assert str(caught.value) == f"{path}:3: not valid YAML: aliases (*name) are not allowed in a codebook"
    shared = ["venteliste", "kø"]  # one list in two codes: safe_dump would have written an alias
    book = Codebook("b", [Code("a", "A", "", "#c0392b", None, shared), Code("b", "B", "", "#c0392b", None, shared)])
    dump_codebook(book, tmp_path / "ut.yaml")
    assert "*id" not in (tmp_path / "ut.yaml").read_text(encoding="utf-8")
    assert [c.keywords for c in load_codebook(tmp_path / "ut.yaml").codes] == [shared, shared]


# -- the command line ------------------------------------------------------------------------------------
def test_the_cli_names_the_file_and_never_says_unexpected_failure(seeds, tmp_path):
    run = CliRunner()
    assert run.invoke(main, ["init", str(tmp_path / "p")]).exit_code == 0
    project = str(tmp_path / "p.coder")
    bomb_docx = tmp_path / "bombe.docx"
    bomb_docx.write_bytes(h.bombed(seeds, ".docx", 300)[0])
    bomb_qdpx = tmp_path / "bombe.qdpx"
    bomb_qdpx.write_bytes(h.bombed(seeds, ".qdpx", 8)[0])
    crc_xlsx = tmp_path / "crc.xlsx"
    crc_xlsx.write_bytes(_bad_crc(seeds))
    deep_qdc = tmp_path / "dyp.qdc"
    deep_qdc.write_bytes(h.deep_qdc(950))
    deep_qdpx = tmp_path / "dyp.qdpx"
    deep_qdpx.write_bytes(h.deep_qdpx(950))
    cut_docx = tmp_path / "kuttet.docx"
    cut_docx.write_bytes(seeds[".docx"][: len(seeds[".docx"]) // 2])
    commands = [
        (["import", project, str(bomb_docx)], bomb_docx),
        (["import", project, str(cut_docx)], cut_docx),
        (["import-qdpx", project, str(bomb_qdpx)], bomb_qdpx),
        (["import-qdpx", project, str(deep_qdpx)], deep_qdpx),
        (["import-survey", project, str(crc_xlsx), "--id", "id", "--text", "svar"], crc_xlsx),
        (["import-qdc", project, str(deep_qdc)], deep_qdc),
        (["codebook", project, "--load", str(deep_qdc)], deep_qdc),
    ]
    for args, path in commands:
        result = run.invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith(f"error: {path}"), (args, result.output)
        assert "unexpected failure" not in result.output and "Traceback" not in result.output
        assert result.output.count("\n") == 1, result.output
