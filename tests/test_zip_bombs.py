"""Decompression bombs: a .docx, .xlsx or .qdpx that inflates to hundreds of MB is refused before it is read,
naming the file and the entry, in milliseconds and without the memory growing; files as large as real ones
pass (issue 17, item 1). The bombs are built at test time (tests/hostile.py): 300 MB of zeros in 311 KB.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from coder.errors import InputError
from coder.exchange.service import import_qdpx
from coder.ingest import read_source
from coder.ingest.archive import MAX_ENTRY_SIZE, check_package
from coder.ingest.survey import read_table
from coder.store import Project
from tests import hostile as h
from tests.conftest import REPO

SEED = 17


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    return h.seed_files(tmp_path_factory.mktemp("seeds"))


# -- decompression bombs -----------------------------------------------------------------------------------
def _read(kind: str, path: Path) -> None:
    if kind == ".xlsx":
        read_table(path)
    elif kind == ".qdpx":
        from coder.exchange.qdpx import read_qdpx

        read_qdpx(path)
    else:
        read_source(path)


@pytest.mark.parametrize("kind", list(h.MAIN_ENTRY))
@pytest.mark.parametrize(
    ("mb", "declared", "message"),
    [
        (300, None, "MB (it says 300 MB)"),  # beyond 256 MB; a .qdpx source's text beyond 32 MB
        (8, None, "refused as a decompression bomb"),
        (300, 2000, "is damaged (BadZipFile: Bad CRC-32"),  # says 2 KB: inflating stops there
    ],
)
def test_a_bomb_is_refused_naming_the_file_and_the_entry(seeds, tmp_path, kind, mb, declared, message):
    data, entry = h.bombed(seeds, kind, mb, declared)
    assert len(data) < 400_000  # 300 MB of zeros take 311 KB
    path = tmp_path / f"bombe{kind}"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        _read(kind, path)
    assert str(caught.value).startswith(f"{path}: entry {entry!r}")
    assert message in str(caught.value)


def test_a_bomb_of_many_small_entries_is_refused_by_their_ratio_together(seeds, tmp_path):
    """Under 1 MB each, an entry is not held to the ratio alone; 300 of them together are (a .qdpx with 300 sources
    of 900 KB of one letter would have been 270 MB of text for the import)."""
    letters = h.deflated("x", b"a" * 900_000)
    sources = "".join(
        f'<TextSource guid="00000000-0000-4000-8000-{i:012d}" name="T{i}" plainTextPath="internal://{i}.txt"/>'
        for i in range(300)
    )
    qde = f'<?xml version="1.0"?><Project xmlns="{h.QDA_NS}" name="x"><Sources>{sources}</Sources></Project>'
    parts = [h.deflated("project.qde", qde.encode())]
    parts += [h.Entry(f"sources/{i}.txt", letters.raw, letters.crc, letters.size) for i in range(300)]
    path = tmp_path / "mange.qdpx"
    path.write_bytes(h.zip_bytes(parts))
    assert path.stat().st_size < 400_000
    with Project.create(tmp_path / "p.coder") as project:
        before = h.digest(project)
        start = time.process_time()
        with pytest.raises(InputError) as caught:
            import_qdpx(project, path, "kn")
        assert time.process_time() - start < 1 and h.digest(project) == before
    assert "and those before it" in str(caught.value) and "refused as a decompression bomb" in str(caught.value)


_MEASURE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    def high_water() -> float:
        # VmHWM: this process's peak resident memory in MB. Not ru_maxrss, which Linux keeps across execve, so a
        # child of a large pytest process would report the parent's peak.
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    from coder.errors import InputError
    from coder.exchange.service import import_qdpx
    from coder.ingest.service import import_files, import_survey
    from coder.store import Project
    import docx, openpyxl  # loaded before the baseline: what is measured is the import
    path, project = Path(sys.argv[1]), Path(sys.argv[2])
    with Project.create(project) as p:
        before = high_water()
        cpu = time.process_time()
        try:
            if path.suffix == ".qdpx":
                import_qdpx(p, path, "kn")
            elif path.suffix == ".xlsx":
                import_survey(p, path, "id", ["svar"], coder="kn")
            else:
                import_files(p, [path], coder="kn")
            print("imported")
        except InputError as exc:
            after = high_water()
            print(f"{time.process_time() - cpu:.3f} {after - before:.1f} {after:.1f} {exc}")
    """
)


@pytest.mark.parametrize("kind", list(h.MAIN_ENTRY))
@pytest.mark.parametrize("declared", [None, 2000])
def test_a_bomb_costs_neither_time_nor_memory(seeds, tmp_path, kind, declared):
    """In a process of its own: refused in well under a second of CPU, and the peak memory does not grow."""
    data, _ = h.bombed(seeds, kind, 300, declared)
    path = tmp_path / f"bombe{kind}"
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(tmp_path / "p.coder")],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    cpu, grew, peak, message = run.stdout.split(" ", 3)
    assert message.startswith(f"{path}: entry "), run.stdout
    assert float(cpu) < 0.5 and float(grew) < 20 and float(peak) < 400, run.stdout


def test_files_as_large_as_real_ones_pass_the_guard(tmp_path):
    """A 50,000-row survey sheet and a 300-page document, written the way Office writes them, go through."""
    rng = random.Random(SEED)
    words = "vi har for lite tid til skolene og ventelista vokser mens barna venter på hjelp fra oss".split()
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>R{r}</t></is></c><c r="B{r}" t="inlineStr"><is><t>'
        + " ".join(rng.choices(words, k=rng.randrange(0, 40)))
        + f'</t></is></c><c r="C{r}"><v>{rng.randrange(20, 70)}</v></c></row>'
        for r in range(1, 50_001)
    )
    sheet = f'<?xml version="1.0"?><worksheet><sheetData>{rows}</sheetData></worksheet>'.encode()
    paragraphs = "".join(f"<w:p><w:r><w:t>{' '.join(rng.choices(words, k=60))}</w:t></w:r></w:p>" for _ in range(2400))
    document = f'<?xml version="1.0"?><w:document xmlns:w="w"><w:body>{paragraphs}</w:body></w:document>'.encode()
    for name, part in (("xl/worksheets/sheet1.xml", sheet), ("word/document.xml", document)):
        data = h.zip_bytes([h.deflated(name, part), h.deflated("[Content_Types].xml", b"<Types/>")])
        start = time.process_time()
        check_package(data, tmp_path / "stor.zip", "file")
        assert time.process_time() - start < 3
        assert len(part) < MAX_ENTRY_SIZE / 8


# -- keep the helpers honest ------------------------------------------------------------------------------
def test_the_bomb_fixture_is_what_it_says():
    data = h.zip_bytes([h.zeros("a.txt", 3), h.deflated("b.txt", b"hei")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("a.txt") == bytes(3 * h.MB) and archive.read("b.txt") == b"hei"
        assert archive.getinfo("a.txt").compress_size < 4000
    assert len(h.zip_bytes([h.zeros("x", 300)])) < 320_000
