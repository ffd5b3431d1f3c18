"""coder merge: two copies of the demo project coded by two people, brought together."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import main
from coder.coding import service as editing
from coder.demo.service import build_demo
from coder.errors import CoderError
from coder.model import ImportedSource, Segment
from coder.store import Project
from coder.team import service as merging
from coder.team.merge_plan import CoderMap, parse_coder_map
from coder.team.service import merge_projects

TABLES = ["source", "segment", '"case"', "attribute", "code", "coding", "memo", "quote", "suggestion", "setting"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo")).path


def copy(demo: Path, to: Path) -> Path:
    shutil.copy(demo, to)
    return to


def content(path: Path) -> tuple:
    """Everything a merge could change, ids included, and the log without its times."""
    with Project.open(path) as p:
        tables = tuple(tuple(p.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()) for t in TABLES)
        log = tuple(p.conn.execute("SELECT coder, kind, payload, undone FROM action ORDER BY id").fetchall())
    return tables, log


def interview(p: Project, n: int = 0):
    src = [s for s in p.sources() if s.kind == "transcript"][n]
    return src, [g for g in p.segments(src.id) if g.speaker and not g.speaker.startswith("I")][:8] or p.segments(
        src.id
    )[:8]


@pytest.fixture
def pair(demo, tmp_path) -> tuple[Path, Path]:
    """kari codes A, ola codes B: the same interview, partly alike."""
    a, b = copy(demo, tmp_path / "kari.coder"), copy(demo, tmp_path / "ola.coder")
    with Project.open(a) as p:
        src, segs = interview(p)
        for seg in segs[:4]:
            editing.code_spans(p, [(src.id, seg.start, seg.end)], "kapasitet", "kari")
        editing.write_memo(p, "code", "kapasitet", "Ventetid og henvisninger.", "kari")
    with Project.open(b) as p:
        src, segs = interview(p)
        for seg in segs[2:6]:
            editing.code_spans(p, [(src.id, seg.start, seg.end)], "kapasitet", "ola")
        editing.code_spans(p, [(src.id, segs[0].start, segs[0].end)], "samarbeid", "ola")
        editing.write_memo(p, "code", "kapasitet", "Ventetid og henvisninger.", "ola")
        editing.write_memo(p, "code", "samarbeid", "Samarbeid med skole og barnehage.", "ola")
    return a, b


def test_codings_of_both_coders_side_by_side_and_offsets_valid(pair, tmp_path):
    a, b = pair
    out = tmp_path / "felles.coder"
    report = merge_projects(a, b, out, by="kari")
    assert report.changed
    with Project.open(a) as pa:
        n_sources = len(pa.sources())
    assert len(report.sources_matched) == n_sources and not report.sources_added
    assert report.codings_added == {"ola": 5} and report.codings_in_a == 4
    with Project.open(out) as c, Project.open(b) as pb:
        by_coder = c.coders_with_codings()
        assert by_coder == {"kari": 4, "ola": 5}
        # every coding's text is the text the coder coded in their own copy
        b_texts = {
            (x.code_id, x.coder, pb.source_text(x.source_id)[x.start : x.end]) for x in pb.codings() if x.coder == "ola"
        }
        c_texts = {(x.code_id, x.coder, c.source_text(x.source_id)[x.start : x.end]) for x in c.codings()}
        assert b_texts <= c_texts
        for x in c.codings():
            assert 0 <= x.start < x.end <= len(c.source_text(x.source_id))
        assert c.memo("code", "kapasitet").text == "Ventetid og henvisninger."  # identical memo once
        assert c.memo("code", "samarbeid").text == "Samarbeid med skole og barnehage."
        kinds = [a["kind"] for a in c.actions()]
        assert kinds[-1] == "merge"
    assert report.memos_same == 1 and report.memos_added == 1
    text = "\n".join(report.summary())
    assert "ola: 0 in kari.coder, 5 in ola.coder, 5 in felles.coder" in text


def test_merging_the_same_file_twice_changes_nothing(pair, tmp_path):
    a, b = pair
    once, twice, again = tmp_path / "c1.coder", tmp_path / "c2.coder", tmp_path / "c3.coder"
    merge_projects(a, b, once)
    second = merge_projects(once, b, twice)
    assert not second.changed and sum(second.codings_added.values()) == 0
    assert content(once) == content(twice)
    third = merge_projects(once, a, again)  # A is in it already too
    assert not third.changed
    assert content(once) == content(again)


def test_a_project_merged_with_itself_is_a_copy(demo, tmp_path):
    a = copy(demo, tmp_path / "a.coder")
    report = merge_projects(a, a, tmp_path / "c.coder")
    assert not report.changed
    assert content(a) == content(tmp_path / "c.coder")


def test_a_coder_under_two_spellings_is_joined_never_dropped(demo, tmp_path):
    a, b = copy(demo, tmp_path / "a.coder"), copy(demo, tmp_path / "b.coder")
    for path, name in ((a, "kari"), (b, "Kari Nordmann")):
        with Project.open(path) as p:
            src, segs = interview(p)
            editing.code_spans(p, [(src.id, segs[0].start, segs[0].end)], "kapasitet", name)  # the same coding
            editing.code_spans(p, [(src.id, segs[1].start, segs[1].end)], "mandat", name)
    plain = merge_projects(a, b, tmp_path / "plain.coder")
    assert any("«Kari Nordmann» and «kari» may be one person" in n for n in plain.notes)
    with Project.open(tmp_path / "plain.coder") as c:
        assert c.coders_with_codings() == {"Kari Nordmann": 2, "kari": 2}  # nothing dropped without a map
    joined = merge_projects(a, b, tmp_path / "joined.coder", [parse_coder_map("kari=Kari Nordmann")])
    with Project.open(tmp_path / "joined.coder") as c:
        assert c.coders_with_codings() == {"Kari Nordmann": 2}  # the two identical codings are one
        assert "kari" not in c.coder_activity()  # the log follows the map too
    assert joined.codings_same == 2
    assert [(scope, old, new) for scope, old, new, _ in joined.renamed_coders] == [("", "kari", "Kari Nordmann")]
    with pytest.raises(CoderError, match="«per» appears in neither"):
        merge_projects(a, b, tmp_path / "x.coder", [parse_coder_map("per=Per Hansen")])
    assert not (tmp_path / "x.coder").exists()


def test_one_file_only_map_and_the_same_name_for_two_people(demo, tmp_path):
    a, b = copy(demo, tmp_path / "a.coder"), copy(demo, tmp_path / "b.coder")
    for path, seg_no in ((a, 0), (b, 1)):
        with Project.open(path) as p:
            src, segs = interview(p)
            editing.code_spans(p, [(src.id, segs[seg_no].start, segs[seg_no].end)], "kapasitet", "bruker")
            editing.code_spans(p, [(src.id, segs[2].start, segs[2].end)], "mandat", "bruker")
    warned = merge_projects(a, b, tmp_path / "w.coder")
    assert any("«bruker» coded the same sources differently" in n for n in warned.notes)
    merge_projects(a, b, tmp_path / "m.coder", [CoderMap("bruker", "ola", "B")])
    with Project.open(tmp_path / "m.coder") as c:
        assert c.coders_with_codings() == {"bruker": 2, "ola": 2}
    assert parse_coder_map("B:kari=Ola Hansen") == CoderMap("kari", "Ola Hansen", "B")
    with pytest.raises(CoderError, match="write OLD=NEW"):
        parse_coder_map("kari")


def test_conflicting_labels_refuse_until_prefer_chooses(pair, tmp_path):
    a, b = pair
    with Project.open(b) as p:
        editing.rename_code(p, "kapasitet", "Kapasitet og ventetid", "ola")
        editing.edit_code(p, "mandat", "ola", description="Mandat slik PPT selv forstår det.")
    out = tmp_path / "c.coder"
    with pytest.raises(CoderError, match=r"kapasitet: label «Kapasitet» in A, «Kapasitet og ventetid» in B.*--prefer"):
        merge_projects(a, b, out)
    assert not out.exists() and not list(tmp_path.glob(".c.coder*"))
    merge_projects(a, b, out, prefer="a")
    with Project.open(out) as c:
        assert c.code("kapasitet").label == "Kapasitet"
    report = merge_projects(a, b, tmp_path / "b-wins.coder", prefer="b")
    with Project.open(tmp_path / "b-wins.coder") as c:
        assert c.code("kapasitet").label == "Kapasitet og ventetid"
        assert c.code("mandat").description == "Mandat slik PPT selv forstår det."
    said = "\n".join(report.summary())
    conflict = "conflict: code label kapasitet: «Kapasitet» in kari.coder, «Kapasitet og ventetid» in ola.coder"
    assert f"{conflict}: kept B's" in said
    assert "code description mandat" in said


def test_other_codebook_differences_are_reported_with_whose_was_kept(pair, tmp_path):
    a, b = pair
    with Project.open(b) as p:
        editing.recolour_code(p, "mandat", "#123456", "ola")
    report = merge_projects(a, b, tmp_path / "c.coder")
    conflict = next(c for c in report.conflicts if c.where == "mandat")
    assert conflict.kept == "A" and "no --prefer" in conflict.why


def test_a_source_and_code_only_in_b_come_with_segments_and_codings(pair, tmp_path):
    a, b = pair
    text = "Vi trenger flere stillinger.\n\nOg et tettere samarbeid med helsesykepleier."
    with Project.open(b) as p:
        with p.transaction():
            p.add_sources([ImportedSource("document", "Notat fra Ola", text, [Segment(0, 28), Segment(30, len(text))])])
            p.add_sources([ImportedSource("document", "Referat", "Olas referat fra møtet.", [Segment(0, 23)])])
        new = editing.new_code(p, "Helsesykepleier", "samarbeid", "ola")
        notat = next(s.id for s in p.sources() if s.name == "Notat fra Ola")
        editing.code_spans(p, [(notat, 30, len(text))], new.id, "ola")
        editing.write_memo(p, "source", notat, "Skrevet etter møtet.", "ola")
    with Project.open(a) as p, p.transaction():
        p.add_sources([ImportedSource("document", "Referat", "Karis referat: et annet.", [Segment(0, 24)])])
    report = merge_projects(a, b, tmp_path / "c.coder")
    assert "Notat fra Ola" in report.sources_added and report.codes_added == [new.id]
    assert report.sources_renamed == [("Referat", "Referat (ola)")]
    with Project.open(tmp_path / "c.coder") as c:
        sid = next(s.id for s in c.sources() if s.name == "Notat fra Ola")
        assert [(g.start, g.end) for g in c.segments(sid)] == [(0, 28), (30, len(text))]
        coding = c.codings(sid)[0]
        assert c.source_text(sid)[coding.start : coding.end].startswith("Og et tettere")
        assert c.code(new.id).parent == "samarbeid"
        assert c.memo("source", sid).text == "Skrevet etter møtet."
        assert c.search("helsesykepleier")  # in the search index


def test_texts_that_differ_under_one_hash_are_refused(pair, tmp_path):
    a, b = pair
    with Project.open(b) as p:
        src, _ = interview(p)
        p.conn.execute("UPDATE source SET text = replace(text, 'PPT', '[ORG 1]') WHERE id = ?", (src.id,))
    with pytest.raises(CoderError, match="different text"):
        merge_projects(a, b, tmp_path / "c.coder")
    assert not (tmp_path / "c.coder").exists()


def test_a_failing_merge_leaves_no_output(pair, tmp_path, monkeypatch):
    a, b = pair

    def boom(self, *args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging._Plan, "memos", boom)
    with pytest.raises(RuntimeError):
        merge_projects(a, b, tmp_path / "c.coder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kari.coder", "ola.coder"]


def test_the_output_must_be_new(pair, tmp_path):
    a, b = pair
    with pytest.raises(CoderError, match="must be a new file"):
        merge_projects(a, b, a)
    (tmp_path / "c.coder").write_text("old")
    with pytest.raises(CoderError, match="already exists"):
        merge_projects(a, b, tmp_path / "c.coder")
    merge_projects(a, b, tmp_path / "c.coder", overwrite=True)
    with Project.open(tmp_path / "c.coder") as c:
        assert c.coders_with_codings() == {"kari": 4, "ola": 5}


def test_memos_quotes_decisions_cases_and_attributes_come_along(pair, tmp_path):
    a, b = pair
    with Project.open(a) as p:
        editing.write_memo(p, "project", "", "Notater fra kari.", "kari")
    with Project.open(b) as p:
        editing.write_memo(p, "project", "", "Notater fra ola.", "ola")
        coding = next(x for x in p.codings() if x.coder == "ola")
        editing.mark_quote(p, coding.id, True, "ola")
        src, segs = interview(p)
        seg_id = segs[7].id
        with p.action("suggest", "rejected Mandat", "ola"):
            p.decide_suggestion(seg_id, "mandat", "rejected", "ola", 0.4, {})
        case = next(c for c in p.cases() if c.attributes)
        key = next(iter(case.attributes))
        p.conn.execute("UPDATE attribute SET value = 'endret' WHERE case_id = ? AND key = ?", (case.id, key))
        with p.transaction():
            p.add_case("Informant 99", [])
    report = merge_projects(a, b, tmp_path / "c.coder")
    with Project.open(tmp_path / "c.coder") as c:
        memo = c.memo("project", "").text
        assert memo.startswith("Notater fra kari.") and "— ola" in memo and memo.endswith("Notater fra ola.")
        marked = c.quote_marks()
        assert any(c.coding(i).coder == "ola" for i in marked)
        decisions = c.suggestion_decisions()
        assert any(d.get("mandat") == "rejected" for d in decisions.values())
        assert "Informant 99" in {x.name for x in c.cases()}
    assert any(x.what == "attribute" and x.b == "endret" and x.kept == "A" for x in report.conflicts)
    assert report.memos_joined == 1 and report.quotes_added == 1 and report.decisions_added == 1


def test_the_coder_setting_of_a_copy_is_not_handed_on(pair, tmp_path):
    from coder.team import identity

    a, b = pair
    with Project.open(a) as p:
        identity.set_coder(p, "kari")
    with Project.open(b) as p:
        identity.set_coder(p, "ola")
    report = merge_projects(a, b, tmp_path / "c.coder")
    with Project.open(tmp_path / "c.coder") as c:
        assert c.setting(identity.SETTING) is None
    assert any("name different coders" in n for n in report.notes)


def test_coder_merge_command(pair, tmp_path):
    a, b = pair
    runner = CliRunner()
    out = tmp_path / "felles.coder"
    result = runner.invoke(main, ["merge", str(a), str(b), "-o", str(out), "--coder", "kari"])
    assert result.exit_code == 0, result.output
    assert "felles.coder: kari.coder with ola.coder merged in" in result.output
    assert "ola: 0 in kari.coder, 5 in ola.coder, 5 in felles.coder" in result.output
    again = runner.invoke(main, ["merge", str(out), str(b), "-o", str(tmp_path / "igjen"), "--json"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.output)
    assert data["changed"] is False and data["codings"]["already_in_a"] == 5
    assert (tmp_path / "igjen.coder").exists()
    refused = runner.invoke(main, ["merge", str(a), str(b), "-o", str(out)])
    assert refused.exit_code == 1 and refused.output.startswith("error: ") and "already exists" in refused.output
    bad = runner.invoke(main, ["merge", str(a), str(b), "-o", str(tmp_path / "x"), "--map-coder", "kari"])
    assert bad.exit_code == 1 and "OLD=NEW" in bad.output
