"""Zip archives from others (.docx, .xlsx, .qdpx) read under limits: no decompression bomb gets through.

A zip says in its central directory how large each entry is once inflated; a bomb says the truth
(300 MB of zeros in a 300 KB file) or lies (says 1 KB, inflates without end). :class:`ZipGuard`
refuses an entry whose declared size or compression ratio is beyond the limits below before a byte
is inflated, then inflates in chunks and stops at the limit, so neither a truthful nor a lying bomb
costs more than one chunk of memory. (Python's ``zipfile`` never returns more than the declared
size, and then fails the CRC check: a lying entry ends as a damaged one.) Every failure — limits,
bad CRC, corrupt deflate data, encryption, a truncated file — is an ``InputError`` naming the file
and the entry.

For .docx and .xlsx, read by python-docx and openpyxl, :func:`check_package` inflates every entry
once (streamed) and checks that each XML part is well-formed XML without a DOCTYPE (Office Open XML
forbids one), before the bytes are handed to the library: what the library then meets is sound.
"""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.parsers import expat

from coder.errors import InputError

MB = 1024 * 1024

MAX_ENTRY_SIZE = 256 * MB
"""The most one entry may inflate to. A 50,000-row survey sheet is some 25 MB of XML, the text of a
300-page .docx 1–5 MB; 256 MB leaves ten times the headroom."""

MAX_TOTAL_SIZE = 512 * MB
"""The most all entries read from one archive may inflate to together."""

MAX_RATIO = 100
"""The most an entry larger than :data:`RATIO_FROM` may inflate relative to its compressed size.
Real spreadsheets and documents measured 7–12 times (their styles parts up to 32), plain text 3–4;
a bomb of zeros inflates about 1,000 times, deflate's ceiling."""

RATIO_FROM = 1 * MB
"""Entries that inflate to less than this are not held to :data:`MAX_RATIO`: small, very repetitive
parts (styles, themes) are common and harmless."""

MAX_ENTRIES = 50_000
"""The most entries an archive may list (a .qdpx of a thousand sources with media has a few thousand)."""

CHUNK = 1 * MB
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc, .xls and password-protected Office files

_XML_SUFFIXES = (".xml", ".rels")

# What zipfile and the decompressors raise for damaged data, besides BadZipFile.
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    IndexError,
    KeyError,
)


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / 1024:,.0f} KB"


class ZipGuard:
    """An opened zip archive whose entries are only ever inflated under the limits of this module.

    ``source`` is the archive's bytes (read once, so the checked bytes are the ones later read) or
    its path; ``path`` is what messages name."""

    def __init__(self, source: bytes | Path, path: Path | str, kind: str = "zip archive"):
        self.path = Path(path)
        self.kind = kind
        self.inflated = 0  # bytes inflated so far, against MAX_TOTAL_SIZE
        self.packed = 0  # the compressed size of the entries inflated so far, for their ratio together
        if isinstance(source, bytes) and not source:
            raise InputError(self.path, "the file is empty")
        if isinstance(source, bytes) and source.startswith(_OLE):
            suffix = self.path.suffix or kind
            what = f"not a {kind}: an old Office file, or one with a password; save it as {suffix} without one"
            raise InputError(self.path, what)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        except FileNotFoundError:
            raise InputError(self.path, "no such file") from None
        except IsADirectoryError:
            raise InputError(self.path, "is a folder, not a file") from None
        except zipfile.BadZipFile as exc:
            what = f"not a {kind} (a {kind} is a zip archive; this may be damaged, or another format renamed: {exc})"
            raise InputError(self.path, what) from None
        except _DAMAGED as exc:
            raise InputError(self.path, f"not a readable {kind} ({type(exc).__name__}: {exc})") from None
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            self.zip.close()
            many = f"the archive lists {len(infos):,} entries; coder reads at most {MAX_ENTRIES:,}"
            raise InputError(self.path, many)
        self.entries = {info.filename: info for info in infos if not info.is_dir()}

    def __enter__(self) -> ZipGuard:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()

    def check_declared(self, info: zipfile.ZipInfo, limit: int = MAX_ENTRY_SIZE) -> None:
        """Refuse ``info`` on what the central directory says, before inflating anything: its size, its ratio, and
        the ratio and size of everything read so far with it (a bomb can be many small entries)."""
        name, size = info.filename, info.file_size
        if size > limit:
            raise InputError(self.path, f"entry {name!r} inflates beyond {_mb(limit)} (it says {_mb(size)})")
        self._ratio(size, info.compress_size, f"entry {name!r}")
        self._ratio(self.inflated + size, self.packed + info.compress_size, f"entry {name!r} and those before it")
        if self.inflated + size > MAX_TOTAL_SIZE:
            raise InputError(self.path, f"entry {name!r}: the entries inflate beyond {_mb(MAX_TOTAL_SIZE)} in all")

    def _ratio(self, size: int, packed: int, what: str) -> None:
        if size > RATIO_FROM and size > MAX_RATIO * max(packed, 1):
            raise InputError(
                self.path,
                f"{what}: {_mb(packed)} inflate to {_mb(size)}, {size / max(packed, 1):,.0f} times: refused as a "
                f"decompression bomb (real files inflate less than {MAX_RATIO} times)",
            )

    def check_all_declared(self) -> None:
        """:meth:`check_declared` for every entry, and their sums against the limits."""
        total = packed = 0
        for info in self.entries.values():
            self.check_declared(info)
            total += info.file_size
            packed += info.compress_size
            self._ratio(total, packed, f"entry {info.filename!r} and those before it")
            if total > MAX_TOTAL_SIZE:
                raise InputError(
                    self.path, f"entry {info.filename!r}: the entries inflate beyond {_mb(MAX_TOTAL_SIZE)} in all"
                )

    def stream(self, info: zipfile.ZipInfo, sink: Callable[[bytes], None], limit: int = MAX_ENTRY_SIZE) -> int:
        """Inflate ``info`` chunk by chunk into ``sink``, stopping at ``limit``; returns the size.
        Damaged data (bad CRC, corrupt deflate, truncation) raises ``InputError`` naming the entry."""
        self.check_declared(info, limit)
        self.packed += info.compress_size
        name = info.filename
        size = 0
        try:
            with self.zip.open(info) as entry:
                while chunk := entry.read(CHUNK):
                    size += len(chunk)
                    self.inflated += len(chunk)
                    if size > limit:
                        raise InputError(self.path, f"entry {name!r} inflates beyond {_mb(limit)}")
                    if self.inflated > MAX_TOTAL_SIZE:
                        raise InputError(
                            self.path, f"entry {name!r}: the entries inflate beyond {_mb(MAX_TOTAL_SIZE)} in all"
                        )
                    sink(chunk)
        except NotImplementedError as exc:  # zipfile: an unknown compression method (a RuntimeError: first)
            raise InputError(self.path, f"entry {name!r} cannot be read: {exc}") from None
        except RuntimeError:  # zipfile: encrypted, password required
            raise InputError(self.path, f"entry {name!r} is encrypted: save the file without a password") from None
        except _DAMAGED as exc:
            raise InputError(self.path, f"entry {name!r} is damaged ({type(exc).__name__}: {exc})") from None
        return size

    def read(self, name: str, limit: int = MAX_ENTRY_SIZE) -> bytes:
        """The inflated bytes of entry ``name`` (under ``limit``)."""
        info = self.entries.get(name)
        if info is None:
            raise InputError(self.path, f"the archive has no entry {name!r}")
        parts: list[bytes] = []
        self.stream(info, parts.append, limit)
        return b"".join(parts)

    def verify(self, xml: bool = False) -> None:
        """Inflate every entry once without keeping it; with ``xml``, check each XML part is well-formed."""
        self.check_all_declared()
        for name, info in self.entries.items():
            if xml and name.lower().endswith(_XML_SUFFIXES):
                checker = _XmlCheck(self.path, name)
                self.stream(info, checker.feed)
                checker.close()
            else:
                self.stream(info, _discard)


def _discard(chunk: bytes) -> None:
    pass


class _XmlCheck:
    """Well-formedness of one XML entry, fed in chunks (expat keeps no tree)."""

    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype

    def _doctype(self, *args) -> None:
        line = self.parser.CurrentLineNumber
        raise InputError(self.path, f"entry {self.name!r}, line {line}: has a DOCTYPE, which Office files never have")

    def feed(self, chunk: bytes) -> None:
        self._parse(chunk, False)

    def close(self) -> None:
        self._parse(b"", True)

    def _parse(self, data: bytes, final: bool) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            reason = expat.errors.messages.get(exc.code, str(exc)).removeprefix("not well-formed ").strip("()")
            where = f"line {exc.lineno}, column {exc.offset + 1}"
            raise InputError(self.path, f"entry {self.name!r}, {where}: not well-formed XML ({reason})") from None


def check_package(data: bytes, path: Path | str, kind: str) -> None:
    """Check an Office Open XML package (.docx, .xlsx) before a library reads it: the limits, every entry
    inflated once, every XML part well-formed. Raises ``InputError`` naming the file and the entry."""
    with ZipGuard(data, path, kind) as guard:
        guard.verify(xml=True)
