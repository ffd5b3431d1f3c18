"""Turn the bytes of a user's file into clean text.

Encodings met in practice: UTF-8 (with or without BOM), UTF-16 with BOM (Word's
"Unicode text"), and Windows-1252 from Norwegian Excel and older Word exports.
The text is normalised once, here, so that character offsets stay stable:
NFC, ``\\n`` line ends, and the characters that editors treat as line breaks
(vertical tab, form feed, NEL, U+2028/9) become ``\\n`` too.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from coder.errors import InputError

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 controls other than tab and newline, and DEL: never meaningful in transcripts.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding name)``. Raise InputError for binary data."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path), "utf-16"
    guess = _utf16_without_bom(data)
    if guess:
        return _strict(data, guess, path), guess
    if b"\x00" in data[:65536] or _looks_binary(data[:65536]):
        raise InputError(path, "this is a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _strict(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid {encoding} text (byte {exc.start})") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows as a NUL in every other byte of ASCII text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    if odd_nul > 0.6 and even_nul < 0.1:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.1:
        return "utf-16-be"
    return None


# Every byte except the C0 controls that never occur in text (tab, newlines and form feed do).
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls / len(sample) > 0.05


def normalise(text: str) -> str:
    """NFC, ``\\n`` line ends, no stray control characters, no BOM."""
    text = text.lstrip("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def read_text(path: Path) -> tuple[str, str]:
    """Read a text file the way every importer does: decode, normalise, refuse empty."""
    data = read_bytes(path)
    if not data.strip():
        raise InputError(path, "the file is empty")
    raw, encoding = decode(data, path)
    text = normalise(raw)
    if not text.strip():
        raise InputError(path, "the file has no text")
    return text, encoding
