"""The ``.qdpx`` archive: a zip with ``project.qde`` and the source files under ``sources/``.

Written the way the standard says and the strictest importers need: the folder is ``sources/``
in lower case (zip names are case-sensitive, and ATLAS.ti rejects ``Sources/``), plain-text
sources are UTF-8 files named ``<guid>.txt`` referred to as ``internal://<guid>.txt``, no
``richTextPath`` for them (ATLAS.ti reads a ``.txt`` given there as rich text and fails). Each
entry has a fixed date, so exporting an unchanged project twice gives the same bytes.

Read the way real files come: ``Sources/`` (NVivo) or ``sources/`` (MAXQDA), a ``.qde`` with
another name than ``project.qde``, text files with a BOM, in UTF-16 or Windows-1252.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from coder.errors import InputError
from coder.exchange.model import RefiProject
from coder.exchange.qde import parse_project
from coder.ingest.archive import MAX_ENTRY_SIZE, MB, ZipGuard
from coder.ingest.decode import decode

QDE = "project.qde"
SOURCES = "sources"
_DATE = (2000, 1, 1, 0, 0, 0)


def internal_path(file_name: str) -> str:
    return f"internal://{file_name}"


def write_qdpx(path: Path, qde: bytes, files: dict[str, bytes]) -> None:
    """Write the archive atomically: a failed export leaves no half-written file behind."""
    path = Path(path)
    if not path.parent.exists():
        raise InputError(path, f"the folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".qdpx", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            _add(archive, QDE, qde)
            for name, data in files.items():
                _add(archive, f"{SOURCES}/{name}", data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600: follow the umask as any other program does
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


MAX_TEXT_SIZE = 16 * MB
"""The most a source's (or a note's) text file in the archive may inflate to: some 2.5 million words, fifty
books; a transcript is rarely 1 MB. Bigger is refused before it is read: the import holds a text and its
position maps some 35 times over (10 MB of text took 350 MB), so a plain-text bomb under the ratio limit
must not reach it."""


class Archive:
    """An opened ``.qdpx``: its project and the files its sources point to, read under the limits of
    :mod:`coder.ingest.archive` (media entries coder does not read are never inflated)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.guard = ZipGuard(self.path, self.path, ".qdpx file")
        self.zip = self.guard.zip
        self.names = self.guard.entries
        try:
            self.qde_name = self._find_qde()
        except BaseException:
            self.guard.close()
            raise
        self.where = f"{self.path}/{self.qde_name}"

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.zip.close()

    def _find_qde(self) -> str:
        if QDE in self.names:
            return QDE
        found = sorted(n for n in self.names if n.lower().endswith(".qde") and "/" not in n.strip("/"))
        if not found:
            raise InputError(self.path, "no project.qde in the archive: not a REFI-QDA project")
        return found[0]

    def read_bytes(self, name: str, limit: int = MAX_ENTRY_SIZE) -> bytes:
        return self.guard.read(name, limit)

    def project(self) -> RefiProject:
        return parse_project(self.read_bytes(self.qde_name), self.where)

    def member(self, reference: str) -> str | None:
        """The archive entry an ``internal://`` reference names, whatever the case of ``sources/``."""
        if not reference.lower().startswith("internal://"):
            return None
        file_name = reference[len("internal://") :].lstrip("/")
        for candidate in (f"{SOURCES}/{file_name}", f"Sources/{file_name}", file_name):
            if candidate in self.names:
                return candidate
        wanted = file_name.lower()
        for name in self.names:
            lower = name.lower()
            if lower == f"{SOURCES}/{wanted}" or lower.rsplit("/", 1)[-1] == wanted:
                return name
        return None

    def text(self, reference: str) -> str | None:
        """The decoded text of an ``internal://`` file (BOM dropped), or None if the archive lacks it."""
        name = self.member(reference)
        if name is None:
            return None
        text, _ = decode(self.read_bytes(name, MAX_TEXT_SIZE), f"{self.path}/{name}")
        return text


def read_qdpx(path: Path) -> RefiProject:
    """The project with every source's text read from the archive.

    A source whose file is outside the archive (``absolute://``, ``relative://``) is left out
    and named in ``project.skipped``; one whose ``internal://`` file is missing is an error."""
    with Archive(path) as archive:
        project = archive.project()
        kept = []
        for source in project.sources:
            if source.path:
                if not source.path.lower().startswith("internal://"):
                    project.skipped.append(f"source {source.name!r}: its text is outside the archive ({source.path})")
                    continue
                text = archive.text(source.path)
                if text is None:
                    raise InputError(
                        archive.where, f"source {source.name!r}: {source.path} is not in the archive", source.line
                    )
                source.text = text
            kept.append(source)
        project.sources = kept
        for note in project.notes:
            if note.path:
                note.text = archive.text(note.path) or ""
    return project
