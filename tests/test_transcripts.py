"""Transcript importers on the files users really have."""

from pathlib import Path

import docx
import pytest

from coder.errors import InputError
from coder.ingest import read_source
from tests.conftest import write


def turns(item):
    return [(s.speaker, item.text[s.start : s.end]) for s in item.segments]


def test_txt_with_front_matter_and_i_ip_labels(fixtures):
    item = read_source(fixtures / "intervju-kort.txt")
    assert item.kind == "transcript"
    assert item.name == item.case == "Testintervju"
    assert {a.key: (a.value, a.type) for a in item.attributes} == {
        "tjenestetype": ("Kommunal", "text"),
        "årsverk": ("6-15", "text"),
        "landsdel": ("Vest", "text"),
        "dato": ("2026-02-01", "date"),
    }
    got = turns(item)
    assert [s for s, _ in got] == ["I", "IP", "I", "IP", "I", "IP"]
    # a turn continued over several lines stays one turn, line breaks kept
    assert got[3][1] == (
        "Vi har prøvd å prioritere de yngste barna. Målet er å komme tidligere inn,\n"
        "før ting har satt seg.\nMen det koster: da må de sakkyndige vurderingene vente."
    )
    assert "---" not in item.text and "tjenestetype" not in item.text


def test_segments_are_exact_offsets_into_nfc_text(fixtures):
    item = read_source(fixtures / "intervju-kort.txt")
    for seg in item.segments:
        body = item.text[seg.start : seg.end]
        assert body == body.strip() and body
    assert "\r" not in item.text


@pytest.mark.parametrize(
    "body, speakers",
    [
        (
            "Intervjuer: Hei.\nInformant 3: Hei hei.\nIntervjuer: Første spørsmål.\nInformant 3: Svar.\n",
            ["Intervjuer", "Informant 3", "Intervjuer", "Informant 3"],
        ),
        (
            "PP-leder: Ja.\nIntervjuer: Og?\nPP-leder: Nei.\nIntervjuer: Takk.\n",
            ["PP-leder", "Intervjuer", "PP-leder", "Intervjuer"],
        ),
        (
            "**Intervjuer:** Hei.\n\n**PP-leder:** Hallo.\n\n**Intervjuer:** Videre.\n\n**PP-leder:** Ja.\n",
            ["Intervjuer", "PP-leder", "Intervjuer", "PP-leder"],
        ),
        ("R: Vi har fått mer tid.\nI: Hvordan?\nR: Nye stillinger.\nI: Bra.\n", ["R", "I", "R", "I"]),
    ],
)
def test_speaker_conventions(tmp_path, body, speakers):
    item = read_source(write(tmp_path / "t.md", body))
    assert [s.speaker for s in item.segments] == speakers
    assert "**" not in item.text


def test_timestamped_labels_keep_time(tmp_path):
    body = (
        "[00:00:05] Intervjuer: Velkommen.\n[00:01:23] Kari: Takk.\n[00:02:00] Intervjuer: Første.\n"
        "[01:02:03.5] Kari: Siste.\n"
    )
    item = read_source(write(tmp_path / "t.txt", body))
    assert [(s.speaker, s.t_start) for s in item.segments] == [
        ("Intervjuer", 5),
        ("Kari", 83),
        ("Intervjuer", 120),
        ("Kari", 3723.5),
    ]
    assert item.text.startswith("Velkommen.")


def test_sentence_with_colon_is_not_a_speaker(tmp_path):
    body = (
        "I: Hva er viktigst?\nIP: Det er dette: at vi kommer tidlig inn.\nDet viktigste er enkelt: tid.\n"
        "I: Takk.\nIP: Bare hyggelig.\n"
    )
    item = read_source(write(tmp_path / "t.txt", body))
    assert [s.speaker for s in item.segments] == ["I", "IP", "I", "IP"]
    assert "Det viktigste er enkelt: tid." in turns(item)[1][1]


def test_text_without_speakers_is_a_document(tmp_path):
    body = "Innledning\n\nDette er et notat om tjenesten.\nMed to linjer.\n\nMål: bedre samarbeid.\n"
    item = read_source(write(tmp_path / "notat.txt", body))
    assert item.kind == "document"
    assert [item.text[s.start : s.end] for s in item.segments] == [
        "Innledning",
        "Dette er et notat om tjenesten.\nMed to linjer.",
        "Mål: bedre samarbeid.",
    ]
    assert item.case is None


def test_cp1252_and_utf16_transcripts_keep_aeoa(tmp_path):
    body = "I: Hvordan går det med ventetiden på sakkyndig vurdering?\nIP: Økt, dessverre. Særlig på våren.\n" * 2
    for enc, name in (("cp1252", "a.txt"), ("utf-16", "b.txt")):
        item = read_source(write(tmp_path / name, body, enc))
        assert "Økt, dessverre. Særlig på våren." in item.text
        assert item.meta["encoding"] == enc


def test_crlf_line_ends(tmp_path):
    item = read_source(write(tmp_path / "t.txt", "I: Hei.\r\nIP: Hallo på deg.\r\nI: Ja.\r\nIP: Nei.\r\n"))
    assert "\r" not in item.text and [s.speaker for s in item.segments] == ["I", "IP", "I", "IP"]


def test_300000_character_line(tmp_path):
    long = "ord " * 75_000
    item = read_source(write(tmp_path / "lang.txt", f"I: Start.\nIP: {long}\nI: Slutt.\nIP: Ja.\n"))
    assert len(item.text[item.segments[1].start : item.segments[1].end]) == len(long.strip())


def test_front_matter_errors_name_the_line(tmp_path):
    with pytest.raises(InputError) as err:
        read_source(write(tmp_path / "t.txt", "---\ntjenestetype: Kommunal\nbare tekst\n---\nI: Hei\n"))
    assert err.value.line == 3 and "t.txt" in err.value.path
    with pytest.raises(InputError, match="never closed"):
        read_source(write(tmp_path / "u.txt", "---\ntjenestetype: Kommunal\nI: Hei\n"))
    with pytest.raises(InputError, match="no text"):
        read_source(write(tmp_path / "v.txt", "---\ntjenestetype: Kommunal\n---\n\n"))


def test_unknown_and_unsupported_types(tmp_path):
    for name, message in (
        ("a.pdf", "PDF"),
        ("a.doc", ".docx"),
        ("a.rtf", "unknown file type"),
        ("a.csv", "import-survey"),
    ):
        with pytest.raises(InputError, match=message):
            read_source(write(tmp_path / name, "x"))


# -- Word -------------------------------------------------------------------------


def make_docx(path: Path, turns: list[tuple[str | None, str]], title: str | None = "Intervju") -> Path:
    document = docx.Document()
    if title:
        document.add_paragraph(title)
    for speaker, text in turns:
        p = document.add_paragraph()
        if speaker:
            p.add_run(f"{speaker}:").bold = True
            p.add_run(" " + text)
        else:
            p.add_run(text)
    document.save(path)
    return path


def test_docx_bold_speaker_names(tmp_path):
    path = make_docx(
        tmp_path / "i.docx",
        [
            ("Intervjuer", "Hvor lenge har du vært leder?"),
            ("PP-leder", "I snart seks år."),
            (None, "Før det var jeg rådgiver i tjenesten."),
            ("Intervjuer", "Hva har endret seg?"),
            ("Anne Berit", "Nesten alt, ærlig talt."),
        ],
    )
    item = read_source(path)
    assert item.kind == "transcript"
    got = turns(item)
    assert got[0] == (None, "Intervju")
    assert got[1:] == [
        ("Intervjuer", "Hvor lenge har du vært leder?"),
        ("PP-leder", "I snart seks år.\nFør det var jeg rådgiver i tjenesten."),
        ("Intervjuer", "Hva har endret seg?"),
        ("Anne Berit", "Nesten alt, ærlig talt."),
    ]


def test_docx_with_plain_text_labels(tmp_path):
    path = make_docx(
        tmp_path / "p.docx",
        [(None, "I: Første spørsmål?"), (None, "IP: Første svar."), (None, "I: Andre?"), (None, "IP: Andre svar.")],
        title=None,
    )
    assert [s.speaker for s in read_source(path).segments] == ["I", "IP", "I", "IP"]


@pytest.mark.parametrize(
    "content", [b"PK\x03\x04 this is not really a zip", b"<html>not word</html>", b"\x00\x01\x02" * 100]
)
def test_corrupt_docx_is_a_clear_error(tmp_path, content):
    with pytest.raises(InputError, match="docx") as err:
        read_source(write(tmp_path / "skadet.docx", content))
    assert err.value.path.endswith("skadet.docx")


def test_truncated_docx(tmp_path):
    good = make_docx(tmp_path / "g.docx", [("I", "Hei"), ("IP", "Hallo")])
    bad = write(tmp_path / "halv.docx", good.read_bytes()[:600])
    with pytest.raises(InputError, match="docx"):
        read_source(bad)


def test_empty_docx(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_source(write(tmp_path / "tom.docx", b""))
    document = docx.Document()
    document.save(tmp_path / "blank.docx")
    with pytest.raises(InputError, match="no text"):
        read_source(tmp_path / "blank.docx")


# -- subtitles ------------------------------------------------------------------


def test_vtt_voices_merge_into_turns_with_times(fixtures):
    item = read_source(fixtures / "intervju-kort.vtt")
    assert [(s.speaker, s.t_start, s.t_end) for s in item.segments] == [
        ("Intervjuer", 1.0, 4.5),
        ("PP-leder", 5.0, 20.0),
        ("Intervjuer", 21.0, 24.0),
        ("PP-leder", 24.5, 31.0),
    ]
    assert turns(item)[1][1] == (
        "Vi startet med et møte med alle rektorene, og så laget vi en felles plan. "
        "Planen ble revidert etter ett år. Det var lurt."
    )
    assert "<v" not in item.text


def test_srt_labels(fixtures):
    item = read_source(fixtures / "intervju-kort.srt")
    assert [s.speaker for s in item.segments] == ["Intervjuer", "PP-leder", "Intervjuer", "PP-leder"]
    assert item.segments[1].t_start == 5.0 and item.segments[1].t_end == 14.0


def test_vtt_without_header_and_bad_timing(tmp_path):
    with pytest.raises(InputError, match="WEBVTT") as err:
        read_source(write(tmp_path / "a.vtt", "00:00:01.000 --> 00:00:02.000\nHei\n"))
    assert err.value.line == 1
    with pytest.raises(InputError, match="timing") as err:
        read_source(write(tmp_path / "b.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHei\n\n00:00:xx --> nå\nHei\n"))
    assert err.value.line == 6


def test_srt_block_without_timing_names_line(tmp_path):
    with pytest.raises(InputError) as err:
        read_source(write(tmp_path / "c.srt", "1\n00:00:01,000 --> 00:00:02,000\nHei\n\n2\nbare tekst\n"))
    assert err.value.line == 5
