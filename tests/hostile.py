"""Hostile and damaged files for the importers, built at test time (small on disk, quick to make).

``zip_bytes`` assembles a zip from raw entries, so a test can say anything in the central directory:
a bomb of zeros that says its true size (300 MB in 311 KB), or one that says it is small. The valid
seed files (a .docx, an .xlsx, a .qdpx, …) are written here from our own words, and ``mutations``
turns each into damaged variants the way files get damaged: bits flipped, cut short, an entry lost
or corrupted, broken XML, a bomb inside, a code tree hundreds of levels deep.
"""

from __future__ import annotations

import functools
import hashlib
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


# -- zips with any central directory -------------------------------------------------------------------
@dataclass
class Entry:
    name: str
    raw: bytes  # the stored bytes (deflated unless method is 0)
    crc: int
    size: int  # the true inflated size
    method: int = zipfile.ZIP_DEFLATED
    declared: int | None = None  # the size the headers claim; None: the true one
    flags: int = 0x800  # UTF-8 names; | 1: encrypted


def deflated(name: str, data: bytes) -> Entry:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Entry(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


@functools.cache
def _zeros(mb: int) -> tuple[bytes, int]:
    """``mb`` MB of zeros, deflated (about 1 KB per MB: deflate's ceiling) and their CRC — in well under a
    second, since every full-flushed MB deflates to the same bytes."""
    block = bytes(MB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    raw = first + again * (mb - 1) + c.flush()
    crc = 0
    for _ in range(mb):
        crc = zlib.crc32(block, crc)
    return raw, crc


def zeros(name: str, mb: int, declared: int | None = None) -> Entry:
    raw, crc = _zeros(mb)
    return Entry(name, raw, crc, mb * MB, declared=declared)


def zip_bytes(entries: list[Entry]) -> bytes:
    """A zip (no zip64) whose headers say what each entry declares."""
    out = io.BytesIO()
    central = []
    for e in entries:
        name = e.name.encode("utf-8")
        size = e.size if e.declared is None else e.declared
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, e.flags, e.method, 0, 0x21, e.crc, len(e.raw), size,
                              len(name), 0))  # fmt: skip
        out.write(name)
        out.write(e.raw)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                e.flags,
                e.method,
                0,
                0x21,
                e.crc,
                len(e.raw),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                offset,
            )
            + name  # fmt: skip
        )
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def entries_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]


def rezip(data: bytes, change: Callable[[str, bytes], Entry | None]) -> bytes:
    """The archive with each entry passed through ``change`` (None drops it)."""
    out = []
    for name, content in entries_of(data):
        entry = change(name, content)
        if entry is not None:
            out.append(entry)
    return zip_bytes(out)


# -- valid seed files, written from our own words -------------------------------------------------------
TURNS = [
    ("Intervjuer", "Hvordan har høsten vært for dere i tjenesten?"),
    ("Informant", "Travel. Ventelista vokste, og vi rakk ikke å besøke alle skolene."),
    ("Intervjuer", "Hva gjorde dere da?"),
    ("Informant", "Vi prioriterte barnehagene og ba om hjelp fra nabokommunen. 😊"),
]


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    for speaker, text in TURNS:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{speaker}:").bold = True
        paragraph.add_run(f" {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SURVEY = [
    ("id", "kommune", "svar"),
    ("R1", "Alta", "Vi trenger flere folk på skolene."),
    ("R2", "Vadsø", "- vet ikke"),
    ("R3", "Alta", "Ventetiden er for lang, særlig for de minste."),
    ("R4", "Bodø", "Samarbeidet med helsesykepleier fungerer godt."),
]


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in SURVEY:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes() -> bytes:
    return "\n".join(";".join(row) for row in SURVEY).encode("utf-8") + b"\n"


def transcript_text() -> bytes:
    return "\n\n".join(f"{s}: {t}" for s, t in TURNS).encode("utf-8") + b"\n"


def srt_bytes() -> bytes:
    cues = [
        f"{i}\n00:00:{i * 4:02d},000 --> 00:00:{i * 4 + 3:02d},500\n{s}: {t}\n" for i, (s, t) in enumerate(TURNS, 1)
    ]
    return "\n".join(cues).encode("utf-8")


def vtt_bytes() -> bytes:
    cues = [f"00:00:{i * 4:02d}.000 --> 00:00:{i * 4 + 3:02d}.500\n<v {s}>{t}\n" for i, (s, t) in enumerate(TURNS, 1)]
    return ("WEBVTT\n\n" + "\n".join(cues)).encode("utf-8")


def yaml_codebook() -> bytes:
    return (
        b"name: Fuzz\nversion: 1\ncodes:\n"
        b"  - id: kapasitet\n    label: Kapasitet\n    colour: '#c0392b'\n    keywords: [ventetid, folk]\n"
        b"  - id: venting\n    label: Venting\n    parent: kapasitet\n"
        b"  - label: Samarbeid\n    description: Med skoler og helse.\n"
    )


def json_codebook() -> bytes:
    return (
        b'{"name": "Fuzz", "version": 1, "codes": [{"id": "kapasitet", "label": "Kapasitet", "keywords": ["folk"]},'
        b' {"id": "venting", "label": "Venting", "parent": "kapasitet"}]}'
    )


QDA_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


def nested_codes(depth: int) -> str:
    """``depth`` codes, each inside the one before (valid GUIDs, one per level)."""
    opening = "".join(
        f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="K{i}" isCodable="true">' for i in range(depth)
    )
    return opening + "</Code>" * depth


def deep_qdc(depth: int) -> bytes:
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{CODEBOOK_NS}"><Codes>'
    return (head + nested_codes(depth) + "</Codes></CodeBook>").encode("utf-8")


def deep_yaml(depth: int) -> bytes:
    lines = ["codes:"]
    for i in range(depth):
        lines.append(f"  - id: k{i}\n    label: K{i}" + (f"\n    parent: k{i - 1}" if i else ""))
    return "\n".join(lines).encode("utf-8") + b"\n"


def deep_qdpx(depth: int) -> bytes:
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{QDA_NS}" name="dyp" origin="Test">'
        f"<CodeBook><Codes>{nested_codes(depth)}</Codes></CodeBook></Project>"
    )
    return zip_bytes([deflated("project.qde", qde.encode("utf-8"))])


MAIN_ENTRY = {".docx": "word/document.xml", ".xlsx": "xl/worksheets/sheet1.xml", ".qdpx": None}


def bombed(seeds: dict[str, bytes], kind: str, mb: int, declared: int | None = None) -> tuple[bytes, str]:
    """``seeds[kind]`` with its main entry (a .qdpx: its first source) ``mb`` MB of zeros; and that entry's name."""
    entry = MAIN_ENTRY[kind] or next(n for n, _ in entries_of(seeds[kind]) if n.startswith("sources/"))
    data = rezip(seeds[kind], lambda n, c: zeros(n, mb, declared) if n == entry else deflated(n, c))
    return data, entry


def seed_files(tmp: Path) -> dict[str, bytes]:
    """One valid file of each kind an importer reads; the .qdpx and .qdc are exported by coder itself."""
    from coder.codebook.service import load_into
    from coder.coding import service as editing
    from coder.exchange.service import export_qdc, export_qdpx
    from coder.ingest.service import import_files
    from coder.store import Project

    files = {
        ".txt": transcript_text(),
        ".docx": docx_bytes(),
        ".srt": srt_bytes(),
        ".vtt": vtt_bytes(),
        ".csv": csv_bytes(),
        ".xlsx": xlsx_bytes(),
        ".yaml": yaml_codebook(),
        ".json": json_codebook(),
    }
    text = tmp / "intervju.txt"
    text.write_bytes(files[".txt"])
    book = tmp / "bok.yaml"
    book.write_bytes(files[".yaml"])
    with Project.create(tmp / "kilde.coder") as project:
        load_into(project, book, "kn")
        import_files(project, [text], coder="kn")
        source = project.sources()[0]
        editing.code_spans(project, [(source.id, 0, 20)], "kapasitet", "kn")
        editing.write_memo(project, "project", "", "Prosjektet i korte trekk.", "kn")
        export_qdpx(project, tmp / "kilde.qdpx")
        export_qdc(project, tmp / "kilde.qdc")
    files[".qdpx"] = (tmp / "kilde.qdpx").read_bytes()
    files[".qdc"] = (tmp / "kilde.qdc").read_bytes()
    files["sidecar.csv"] = b"fil;kommune;alder\nintervju.txt;Alta;41\n"
    return files


def digest(project) -> str:
    """Everything in the project file, as one hash (a failed import must leave it exactly as it was)."""
    sha = hashlib.sha256()
    for line in project.conn.iterdump():
        sha.update(line.encode("utf-8", "surrogatepass"))
    return sha.hexdigest()


# -- mutations ------------------------------------------------------------------------------------------
Mutation = tuple[str, bytes]  # (what was done, the damaged bytes)


def flip_bits(data: bytes, rng: random.Random, n: int) -> bytes:
    out = bytearray(data)
    for _ in range(n):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _broken_xml(text: bytes, rng: random.Random) -> tuple[str, bytes]:
    cut = rng.randrange(1, max(2, len(text)))
    choices = [
        ("truncated", text[:cut]),
        ("unclosed", text.replace(b"</", b"<", 1)),
        ("NUL", text[:cut] + b"\x00" + text[cut:]),
        ("bad char", text[:cut] + b"\x01\xff" + text[cut:]),
        ("garbage", bytes(rng.randrange(256) for _ in range(64))),
        ("doctype", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + text.split(b"?>", 1)[-1]),
    ]
    return rng.choice(choices)


def mutations(data: bytes, rng: random.Random, n: int, is_zip: bool) -> Iterator[Mutation]:
    """``n`` damaged variants of ``data``; zip-aware ones as well for a zip."""
    kinds = ["flip", "flip many", "truncate"] + (
        ["drop entry", "corrupt entry", "broken xml", "bomb"] if is_zip else []
    )
    names = [name for name, _ in entries_of(data)] if is_zip else []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "flip":
            yield kind, flip_bits(data, rng, 1)
        elif kind == "flip many":
            yield kind, flip_bits(data, rng, rng.randrange(2, 40))
        elif kind == "truncate":
            yield kind, data[: rng.randrange(len(data))]
        elif kind == "drop entry":
            gone = rng.choice(names)
            yield (
                f"drop {gone}",
                rezip(data, lambda name, content, gone=gone: None if name == gone else deflated(name, content)),
            )
        elif kind == "corrupt entry":
            hit = rng.choice(names)

            def corrupt(name: str, content: bytes, hit=hit) -> Entry:
                entry = deflated(name, content)
                if name == hit:
                    entry.raw = flip_bits(entry.raw, rng, 3)
                return entry

            yield f"corrupt {hit}", rezip(data, corrupt)
        elif kind == "broken xml":
            xml = [n for n in names if n.endswith((".xml", ".rels", ".qde"))] or names
            hit = rng.choice(xml)
            how = ""

            def breaking(name: str, content: bytes, hit=hit) -> Entry:
                nonlocal how
                if name != hit:
                    return deflated(name, content)
                how, broken = _broken_xml(content, rng)
                return deflated(name, broken)

            changed = rezip(data, breaking)
            yield f"{how} xml in {hit}", changed
        else:
            hit = rng.choice(names)
            mb = rng.choice([8, 300])
            lie = rng.choice([None, 1000])

            def bomb(name: str, content: bytes, hit=hit, mb=mb, lie=lie) -> Entry:
                return zeros(name, mb, lie) if name == hit else deflated(name, content)

            yield f"bomb {mb} MB in {hit}" + (" (says 1000 bytes)" if lie else ""), rezip(data, bomb)
