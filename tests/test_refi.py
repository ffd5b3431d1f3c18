"""REFI-QDA exchange: .qdpx and .qdc out, validated against the official schemas, and back in.

The schemas are in tests/fixtures/refi/ (see its README). The hand-made projects there are written
the way ATLAS.ti, NVivo and MAXQDA write theirs, traps included: ``Sources/`` in upper case, CRLF
counted as one position (ATLAS.ti) or two (the others), GUIDs in braces, a BOM, nameless cases.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from coder.cli import main
from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.demo.service import build_demo
from coder.errors import InputError
from coder.exchange import guids
from coder.exchange.positions import read_back, render
from coder.exchange.service import export_qdc, export_qdpx, import_qdc, import_qdpx
from coder.ingest.service import import_files
from coder.model import Code, Codebook, Segment
from coder.store import Project
from tests.conftest import FIXTURES, snapshot, write

REFI = FIXTURES / "refi"
PROJECT_XSD = etree.XMLSchema(etree.parse(str(REFI / "Project-mrt2019.xsd")))
CODEBOOK_XSD = etree.XMLSchema(etree.parse(str(REFI / "Codebook.xsd")))


# -- fixtures and helpers ----------------------------------------------------------------------
def _code_demo(project: Project) -> None:
    """Codings by two coders (whole turns, parts of turns, a passage over three turns) and a memo of each kind."""
    codes = [c.id for c in project.codebook().codes]
    k = 0
    for source in project.sources():
        text = project.source_text(source.id)
        segs = project.segments(source.id)
        for i in (1, 4, 9):
            if i >= len(segs):
                continue
            seg = segs[i]
            k += 1
            editing.code_spans(project, [(source.id, seg.start, seg.end)], codes[k % len(codes)], "kn")
            words = text[seg.start : seg.end].split(" ")
            if len(words) > 3:
                a = seg.start + len(words[0]) + 1
                b = a + len(" ".join(words[1:6]))
                editing.code_spans(project, [(source.id, a, b)], codes[(k + 3) % len(codes)], "ab")
        if len(segs) > 4:
            editing.code_spans(project, [(source.id, segs[2].start, segs[4].end)], codes[0], "kn")
    first = project.codings()[0]
    editing.write_memo(project, "coding", first.id, "Godt sitat om ventetiden; brukes i kapittel 3.", "kn")
    editing.write_memo(project, "code", "kapasitet", "Skill kapasitet fra bemanning når vi koder.", "kn")
    sources = project.sources()
    editing.write_memo(project, "source", sources[0].id, "Opptaket stoppet i ti minutter midtveis.", "ab")
    interview_seg = project.segments(sources[1].id)[3]
    editing.write_memo(project, "segment", interview_seg.id, "Uklart i lydfila her.", "ab")
    survey = next(s for s in sources if s.kind == "survey")
    answer = project.segments(survey.id)[5]
    editing.write_memo(project, "segment", answer.id, "Svaret er kuttet av i skjemaet.", "kn")
    editing.write_memo(project, "project", "", "Evaluering av PP-tjenesten 2026: arbeidsnotater.", "kn")


@pytest.fixture(scope="module")
def coded_demo(tmp_path_factory) -> Path:
    path = build_demo(tmp_path_factory.mktemp("refi-demo")).path
    with Project.open(path) as project:
        _code_demo(project)
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_copy(coded_demo, tmp_path) -> Path:
    target = tmp_path / "kopi.coder"
    shutil.copy(coded_demo, target)
    return target


def zipped(tool: str, target: Path) -> Path:
    """A hand-made project folder in tests/fixtures/refi/ zipped into a .qdpx."""
    folder = REFI / tool
    out = target / f"{tool}.qdpx"
    with zipfile.ZipFile(out, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return out


def qde_of(qdpx: Path) -> etree._Element:
    with zipfile.ZipFile(qdpx) as archive:
        return etree.fromstring(archive.read("project.qde"))


def everything(project: Project) -> dict:
    """What a round trip must keep, keyed by names (ids differ between projects)."""
    names = {s.id: s.name for s in project.sources()}
    labels = {c.id: c.label for c in project.codebook().codes}
    codings = {c.id: (names[c.source_id], c.start, c.end, labels[c.code_id]) for c in project.codings()}
    segments = {}
    for s in project.sources():
        for g in project.segments(s.id):
            segments[g.id] = (s.name, g.start)
    memo_key = {
        "project": lambda t: "",
        "source": lambda t: names[int(t)],
        "code": lambda t: labels[t],
        "coding": lambda t: codings[int(t)],
        "segment": lambda t: segments[int(t)],
    }
    return {
        "sources": {
            s.name: (s.kind, s.group, s.case, project.source_text(s.id),
                     [(g.start, g.end, g.speaker, g.case, g.t_start) for g in project.segments(s.id)])
            for s in project.sources()
        },
        "codes": sorted(
            (c.label, labels.get(c.parent), c.colour, c.description) for c in project.codebook().codes
        ),
        "codings": sorted(
            (names[c.source_id], c.start, c.end, labels[c.code_id], c.coder) for c in project.codings()
        ),
        "cases": {c.name: {k: (a.value, a.type) for k, a in c.attributes.items()} for c in project.cases()},
        "memos": sorted((m.target_kind, memo_key[m.target_kind](m.target_id), m.text) for m in project.all_memos()),
    }  # fmt: skip


def coded_texts(project: Project) -> list[tuple[str, str]]:
    out = []
    labels = {c.id: c.label for c in project.codebook().codes}
    for c in project.codings():
        out.append((labels[c.code_id], project.source_text(c.source_id)[c.start : c.end]))
    return sorted(out)


# -- export ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("crlf", [False, True])
def test_export_is_valid_against_the_refi_project_schema(coded_demo, tmp_path, crlf):
    out = tmp_path / "demo.qdpx"
    with Project.open(coded_demo) as project:
        report = export_qdpx(project, out, crlf=crlf)
        n_sources, n_codings = len(project.sources()), len(project.codings())
    root = qde_of(out)
    assert PROJECT_XSD.validate(root), PROJECT_XSD.error_log
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    assert report.sources == n_sources == 11 and report.codings == n_codings > 40
    ns = {"q": "urn:QDA-XML:project:1.0"}
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert all(n == "project.qde" or n.startswith("sources/") for n in names)  # lower case, as the standard says
        for source in root.iterfind(".//q:TextSource", ns):
            assert source.get("richTextPath") is None  # ATLAS.ti fails on a .txt given as rich text
            path = source.get("plainTextPath")
            assert path.startswith("internal://") and f"sources/{path[len('internal://') :]}" in names
            text = archive.read(f"sources/{path[len('internal://') :]}").decode("utf-8")
            assert ("\r\n" in text) == crlf and not text.startswith("\ufeff")
    assert len(root.findall(".//q:Coding", ns)) == n_codings
    assert len(root.findall(".//q:Case", ns)) == 178
    assert root.find(".//q:Code[@name='Kompetanseløftet']", ns) is not None


def test_codebook_export_is_valid_against_the_codebook_schema(coded_demo, tmp_path):
    out = tmp_path / "ppt.qdc"
    with Project.open(coded_demo) as project:
        assert export_qdc(project, out) == len(project.codebook().codes)
    root = etree.parse(str(out)).getroot()
    assert CODEBOOK_XSD.validate(root), CODEBOOK_XSD.error_log
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    children = root.findall(".//{*}Code[@name='Kapasitet']/{*}Code")
    assert {c.get("name") for c in children} == {"Ventetid", "Bemanning og fravær"}


def test_exporting_twice_gives_the_same_bytes(coded_demo, tmp_path):
    with Project.open(coded_demo) as project:
        export_qdpx(project, tmp_path / "a.qdpx")
        export_qdpx(project, tmp_path / "b.qdpx")
        export_qdc(project, tmp_path / "a.qdc")
        export_qdc(project, tmp_path / "b.qdc")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()
    assert (tmp_path / "a.qdc").read_bytes() == (tmp_path / "b.qdc").read_bytes()
    # the codebook and the project name a code by the same GUID, so other programs can match them
    qdc_guids = {c.get("guid") for c in etree.parse(str(tmp_path / "a.qdc")).iter("{*}Code")}
    assert qdc_guids == {c.get("guid") for c in qde_of(tmp_path / "a.qdpx").iter("{*}Code")}


def test_positions_count_code_points_and_crlf_line_ends(project, tmp_path):
    """The standard counts Unicode code points: an emoji is one position (not two UTF-16 units, not
    four bytes), æøå one each. --crlf writes CRLF and every line end before a position adds one."""
    transcript = write(
        tmp_path / "intervju.txt",
        "I: Hvordan går det med ventetida? 🙂\n"
        "IP: Ventetida på utredning er nå fire måneder, og køen vokser.\n"
        "Vi har søkt om flere årsverk.\n"
        "I: Og Statped?\n"
        "IP: Der får vi svar raskt.\n",
    )
    import_files(project, [transcript], coder="t")
    with project.transaction():
        project.merge_codebook(Codebook("k", [Code("ventetid", "Ventetid"), Code("aarsverk", "Årsverk")]))
    source = project.sources()[0]
    text = project.source_text(source.id)
    first = text.index("Ventetida på")
    across = (first, text.index("årsverk.") + len("årsverk."))  # over a line end inside a turn
    words = (text.index("flere årsverk"), text.index("flere årsverk") + len("flere årsverk"))
    editing.code_spans(project, [(source.id, *across)], "ventetid", "t")
    editing.code_spans(project, [(source.id, *words)], "aarsverk", "t")
    for crlf in (False, True):
        out = tmp_path / f"p{crlf}.qdpx"
        export_qdpx(project, out, crlf=crlf)
        root = qde_of(out)
        with zipfile.ZipFile(out) as archive:
            plain = archive.read(next(n for n in archive.namelist() if n.startswith("sources/"))).decode("utf-8")
        assert plain.startswith("I: Hvordan går det med ventetida? 🙂")  # the speakers are in the text
        spans = {
            c.find("{*}Coding/{*}CodeRef").get("targetGUID"): (int(c.get("startPosition")), int(c.get("endPosition")))
            for c in root.iter("{*}PlainTextSelection")
        }
        code_guid = {c.get("name"): c.get("guid") for c in root.iter("{*}Code")}
        start, end = spans[code_guid["Årsverk"]]
        assert plain[start:end] == "flere årsverk"  # Python str indices are code points
        start, end = spans[code_guid["Ventetid"]]
        expected = text[across[0] : across[1]]
        assert plain[start:end] == (expected.replace("\n", "\r\n") if crlf else expected)
        lf_start = len("I: Hvordan går det med ventetida? 🙂\n\nIP: ")  # 🙂 is one position
        assert start == lf_start + (2 if crlf else 0)  # two line ends before it, each one more as CRLF
        assert len("🙂".encode("utf-16-le")) // 2 == 2  # …where a count in UTF-16 units would say one more


def test_labels_and_line_ends_move_every_offset_consistently():
    text = "Hei.\n\nJa, hei.\nSå bra.\n\nTakk."
    segs = [Segment(0, 4, "I", 0.0), Segment(6, 22, "IP", 83.5), Segment(24, 29, "I")]
    for crlf in (False, True):
        rendered = render(text, segs, crlf)
        written = rendered.text.replace("\r\n", "\n")
        assert written == "[00:00:00] I: Hei.\n\n[00:01:23.500] IP: Ja, hei.\nSå bra.\n\nI: Takk."
        back = read_back(rendered.text, speakers={"I", "IP"})
        assert back.text == text and back.kind == "transcript"
        assert [(g.start, g.end, g.speaker, g.t_start) for g in back.segments] == [
            (0, 4, "I", 0.0), (6, 22, "IP", 83.5), (24, 29, "I", None)
        ]  # fmt: skip
        for a in range(len(text)):
            for b in range(a + 1, len(text) + 1):
                assert back.map.span(rendered.start(a), rendered.end(b)) == (a, b)


def test_text_in_nfd_is_composed_and_positions_follow():
    """macOS programs may write decomposed letters; coder keeps NFC like every import."""
    raw = "Ska\u030ar ikke kafe\u0301en.\r\nNeste linje."
    back = read_back(raw)
    assert back.text == "Skår ikke kaféen.\nNeste linje."
    start = raw.index("kafe")
    assert back.map.span(start, start + len("kafe\u0301en")) == (10, 16)
    assert back.text[10:16] == "kaféen"
    assert back.map.span(0, 2) == (0, 2) and back.map.span(0, 3) == (0, 2)  # inside the å: snaps to it


# -- round trip -------------------------------------------------------------------------------------
@pytest.mark.parametrize("crlf", [False, True])
def test_round_trip_into_an_empty_project_keeps_everything(coded_demo, tmp_path, crlf):
    out = tmp_path / "demo.qdpx"
    with Project.open(coded_demo) as project:
        export_qdpx(project, out, crlf=crlf)
        before = everything(project)
    with Project.create(tmp_path / "tom.coder") as empty:
        report = import_qdpx(empty, out, "importør")
        after = everything(empty)
        assert empty.codebook().codes and all(c.origin == "imported" for c in empty.codings())
        actions = empty.actions()
    assert report.notes == [] and len(report.sources_added) == 11 and report.codings_present == 0
    assert after["sources"] == before["sources"]  # text, kind, group, case, segments with speakers and times
    assert after["codes"] == before["codes"]
    assert after["codings"] == before["codings"]
    assert after["cases"] == before["cases"]
    assert after["memos"] == before["memos"]
    assert len(before["memos"]) == 6
    assert actions[-1]["kind"] == "import" and actions[-1]["payload"]["format"] == "qdpx"


def test_importing_the_export_into_the_same_project_adds_nothing(demo_copy, tmp_path):
    out = tmp_path / "demo.qdpx"
    with Project.open(demo_copy) as project:
        export_qdpx(project, out)
        before = everything(project)
        report = import_qdpx(project, out, "kn")
        assert everything(project) == before
    assert len(report.sources_matched) == 11 and report.sources_added == []
    assert report.codings_added == 0 and report.codings_present > 40
    assert report.codes_added == [] and report.memos == 0


def test_import_into_a_project_with_the_same_codebook_matches_codes_by_label(coded_demo, tmp_path):
    out = tmp_path / "demo.qdpx"
    with Project.open(coded_demo) as project:
        export_qdpx(project, out)
        n_codes = len(project.codebook().codes)
    with Project.create(tmp_path / "annen.coder") as other:  # another project: its own GUIDs
        with other.transaction():
            other.merge_codebook(load_codebook(Path("codebooks/ppt.yaml")))
        report = import_qdpx(other, out, "kn")
        assert len(other.codebook().codes) == n_codes and report.codes_added == []
        assert other.code("kapasitet").keywords  # the project's own code, keywords and all
        assert {c.code_id for c in other.codings()} <= {c.id for c in other.codebook().codes}


# -- the codebook -------------------------------------------------------------------------------------
def test_a_codebook_with_aeoa_survives_qdc_both_ways(tmp_path):
    book = Codebook(
        "Særskilte behov",
        [
            Code("okonomi", "Økonomi og årsverk", "Budsjett, årsverk og prioriteringer.", "#aa3300"),
            Code("smaa", "Små kommuner", "Kommuner under 5 000 innbyggere.", "#0055aa", parent="okonomi"),
            Code("saerskilt", "Særskilt tilrettelegging", "Tiltak «utenfor» det ordinære.", "#117733"),
        ],
    )
    with Project.create(tmp_path / "a.coder") as source:
        with source.transaction():
            source.merge_codebook(book)
        export_qdc(source, tmp_path / "bok.qdc")
    raw = (tmp_path / "bok.qdc").read_bytes()
    assert "Økonomi og årsverk".encode() in raw and "Særskilt".encode() in raw
    with Project.create(tmp_path / "b.coder") as target:
        report = import_qdc(target, tmp_path / "bok.qdc", "kn")
        codes = {c.label: c for c in target.codebook().codes}
    assert set(codes) == {"Økonomi og årsverk", "Små kommuner", "Særskilt tilrettelegging"}
    assert codes["Små kommuner"].parent == codes["Økonomi og årsverk"].id == "okonomi_og_arsverk"
    assert codes["Særskilt tilrettelegging"].description == "Tiltak «utenfor» det ordinære."
    assert codes["Særskilt tilrettelegging"].colour == "#117733"
    assert len(report.added) == 3


def test_loading_a_qdc_updates_known_codes_and_keeps_their_keywords(demo_copy, tmp_path):
    qdc = write(
        tmp_path / "fra-nvivo.qdc",
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">\n<Codes>\n'
        '  <Code guid="{11111111-2222-4333-8444-555555555555}" name="Kapasitet" isCodable="true" color="#112233">\n'
        "    <Description>Ny definisjon fra teamet.</Description>\n"
        '    <Code guid="{11111111-2222-4333-8444-555555555556}" name="Overtid" isCodable="true"/>\n'
        "  </Code>\n</Codes>\n</CodeBook>\n",
    )
    with Project.open(demo_copy) as project:
        n = len(project.codebook().codes)
        report = import_qdc(project, qdc, "kn")
        kapasitet = project.code("kapasitet")
        added = project.code(report.added[0])
        assert len(project.codebook().codes) == n + 1
    assert report.updated == ["kapasitet"] and report.added == ["overtid"]
    assert (kapasitet.description, kapasitet.colour) == ("Ny definisjon fra teamet.", "#112233")
    assert "arbeidsmengde" in kapasitet.keywords
    assert added.parent == "kapasitet" and added.label == "Overtid"


# -- files other programs write ---------------------------------------------------------------------
def test_atlas_ti_counts_crlf_as_one_position(project, tmp_path):
    qdpx = zipped("atlas", tmp_path)
    report = import_qdpx(project, qdpx, "kn")
    assert report.notes == []
    source = project.sources()[0]
    assert source.kind == "transcript" and source.meta["speakers"] == {"I": 3, "IP": 3}
    text = project.source_text(source.id)
    assert "IP:" not in text and "\r" not in text and not text.startswith("\ufeff")
    assert coded_texts(project) == [
        ("Bemanning og årsverk", "Vi fikk to nye stillinger"),
        ("Samarbeid med Statped", "vi venter lenge på svar der også"),
        ("Ventetid", "Vi var på fem måneder i fjor, nå er vi nede i tre."),
        ("Ventetid", "vi venter lenge på svar der også"),
    ]
    assert {c.coder for c in project.codings()} == {"Kari N."}
    codes = {c.label: c for c in project.codebook().codes}
    assert codes["Bemanning og årsverk"].parent == codes["Kapasitet"].id  # a non-codable group is a parent code
    assert codes["Ventetid"].colour == "#e74c3c"
    memos = {(m.target_kind, m.text) for m in project.all_memos()}
    assert ("segment", "Spør om hvordan køen ble ryddet.") in memos
    assert sum(kind == "coding" for kind, _ in memos) == 1  # one text, on both codings of the quotation
    assert len([m for m in project.all_memos() if m.target_kind == "coding"]) == 2


def test_atlas_ti_positions_read_as_the_standard_counts_them_drift(project, tmp_path):
    """What happens without the ATLAS.ti rule: every line end before a coding shifts it."""
    import_qdpx(project, zipped("atlas", tmp_path), "kn", positions="standard")
    assert ("Ventetid", "Vi var på fem måneder i fjor, nå er vi nede i tre.") not in coded_texts(project)


def test_nvivo_counts_an_emoji_as_two_positions(project, tmp_path):
    """NVivo counts UTF-16 units; read as code points, the coding after the 🤔 would slip by one."""
    with pytest.raises(InputError) as caught:  # the last coding ends where the text ends: now one past it
        import_qdpx(project, zipped("nvivo", tmp_path), "kn", positions="standard")
    assert (caught.value.path, caught.value.line) == (f"{tmp_path / 'nvivo.qdpx'}/project.qde", 33)
    assert "if the file comes from NVivo, import it with --positions nvivo" in caught.value.message
    import_qdpx(project, zipped("nvivo", tmp_path), "kn")  # auto: the file says NVivo
    assert ("Sakkyndig vurdering", "De tar for lang tid. Vi venter i månedsvis på en vurdering.") in coded_texts(
        project
    )


def test_nvivo_project_with_braced_guids_notes_links_and_case_coding(project, tmp_path):
    report = import_qdpx(project, zipped("nvivo", tmp_path), "kn")
    assert report.notes == ["1 codings of cases (NVivo case coding) read as case membership only"]
    source = project.sources()[0]
    assert source.kind == "transcript"  # turns separated by blank lines, labels from the transcript reader
    segs = project.segments(source.id)
    assert [g.speaker for g in segs] == [None, "Moderator", "Rektor 1", "Rektor 2", "Moderator", "Rektor 1"]
    assert coded_texts(project) == [
        ("Sakkyndig vurdering", "De tar for lang tid. Vi venter i månedsvis på en vurdering."),
        ("Systemrettet arbeid", "Vi ønsker mer systemrettet arbeid i klasserommet."),
        ("Tidlig innsats", "At de kommer tidlig inn, før det blir en sak."),
    ]
    labels = {c.label for c in project.codebook().codes}
    assert labels == {"Tidlig innsats", "Systemrettet arbeid", "Sakkyndig vurdering"}  # not the case "Rektor 1"
    cases = {c.name: c for c in project.cases()}
    assert cases["Rektor 1"].attributes["Elevtall"].value == "312"
    assert cases["Rektor 1"].attributes["Elevtall"].type == "number"
    memos = {m.target_kind: m.text for m in project.all_memos()}
    assert memos["coding"].startswith("Rektor 1 var tydelig")  # a Note linked to the coded selection
    assert memos["project"] == "Feltnotat\n\nLokalet var fullt; to av rektorene kom sent."
    assert {c.coder for c in project.codings()} == {"Ola Forsker", "kn"}


def test_maxqda_project_with_lowercase_sources_document_variables_and_twin_names(project, tmp_path):
    report = import_qdpx(project, zipped("maxqda", tmp_path), "kn")
    assert "two sources are called 'Svar': the second is imported as 'Svar (2)'" in report.notes
    sources = {s.name: s for s in project.sources()}
    assert set(sources) == {"Svar", "Svar (2)"}
    assert {s.group for s in sources.values()} == {"Kommuner i Finnmark"}
    first = project.segments(sources["Svar"].id)
    assert len(first) == 3  # one paragraph a line, as MAXQDA writes documents
    assert coded_texts(project) == [
        ("Bemanning", "Vi mangler to årsverk"),
        ("Kompetanseløftet", "et felles språk"),
        ("Samarbeid med barnehage", "faste møter"),
        ("Ventetid", "Ventelista er fortsatt for lang"),
    ]
    cases = {c.name: c for c in project.cases()}
    assert sources["Svar"].case == "Svar" and sources["Svar (2)"].case == "Svar (2)"
    assert {k: (a.value, a.type) for k, a in cases["Svar"].attributes.items()} == {
        "Kommune": ("Alta", "text"), "Antall ansatte": ("14", "number")
    }  # fmt: skip
    assert cases["Svar (2)"].attributes["Kommune"].value == "Hammerfest"
    memo = project.all_memos()[0]
    assert memo.target_kind == "segment" and memo.text.startswith("Eneste positive svar")
    assert int(memo.target_id) == project.segments(sources["Svar (2)"].id)[1].id


# -- errors -------------------------------------------------------------------------------------------
def _broken(tmp_path: Path, qde: str, files: dict[str, str] | None = None) -> Path:
    out = tmp_path / "feil.qdpx"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, text in (files or {}).items():
            archive.writestr(name, text)
    return out


_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="Test">\n'
_SOURCE = (
    "<Sources>\n"
    '<TextSource guid="00000000-0000-4000-8000-000000000001" name="Tekst" plainTextPath="internal://t.txt">\n'
    '<PlainTextSelection guid="00000000-0000-4000-8000-000000000002" startPosition="{start}" endPosition="{end}"/>\n'
    "</TextSource>\n</Sources>\n</Project>\n"
)


@pytest.mark.parametrize(
    ("make", "message", "line"),
    [
        (lambda p: write(p / "feil.qdpx", b"PK\x03\x04 not really"), "not a .qdpx file", None),
        (lambda p: _broken(p, _HEAD + "<Users>\n<User guid='x'>\n</Project>"), "not valid XML", 5),
        (lambda p: _broken(p, '<?xml version="1.0"?>\n<Kodebok/>'), "not a REFI-QDA project", 1),
        (lambda p: _broken(p, _HEAD + _SOURCE.format(start=0, end=4)), "internal://t.txt is not in the archive", 4),
        (
            lambda p: _broken(p, _HEAD + _SOURCE.format(start=2, end=40), {"sources/t.txt": "Kort tekst.\r\nTo."}),
            "reaches past the end of source 'Tekst' (16 positions); if the file comes from ATLAS.ti",
            5,
        ),
        (lambda p: _broken(p, _HEAD + _SOURCE.format(start="tre", end=4)), "startPosition='tre'", 5),
    ],
)
def test_bad_files_are_refused_naming_file_and_line_and_change_nothing(demo_copy, tmp_path, make, message, line):
    bad = make(tmp_path)
    with Project.open(demo_copy) as project:
        before = snapshot(project)
        with pytest.raises(InputError) as caught:
            import_qdpx(project, bad, "kn")
        assert snapshot(project) == before
    assert message in caught.value.message
    assert caught.value.path.startswith(str(bad)) and caught.value.line == line


def test_an_import_that_fails_while_saving_leaves_the_project_as_it_was(demo_copy, tmp_path, monkeypatch):
    qdpx = zipped("nvivo", tmp_path)
    with Project.open(demo_copy) as project:
        before = snapshot(project)
        memos_before = project.all_memos()

        def fail(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(project, "add_imported_memo", fail)
        with pytest.raises(RuntimeError):
            import_qdpx(project, qdpx, "kn")
        assert snapshot(project) == before and project.all_memos() == memos_before


def test_a_stable_guid_is_the_same_for_the_same_project_and_object():
    ns = guids.project_namespace("2026-01-01T10:00:00+00:00")
    assert guids.guid(ns, "code", "kapasitet") == guids.guid(ns, "code", "kapasitet")
    assert guids.guid(ns, "code", "kapasitet") != guids.guid(guids.project_namespace("annen"), "code", "kapasitet")
    assert guids.normal("{5C1B7E0A-3D4F-4B8E-9A11-2F6C8D0E1A01}") == "5c1b7e0a-3d4f-4b8e-9a11-2f6c8d0e1a01"


# -- the command line ----------------------------------------------------------------------------------
def test_cli_export_import_and_codebook_commands(demo_copy, tmp_path):
    run = CliRunner()
    qdpx, qdc = tmp_path / "ut.qdpx", tmp_path / "ut.qdc"
    result = run.invoke(main, ["export", "qdpx", str(demo_copy), "-o", str(qdpx), "--crlf"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {qdpx}: 11 sources, 20 codes, ") and "CRLF line ends" in result.output
    result = run.invoke(main, ["export", "qdc", str(demo_copy), "-o", str(qdc)])
    assert result.exit_code == 0 and result.output == f"wrote 20 codes to {qdc}\n"
    assert run.invoke(main, ["init", str(tmp_path / "ny")]).exit_code == 0
    result = run.invoke(main, ["import-qdpx", str(tmp_path / "ny"), str(qdpx), "--coder", "kn"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ut.qdpx: 11 sources added, 0 already here; 20 codes added, 0 matched; ")
    assert run.invoke(main, ["init", str(tmp_path / "bok")]).exit_code == 0
    result = run.invoke(main, ["codebook", str(tmp_path / "bok"), "--load", str(qdc)])
    assert result.exit_code == 0 and result.output == f"{qdc}: 20 codes added, 0 updated, 0 unchanged\n"
    result = run.invoke(main, ["import-qdc", str(tmp_path / "bok"), str(qdc)])
    assert result.output == f"{qdc}: 0 codes added, 0 updated, 20 unchanged\n"
    again = tmp_path / "igjen.qdc"
    result = run.invoke(main, ["codebook", str(tmp_path / "bok"), "--export", str(again)])
    assert result.exit_code == 0 and CODEBOOK_XSD.validate(etree.parse(str(again)))


def test_cli_reports_a_bad_file_in_one_line(tmp_path):
    run = CliRunner()
    assert run.invoke(main, ["init", str(tmp_path / "p")]).exit_code == 0
    bad = _broken(tmp_path, _HEAD + "<Users>\n<User guid='x'>\n</Project>")
    result = run.invoke(main, ["import-qdpx", str(tmp_path / "p"), str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {bad}/project.qde:5: not valid XML: Opening and ending tag mismatch")
    assert "Traceback" not in result.output


# -- what QualCoder writes and reads ---------------------------------------------------------------------------
_QUALCODER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="qc" origin="QualCoder 3.6" '
    'creationDateTime="2026-12-07T06:01:15+00:00Z">\n'
    '<Users><User guid="00000000-0000-4000-8000-0000000000aa" name="kari"/></Users>\n'
    '<CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000c1" name="Ventetid" isCodable="true"/>'
    "</Codes></CodeBook>\n"
    "<Sources>\n"
    '<TextSource guid="00000000-0000-4000-8000-000000000001" name="Tekst" plainTextPath="internal://t.txt" '
    'creatingUser="00000000-0000-4000-8000-0000000000aa" creationDateTime="2026-12-07T06:01:15.250000+00:00Z">\n'
    '<PlainTextSelection guid="00000000-0000-4000-8000-000000000002" startPosition="0" endPosition="8" '
    'creatingUser="00000000-0000-4000-8000-0000000000aa" creationDateTime="{selection}">\n'
    '<Coding guid="00000000-0000-4000-8000-000000000003" creatingUser="00000000-0000-4000-8000-0000000000aa" '
    'creationDateTime="{coding}"><CodeRef targetGUID="00000000-0000-4000-8000-0000000000c1"/></Coding>\n'
    "</PlainTextSelection>\n"
    '<PlainTextSelection guid="00000000-0000-4000-8000-000000000004" startPosition="9" endPosition="14" '
    'creatingUser="00000000-0000-4000-8000-0000000000aa" creationDateTime="i fjor">\n'
    "<Description>Et notat.</Description>\n"
    '<Coding guid="00000000-0000-4000-8000-000000000005" creatingUser="00000000-0000-4000-8000-0000000000aa" '
    'creationDateTime="i går"><CodeRef targetGUID="00000000-0000-4000-8000-0000000000c1"/></Coding>\n'
    "</PlainTextSelection>\n"
    "</TextSource>\n</Sources>\n"
    "<Description>Prosjektmemo fra QualCoder.</Description>\n"
    "</Project>\n"
)


def test_qualcoder_dates_are_repaired_so_the_next_export_is_valid(tmp_path):
    """QualCoder writes an offset and a Z (not an xs:dateTime); kept as is, coder's own export failed the schema."""
    qde = _QUALCODER.replace("{selection}", "2026-12-07T06:01:15+00:00Z").replace("{coding}", "2026-12-07 06:01:16")
    qdpx = _broken(tmp_path, qde, {"sources/t.txt": "Ventetid og kø."})
    with Project.create(tmp_path / "qc.coder") as project:
        report = import_qdpx(project, qdpx, "kn")
        created = sorted(c.created_at for c in project.codings())
        export_qdpx(project, tmp_path / "ut.qdpx")
    assert created[0] == "2026-12-07T06:01:16" and created[1] > "2026-12-07T06:01:16"  # «i går»: the import's time
    told = "2 dates were not readable (such as 'i går'): the import's time stands in"
    assert [n for n in report.notes if "dates" in n] == [told]  # said once
    root = qde_of(tmp_path / "ut.qdpx")
    assert PROJECT_XSD.validate(root), PROJECT_XSD.error_log


def test_dates_stored_before_the_repair_are_written_valid(demo_copy, tmp_path):
    with Project.open(demo_copy) as project:
        project.conn.execute("UPDATE coding SET created_at = '2026-12-07T06:01:15+00:00Z'")
        project.conn.execute("UPDATE memo SET updated_at = 'ukjent'")
        export_qdpx(project, tmp_path / "ut.qdpx")
    root = qde_of(tmp_path / "ut.qdpx")
    assert PROJECT_XSD.validate(root), PROJECT_XSD.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert {c.get("creationDateTime") for c in root.iterfind(".//q:Coding", ns)} == {"2026-12-07T06:01:15+00:00"}


def test_the_project_memo_is_the_project_description_too(coded_demo, tmp_path):
    """QualCoder reads the project memo only from the project's Description; coder's import takes it once."""
    out = tmp_path / "demo.qdpx"
    with Project.open(coded_demo) as project:
        export_qdpx(project, out)
        memo = next(m.text for m in project.all_memos() if m.target_kind == "project")
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert qde_of(out).find("q:Description", ns).text == memo
    with Project.create(tmp_path / "tom.coder") as empty:
        import_qdpx(empty, out, "kn")
        assert [m.text for m in empty.all_memos() if m.target_kind == "project"] == [memo]
    qdpx = _broken(
        tmp_path, _QUALCODER.replace("{selection}", "").replace("{coding}", ""), {"sources/t.txt": "Ventetid og kø."}
    )
    with Project.create(tmp_path / "qc.coder") as project:
        import_qdpx(project, qdpx, "kn")
        assert [m.text for m in project.all_memos() if m.target_kind == "project"] == ["Prosjektmemo fra QualCoder."]
