"""Hostile text: control characters, terminal escapes and bidi overrides never stay in what the project keeps
(:func:`coder.model.plain` at every write of people's text in coder/store) and never reach the terminal from the
command line, even from a project an older coder wrote (the output filter in coder/cli/common.py)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.codebook.service import load_into
from coder.coding import service as editing
from coder.ingest.service import import_files, import_survey
from coder.model import Attribute, Code, Codebook, ImportedSource, Segment, plain
from coder.store import Project
from tests.conftest import write

ESC = "\x1b]0;pwned\x07\x1b[2J"  # sets the terminal's title, clears the screen
BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: «\u202etxt.exe» reads as «exe.txt»
MARKUP = "[@click=app.quit]KLIKK[/]"
HOSTILE = f"{MARKUP} [b]fet {ESC}{BIDI}slutt"
CLEAN = f"{MARKUP} [b]fet slutt"
#: no control character (C0 but tab and newline, DEL, C1), no bidi override or isolate
FORBIDDEN = [chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]] + [
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]


def clean(text: str | None) -> bool:
    return text is None or not any(c in text for c in FORBIDDEN)


# -- plain ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "single", "multi"),
    [
        (f"a{ESC}b", "ab", "ab"),  # the whole OSC and CSI go, not just their ESC
        ("\x1b[31mrød\x1b[0m", "rød", "rød"),
        ("a\x1bPq#0;2\x1b\\b", "ab", "ab"),  # a DCS string (sixel) to its ST
        ("ende\x1b", "ende", "ende"),
        (f"{BIDI}fdp.exe\u2066x\u2069", "fdp.exex", "fdp.exex"),
        ("a\x00b\x07c\x7fd\x9be\x85f", "abcde f", "abcde\nf"),
        (
            "linje 1\r\nlinje 2\rlinje 3\n\n\tinnrykk",
            "linje 1 linje 2 linje 3 innrykk",
            "linje 1\nlinje 2\nlinje 3\n\n\tinnrykk",
        ),
        ("Blåbær, Æsøy og 😀👍🏽 (ZWJ: 👩\u200d💻)", "Blåbær, Æsøy og 😀👍🏽 (ZWJ: 👩\u200d💻)", None),
        (MARKUP, MARKUP, MARKUP),  # markup is text: the screen shows it literally (tests/tui)
        ("", "", ""),
    ],
)
def test_plain_keeps_text_and_drops_controls_escapes_and_overrides(raw, single, multi):
    assert plain(raw) == single
    assert plain(raw, multiline=True) == (single if multi is None else multi)
    assert plain(plain(raw)) == plain(raw)
    assert clean(plain(raw)) and "\n" not in plain(raw) and "\t" not in plain(raw)


def test_plain_of_none_is_none_and_of_every_char_is_clean():
    assert plain(None) is None
    every = "".join(map(chr, range(0x3000))) + "\U0001f600"
    assert clean(plain(every)) and clean(plain(every, multiline=True))
    assert all(c in plain(every) for c in "æøåÆØÅ\U0001f600")


# -- every write of the store -------------------------------------------------------------------------------------
def _columns(project: Project) -> dict[str, list]:
    """Every text the project keeps but the sources' own text (kept as imported: REFI-QDA offsets count in it)."""
    out: dict[str, list] = {}
    for table in ("code", "memo", "case", "attribute", "segment", "coding", "quote", "suggestion", "setting"):
        rows = project.conn.execute(f'SELECT * FROM "{table}"').fetchall()
        out[table] = [v for row in rows for v in row if isinstance(v, str)]
    out["source"] = [v for row in project.conn.execute("SELECT name, grp, meta FROM source") for v in row]
    return out


def test_every_store_write_keeps_text_plain(tmp_path):
    with Project.create(tmp_path / "p.coder") as project:
        with project.transaction():
            report = project.merge_codebook(
                Codebook(
                    HOSTILE,
                    [Code("k1", "Kode " + HOSTILE, "linje\n" + HOSTILE, "#ff0000", None, [HOSTILE], [HOSTILE])],
                )
            )
            [source_id] = project.add_sources(
                [
                    ImportedSource(
                        kind="transcript",
                        name="Tittel " + HOSTILE,
                        text="Hei på deg.\nJa.\n",
                        segments=[Segment(0, 12, speaker=HOSTILE), Segment(12, 16, speaker="I")],
                        group=HOSTILE,
                        case=HOSTILE,
                        attributes=[Attribute("kjønn " + HOSTILE, "verdi " + HOSTILE)],
                        meta={"file": HOSTILE, "speakers": {HOSTILE: 1}},
                    )
                ]
            )
            project.add_case(HOSTILE + "2", [Attribute(HOSTILE, HOSTILE)])
            project.set_setting("codebook_name", HOSTILE)
        assert report.added == ["k1"]
        with project.transaction():  # the same codebook again is no update: it is kept plain
            again = project.merge_codebook(project.codebook())
        assert again.unchanged == ["k1"]
        segment = project.segments(source_id)[0]
        with project.action("code", "test", HOSTILE):
            project.add_code(Code("k2", HOSTILE, HOSTILE, "#00ff00", None, [HOSTILE], [HOSTILE]))
            project.update_code("k1", label=HOSTILE, description=HOSTILE, keywords=[HOSTILE], examples=[HOSTILE])
            coding = project.add_coding(source_id, 0, 3, "k1", HOSTILE)
            project.set_memo("coding", coding, HOSTILE + "\nlinje 2", HOSTILE)
            project.set_memo("project", "", HOSTILE, HOSTILE)
            project.set_report_text(coding, HOSTILE)
            project.put_setting("quote_style", HOSTILE)
            project.decide_suggestion(segment.id, "k2", "rejected", HOSTILE, 0.5, {})
            project.decide_identifier("PER", "hash", HOSTILE, "dismissed", HOSTILE, HOSTILE)
            project.set_allowed_words([HOSTILE])
        with project.transaction():
            project.add_imported_memo("code", "k2", HOSTILE, HOSTILE, None)
            project.add_imported_coding(source_id, 3, 6, "k2", HOSTILE, None)
            project.rename_coder(plain(HOSTILE), HOSTILE + "2")
            project.raw_insert(
                "memo",
                {"target_kind": "source", "target_id": "1", "text": HOSTILE, "coder": HOSTILE, "updated_at": "x"},
            )
        texts = _columns(project)
        for table, values in texts.items():
            assert all(clean(v) for v in values), (table, [v for v in values if not clean(v)])
        assert project.codebook().codes[0].label == CLEAN  # markup is text, kept as written
        assert project.memo("coding", coding).text == CLEAN + "\nlinje 2"  # a memo keeps its lines
        assert [s.name for s in project.sources()] == ["Tittel " + CLEAN]
        assert project.source_text(source_id) == "Hei på deg.\nJa.\n"


def test_importers_and_typed_edits_keep_text_plain(tmp_path):
    """The ways in a researcher meets: a codebook file (JSON keeps an escape as \\u001b), a transcript's front
    matter, a survey's header, ids and answers, and what is typed in the app (coder.coding.service)."""
    book = tmp_path / "kodebok.json"
    book.write_text(
        json.dumps({"codes": [{"id": "k1", "label": HOSTILE, "description": HOSTILE, "keywords": [HOSTILE]}]})
    )
    write(tmp_path / "intervju.txt", f"---\ntittel: {HOSTILE}\nskole: {HOSTILE}\n---\nI: Hei.\nK: Hei {MARKUP}.\n")
    cell = HOSTILE.replace(";", ":")  # one cell of the survey (the OSC's «;» would split it)
    write(tmp_path / "svar.csv", f"id;gruppe {cell};svar {cell}\n{cell};{cell};svar {cell}\nR2;a;b\n")
    with Project.create(tmp_path / "p.coder") as project:
        load_into(project, book, HOSTILE)
        import_files(project, [tmp_path / "intervju.txt"], coder=HOSTILE)
        header = cell.replace("\x1b", "").replace("\x07", "")  # as the survey reader decodes it
        import_survey(project, tmp_path / "svar.csv", "id", [f"svar {header}"], [f"gruppe {header}"], coder=HOSTILE)
        editing.rename_code(project, "k1", "Nytt " + HOSTILE, HOSTILE)
        editing.write_memo(project, "code", "k1", HOSTILE, HOSTILE)
        texts = _columns(project)
        for table, values in texts.items():
            assert all(clean(v) for v in values), (table, [v for v in values if not clean(v)])
        # the text importers dropped the ESC and BEL before (coder/ingest/decode.py); the markup stays as text
        assert all(MARKUP in s.name for s in project.sources())
        assert any(MARKUP in a.value for c in project.cases() for a in c.attributes.values())
        assert project.codebook().codes[0].label == "Nytt " + CLEAN


# -- the command line ------------------------------------------------------------------------------------------------
@pytest.fixture
def old_project(tmp_path):
    """A project an older coder wrote: escapes, C1 controls and overrides in a label, a description, a source name,
    a speaker, a case, an attribute and a memo (written past the store, as no write of today's store would)."""
    write(tmp_path / "intervju.txt", "---\ntittel: Intervju\nskole: Nord\n---\nI: Hei.\nK: Hei på deg.\n")
    path = tmp_path / "p.coder"
    with Project.create(path) as project:
        import_files(project, [tmp_path / "intervju.txt"], coder="test")
        with project.transaction():
            project.merge_codebook(Codebook("bok", [Code("k1", "Kode")]))
        with project.action("memo", "memo", "test"):
            project.set_memo("source", 1, "notat", "test")
    raw = sqlite3.connect(path)
    raw.execute("UPDATE code SET label = ?, description = ?", ("Kode " + HOSTILE, "desc " + HOSTILE))
    raw.execute("UPDATE source SET name = ?", ("Tittel " + HOSTILE + "\x9b2J",))
    raw.execute("UPDATE segment SET speaker = ? WHERE speaker = 'K'", (HOSTILE,))
    raw.execute('UPDATE "case" SET name = ?', (HOSTILE,))
    raw.execute("UPDATE attribute SET value = ?", (HOSTILE,))
    raw.execute("UPDATE memo SET text = ?, coder = ?", (HOSTILE, HOSTILE))
    raw.commit()
    raw.close()
    return path


@pytest.mark.parametrize(
    "args",
    [["codebook"], ["sources"], ["stats"], ["whoami"], ["tables", "frequencies"], ["tables", "attribute", "skole"]],
)
def test_the_command_line_never_prints_a_control_character(old_project, args):
    result = CliRunner().invoke(main, [args[0], str(old_project), *args[1:]])
    assert result.exit_code == 0, result.output
    assert clean(result.output), repr(result.output)
    if args[0] in ("codebook", "sources"):
        assert "KLIKK" in result.output


def test_an_error_naming_hostile_text_is_printed_plain(tmp_path):
    """The one-line error of a failed step names the file: a file named with an escape prints without it."""
    bad = write(tmp_path / f"kodebok{BIDI}\x1b[2J.yaml", "codes: [")
    Project.create(tmp_path / "p.coder").close()
    result = CliRunner().invoke(main, ["codebook", str(tmp_path / "p.coder"), "--load", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and clean(result.output), repr(result.output)
