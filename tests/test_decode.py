import codecs

import pytest

from coder.errors import InputError
from coder.ingest.decode import decode, normalise, read_text
from tests.conftest import write

TEXT = "Kompetanseløftet gir økt samarbeid – «tett på» i år."


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM, native order
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # without BOM
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_decode_with_norwegian_letters_intact(data, encoding):
    text, found = decode(data, "f.txt")
    assert text == TEXT
    assert found == encoding


def test_latin1_bytes_undefined_in_cp1252_fall_back():
    text, found = decode("Ærlig".encode("latin-1") + b"\x81", "f.txt")
    assert found == "latin-1"
    assert text.startswith("Ærlig")


def test_binary_file_is_refused_with_its_name(tmp_path):
    path = write(tmp_path / "bilde.txt", bytes(range(256)) * 20)
    with pytest.raises(InputError, match="binary") as err:
        read_text(path)
    assert "bilde.txt" in str(err.value)


@pytest.mark.parametrize("content", [b"", b"   \n\n  \r\n"])
def test_empty_file_is_refused(tmp_path, content):
    with pytest.raises(InputError, match="empty"):
        read_text(write(tmp_path / "tom.txt", content))


def test_normalise_line_ends_nfc_and_controls():
    raw = "a\r\nb\rc\x0bd\x0ce\x85f\u2028g\u2029h\x00i\x07j" + "a\u030a"  # å decomposed
    assert normalise(raw) == "a\nb\nc\nd\ne\nf\ng\nhij" + "å"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "finnes-ikke.txt")
    with pytest.raises(InputError, match="folder"):
        read_text(tmp_path)
