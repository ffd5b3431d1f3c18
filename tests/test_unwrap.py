"""Text extracted from PDF, one line per printed line, becomes paragraphs again (issue 18, item 12); a document
is attributed by its name as written. The fixture is our own text, hard-wrapped at about 60 columns."""

from coder.export.attribution import render
from coder.ingest.service import import_files
from coder.ingest.unwrap import looks_wrapped, unwrap
from tests.conftest import write

WRAPPED = """Plan for bedre samarbeid i PP-tjenesten 2026

Tjenesten skal gi rask hjelp til barn og elever som trenger
det, og den skal arbeide tett med barnehager og skoler. Vi
har sett at ventetiden for utredning har vokst de siste to

årene, og at mange henvis-
ninger kommer sent i skoleåret. Samarbeidet med PP-
tjenesten i nabokommunen gir oss erfaringer vi kan bruke i
barnehage- og skoleåret som kommer.

3.2 Kapasitet

Målene for perioden er disse:
• færre saker som venter mer enn tre måneder på
utredning, og kortere tid fra henvisning til tiltak
• mer veiledning til lærere i klasserommet
- faste møter med helsesykepleier hver måned
1. en felles rutine for overgangen fra barnehage til
skole i alle kommunens virksomheter
"""


def test_looks_wrapped_tells_printed_lines_from_paragraphs():
    assert looks_wrapped(WRAPPED.split("\n"))
    one_per_line = "\n".join(f"Dette er avsnitt nummer {i} i et vanlig dokument." for i in range(12))
    assert not looks_wrapped(one_per_line.split("\n"))


def test_unwrap_joins_lines_and_keeps_headings_items_and_paragraphs():
    paragraphs = unwrap(WRAPPED.split("\n"))
    assert paragraphs == [
        "Plan for bedre samarbeid i PP-tjenesten 2026",
        "Tjenesten skal gi rask hjelp til barn og elever som trenger det, og den skal arbeide tett med barnehager og "
        "skoler. Vi har sett at ventetiden for utredning har vokst de siste to årene, og at mange henvisninger kommer "
        "sent i skoleåret. Samarbeidet med PP-tjenesten i nabokommunen gir oss erfaringer vi kan bruke i barnehage- og "
        "skoleåret som kommer.",
        "3.2 Kapasitet",
        "Målene for perioden er disse:",
        "• færre saker som venter mer enn tre måneder på utredning, og kortere tid fra henvisning til tiltak",
        "• mer veiledning til lærere i klasserommet",
        "- faste møter med helsesykepleier hver måned",
        "1. en felles rutine for overgangen fra barnehage til skole i alle kommunens virksomheter",
    ]


def test_imported_document_has_the_joined_text_and_is_attributed_by_its_name(project, tmp_path):
    path = write(tmp_path / "PPT-plan.txt", WRAPPED)
    source = import_files(project, [path]).added[0]
    assert source.kind == "document" and len(source.segments) == 8 and source.meta["unwrapped"]
    second = source.segments[1]
    assert "mange henvisninger kommer sent" in source.text[second.start : second.end]
    assert render("({tjenestetype} {rolle})", {}, source=source.name, case=source.case) == "(PPT-plan)"
    assert render("({tjenestetype} {rolle})", {}, case="r017", source="q1") == "(R017)"  # a respondent: as before
