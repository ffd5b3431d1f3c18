"""The real public documents in ../shared/data/documents import as document sources."""

import pytest

from coder.ingest.service import import_files
from tests.conftest import SHARED

DOCS = sorted((SHARED / "data" / "documents").glob("0*.txt"))


@pytest.mark.skipif(not DOCS, reason="../shared/data/documents not present")
def test_real_documents_import_as_documents(project):
    report = import_files(project, DOCS)
    assert len(report.added) == len(DOCS) == 4
    assert all(item.kind == "document" for item in report.added)
    for source in project.sources():
        assert source.kind == "document" and source.n_segments > 50 and source.case is None
        text = project.source_text(source.id)
        assert "\r" not in text and "ø" in text
        for seg in project.segments(source.id):
            assert text[seg.start : seg.end].strip() and seg.speaker is None
    assert project.stats()["words"] > 9000
    assert project.search("Kompetanseløftet")
