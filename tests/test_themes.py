"""Themes in open answers: spherical k-means with k-means++ and a fixed seed, k by the silhouette, typicality, the
distinctive base forms (coder/themes/cluster.py); the service over a small embedded project; a theme made into a
code whose answers wait as open suggestions (never codings) and come first in the review queue; `coder themes`."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import spacy
from click.testing import CliRunner

from coder.cli import main
from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.ingest.service import import_files, import_survey
from coder.nlp import annotate as ann
from coder.nlp import embeddings
from coder.store import Project
from coder.suggest import service as suggesting
from coder.themes import cluster
from coder.themes import service as themes
from tests.conftest import REPO, write

# Written for these tests: answers from PP services in three clear themes — waiting, staffing, digital tools.
WAITING = [
    "Familiene må vente altfor lenge før saken blir tatt opp.",
    "Ventetiden hos oss er nå over fem måneder.",
    "Det går mange uker fra henvisningen kommer til vi møter barnet.",
    "Køen av saker som venter på oss blir bare lengre.",
    "Foreldre ringer stadig for å høre hvor lenge de må vente.",
    "Vi klarer ikke å korte ned ventetida uansett hva vi gjør.",
    "Barna står på venteliste i et halvt år før noen kommer.",
    "Lang ventetid er det foreldrene klager mest på.",
    "Sakene blir liggende i mange måneder før vi rekker å se på dem.",
    "Ventelistene våre har aldri vært så lange som nå.",
    "Skolene venter lenge på svar fra oss.",
    "Det tar for lang tid før en sak blir behandlet.",
]
STAFFING = [
    "Vi får ikke tak i psykologer, stillingene står ledige.",
    "Ingen søkte på den siste utlysningen vår.",
    "To av de ansatte har sluttet, og vi har ikke fått erstattere.",
    "Det er nesten umulig å rekruttere logopeder hit.",
    "Vi har tre vakante stillinger akkurat nå.",
    "Mange nyutdannede vil heller jobbe i byen enn hos oss.",
    "Sykefraværet blant de ansatte er høyt, så vi er for få på jobb.",
    "Vi lyser ut stillinger gang på gang uten kvalifiserte søkere.",
    "Lønna vi kan tilby er for lav til å trekke til oss folk.",
    "Bemanningen er halvert siden i fjor.",
    "Vi mangler fagfolk med spesialpedagogisk utdanning.",
    "Det har vært stor utskifting av ansatte de siste årene.",
]
DIGITAL = [
    "Vi har tatt i bruk videomøter med foreldrene.",
    "Det nye journalsystemet gjør arbeidet enklere.",
    "Digitale kartleggingsverktøy sparer oss for mye tid.",
    "Vi holder kurs for lærerne på nett.",
    "Skjemaene fylles nå ut elektronisk.",
    "Nettbrett brukes mye i testingen av barna.",
    "Vi møter skolene på Teams i stedet for å reise.",
    "Den digitale søknadsportalen har gjort henvisningene ryddigere.",
    "Opplæringen i det nye fagsystemet tok lang tid.",
    "Vi lager korte filmer med råd til foreldre.",
    "Elektronisk arkiv har erstattet papirmappene.",
    "Programvaren for rapporter er fortsatt tungvint å bruke.",
]
ANSWERS = WAITING + STAFFING + DIGITAL
TRUTH = [0] * len(WAITING) + [1] * len(STAFFING) + [2] * len(DIGITAL)


# -- the pure part: cluster.py --------------------------------------------------------------------------------------
def blobs(sizes=(40, 30, 25, 20), dim=64, spread=0.25, seed=3) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in well-separated groups round random directions, shuffled; and each one's group."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), dim))
    truth = np.repeat(np.arange(len(sizes)), sizes)
    x = centres[truth] + spread * rng.normal(size=(len(truth), dim))
    order = rng.permutation(len(truth))
    return cluster.unit(x[order]), truth[order]


def test_well_separated_groups_are_found_and_k_is_chosen():
    x, truth = blobs()
    found = cluster.cluster(x)
    assert found.chosen == "silhouette" and found.k == 4
    assert set(found.silhouettes) == set(cluster.k_range(len(x))) and found.silhouette == max(
        found.silhouettes.values()
    )
    assert [g.size for g in found.groups] == [40, 30, 25, 20]  # the largest first
    for g in found.groups:
        assert len(set(truth[g.members])) == 1  # each group is one blob, whole
    assert sorted(int(i) for g in found.groups for i in g.members) == list(range(len(x)))


def test_the_grouping_is_deterministic_and_members_come_most_typical_first():
    x, _ = blobs(seed=5)
    one, two = cluster.cluster(x), cluster.cluster(x.copy())
    assert one.k == two.k
    for a, b in zip(one.groups, two.groups, strict=True):
        assert a.members.tolist() == b.members.tolist() and np.allclose(a.typicality, b.typicality)
    for g in one.groups:
        assert np.all(np.diff(g.typicality) <= 1e-7)  # most typical first
    given = cluster.cluster(x, k=2)
    assert given.chosen == "given" and given.k == 2 and len(given.groups) == 2 and not given.silhouettes


def test_kmeans_pp_and_spherical_kmeans_on_their_own():
    x, truth = blobs(sizes=(20, 20, 20), seed=7)
    seeds = cluster.kmeans_pp(x, 3, np.random.default_rng(0))
    assert len(set(truth[seeds])) == 3  # D² seeding picks one point of each far-apart group
    run = cluster.spherical_kmeans(x, 3)
    assert len(set(zip(run.labels.tolist(), truth.tolist(), strict=True))) == 3
    assert np.allclose(np.linalg.norm(run.centroids, axis=1), 1.0, atol=1e-5)
    assert cluster.spherical_kmeans(x, 100).labels.max() < len(x)  # k is capped at n


def test_silhouette_agrees_with_its_definition():
    rng = np.random.default_rng(1)
    x = cluster.unit(rng.normal(size=(12, 5)))
    labels = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0])
    distance = 1 - x @ x.T
    expected = []
    for i in range(len(x)):
        own = [j for j in range(len(x)) if labels[j] == labels[i] and j != i]
        a = np.mean([distance[i, j] for j in own])
        b = min(np.mean([distance[i, j] for j in range(len(x)) if labels[j] == c]) for c in {0, 1, 2} - {labels[i]})
        expected.append((b - a) / max(a, b))
    assert cluster.silhouette(x, labels) == pytest.approx(float(np.mean(expected)), abs=1e-5)
    assert cluster.silhouette(x, np.zeros(12, dtype=int)) == 0.0


def test_k_range_keeps_themes_from_being_tiny():
    assert cluster.k_range(500) == list(range(3, 13))
    assert cluster.k_range(30) == [3, 4, 5, 6]
    assert cluster.k_range(12) == [2]


def test_distinctive_base_forms_come_from_the_cached_lemmas_and_leave_function_words_out():
    def annotation(*tokens):  # (surface, lemma, pos) → text and an annotation as coder.nlp.annotate makes them
        text, rows = "", []
        for surface, lemma, pos in tokens:
            rows.append([len(text), len(text) + len(surface), lemma, pos])
            text += surface + " "
        return text, {"t": rows}

    answers = [
        annotation(("Ventetiden", "ventetid", "NOUN"), ("er", "være", "AUX"), ("lang", "lang", "ADJ")),
        annotation(
            ("Vi", "vi", "PRON"), ("venter", "vente", "VERB"), ("og", "og", "CCONJ"), ("venter", "vente", "VERB")
        ),
        annotation(("ventetida", "ventetid", "NOUN"), ("i", "i", "ADP"), ("kommunen", "kommune", "NOUN")),
        annotation(
            ("Kompetansen", "kompetanse", "NOUN"),
            ("øker", "øke", "VERB"),
            ("i", "i", "ADP"),
            ("kommunen", "kommune", "NOUN"),
        ),
        annotation(("Mer", "mye", "ADJ"), ("kompetanse", "kompetanse", "NOUN"), ("trengs", "trenge", "VERB")),
    ]
    docs = [cluster.content_words(text, ann) for text, ann in answers]
    assert docs[0] == {"ventetid"}  # «være» (a stop word) and «lang» (too common to carry a theme) are left out
    assert docs[1] == {"vente"}  # counted once per answer; «vi», «og» are function words
    terms = cluster.distinctive(docs, [[0, 1, 2], [3, 4]])
    assert terms[0][0][0] == "ventetid" and [w for w, _ in terms[1]] == ["kompetanse"]
    assert "kommune" not in [w for w, _ in terms[0] + terms[1]]  # in both groups: sets neither apart
    assert all(z > 0 for group in terms for _, z in group)
    # untagged text and text without an annotation: the words as written, less the function words
    assert cluster.content_words("Vi venter på svar fra dem", None) == {"venter", "svar"}
    assert cluster.content_words("ok", {"t": [[0, 2, "", ""]]}) == set()


# -- the service, on a small embedded project -----------------------------------------------------------------------
INTERVIEW = "\n\n".join(
    f"I: {question}\n\nIP: {answer}"
    for question, answer in [
        ("Hvordan er ventetiden hos dere?", WAITING[0]),
        ("Og bemanningen?", STAFFING[0]),
        ("Bruker dere digitale verktøy?", DIGITAL[0]),
    ]
)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """A project with one survey question (the 36 answers), one short interview and a codebook, every segment
    embedded (about two seconds with the real model); each test gets a copy."""
    loaded = embeddings.load()
    assert loaded.embedder is not None, loaded.warning
    folder = tmp_path_factory.mktemp("themes")
    rows = ["id;svar"] + [f"R{i};{text}" for i, text in enumerate(ANSWERS, 1)]
    csv = write(folder / "undersokelse.csv", "\n".join(rows) + "\n")
    write(folder / "intervju-1.txt", INTERVIEW)
    path = folder / "p.coder"
    with Project.create(path) as project:
        import_survey(project, csv, "id", ["svar"], [], coder="test")
        import_files(project, [folder / "intervju-1.txt"], coder="test")
        embeddings.refresh(project, loaded.embedder)
    return path


@pytest.fixture
def proj(embedded, tmp_path, monkeypatch):
    monkeypatch.delenv("CODER_SEMANTIC", raising=False)
    shutil.copy(embedded, tmp_path / "p.coder")
    with Project.open(tmp_path / "p.coder") as project:
        yield project


def survey(project: Project):
    return next(s for s in project.sources() if s.kind == "survey")


def test_the_answers_fall_into_their_themes(proj):
    grouping = themes.themes_for_source(proj, survey(proj).id, k=3)
    assert grouping.answers == len(ANSWERS) and grouping.not_embedded == 0 and grouping.grouped == len(ANSWERS)
    assert grouping.chosen == "given" and len(grouping.themes) == 3
    texts = {s.id: s.text.strip() for s in proj.segment_texts(source_id=survey(proj).id)}
    majorities = []
    right = 0
    for theme in grouping.themes:
        truth = [TRUTH[ANSWERS.index(texts[i])] for i in theme.members]
        majority = max(set(truth), key=truth.count)
        majorities.append(majority)
        right += truth.count(majority)
        assert len(theme.typical) >= 3 and theme.typical[0].id == theme.members[0]  # the most typical shown first
        assert len(theme.terms) >= 2
    assert sorted(majorities) == [0, 1, 2]  # each intended theme is the bulk of one group …
    assert right / len(ANSWERS) >= 0.75  # … and most answers are where a reader would put them
    waiting = grouping.themes[majorities.index(0)]
    assert {"ventetid", "ventetiden", "vente", "venter", "venteliste"} & set(waiting.terms[:4])
    assert grouping.summary().startswith("36 answers in 3 themes (k given)")
    again = themes.themes_for_source(proj, survey(proj).id, k=3)
    assert [t.members for t in again.themes] == [t.members for t in grouping.themes]  # deterministic


def test_k_is_chosen_when_not_given_and_interviewer_turns_are_left_out(proj):
    grouping = themes.themes_for_source(proj, survey(proj).id)
    assert grouping.chosen == "silhouette" and grouping.k in cluster.k_range(len(ANSWERS))
    interview = next(s for s in proj.sources() if s.kind == "transcript")
    ids = [s.id for s in proj.segment_texts(source_id=interview.id)]
    few = themes.themes_for_segments(proj, ids)
    assert few.answers == 3 and not few.themes and "too few to group" in few.note  # the three IP turns only
    mixed = themes.themes_for_segments(proj, ids + [s.id for s in proj.segment_texts(source_id=survey(proj).id)])
    assert mixed.answers == len(ANSWERS) + 3 and mixed.grouped == len(ANSWERS) + 3


def test_answers_not_embedded_yet_are_counted_and_too_few_are_not_grouped(proj, monkeypatch):
    question = survey(proj)
    with proj.transaction():  # new text for five answers: their embeddings are stale now
        for seg in list(proj.segment_texts(source_id=question.id))[:5]:
            proj.conn.execute("UPDATE segment_embedding SET text_hash = 'old' WHERE segment_id = ?", (seg.id,))
    grouping = themes.themes_for_source(proj, question.id, k=3)
    assert grouping.not_embedded == 5 and grouping.grouped == len(ANSWERS) - 5
    assert "5 not embedded yet" in grouping.summary()
    ids = [s.id for s in proj.segment_texts(source_id=question.id)][:14]
    few = themes.themes_for_segments(proj, ids)
    assert not few.themes and few.note.startswith("9 embedded answers (5 not embedded yet")
    monkeypatch.setenv("CODER_SEMANTIC", "0")
    off = themes.themes_for_source(proj, question.id)
    assert not off.themes and "semantic layer is off" in off.note


def test_a_theme_becomes_a_code_and_its_answers_open_suggestions_never_codings(proj):
    question = survey(proj)
    theme = themes.themes_for_source(proj, question.id, k=3).themes[0]
    actions = len(proj.actions())
    made = themes.theme_to_code(proj, theme, "  Ventetid   og kø ", "test")
    assert made.code.label == "Ventetid og kø" and made.suggestions == theme.size
    assert proj.code(made.code.id).label == "Ventetid og kø"
    assert list(proj.codings()) == []  # nothing is coded
    assert len(proj.actions()) == actions + 1 and proj.actions()[-1]["kind"] == "code-add"  # one action
    stored = [r for r in proj.open_suggestions(question.id) if r[1] == made.code.id]
    assert [r[0] for r in stored] == theme.members  # most typical first (the score is the typicality)
    assert all(r[3]["theme"]["of"] == theme.size and r[3]["rule"] == 0.0 for r in stored)
    assert proj.suggestion_decisions() == {}  # open: no decision
    # the review queue shows them first, most typical first, though no rule or model knows the code
    queue = suggesting.Suggester(proj).review_queue(proj)
    head = [(q.segment.id, q.score.code_id) for q in queue[: theme.size]]
    assert head == [(i, made.code.id) for i in theme.members]
    first = queue[0]
    suggesting.accept(proj, first.segment.id, first.score, "test")  # accepting one codes that answer only
    assert len(list(proj.codings())) == 1
    rest = suggesting.Suggester(proj).review_queue(proj)
    assert (first.segment.id, made.code.id) not in {(q.segment.id, q.score.code_id) for q in rest}
    editing.undo(proj)
    editing.undo(proj)  # the code goes, and its open suggestions with it
    assert made.code.id not in {c.id for c in proj.codebook().codes}
    assert not [r for r in proj.open_suggestions() if r[1] == made.code.id]
    editing.redo(proj)  # and redo brings both back
    assert made.code.id in {c.id for c in proj.codebook().codes}
    assert [r[0] for r in proj.open_suggestions(question.id) if r[1] == made.code.id] == theme.members


def test_a_filtered_set_of_answers_is_grouped(proj):
    from coder.filters import parse_filter

    question = survey(proj)
    some = themes.answers_of(proj, question.id, parse_filter("venter"))
    assert some and all("venter" in s.text.lower() for s in some)
    assert themes.themes_for_source(proj, question.id, filter=parse_filter("venter")).title.endswith("(venter)")


# -- the command line --------------------------------------------------------------------------------------------
class Blank:
    """A fast stand-in for the trained pipeline (no POS: the base forms are the words as written)."""

    def __init__(self):
        self.nlp, self.name, self.version, self.warning = spacy.blank("nb"), "nb_blank", "1", None


def test_coder_themes_prints_the_themes_and_makes_a_code(proj, monkeypatch):
    monkeypatch.setattr(ann, "load", lambda setting=None: Blank())
    path = str(proj.path)
    result = CliRunner().invoke(main, ["themes", path, "--source", "svar", "--k", "3"])
    assert result.exit_code == 0, result.output
    assert "36 answers in 3 themes (k given)" in result.output
    assert result.output.count("answers  ") == 3 and result.output.count("«") >= 9
    data = json.loads(CliRunner().invoke(main, ["themes", path, "--source", "svar", "--k", "3", "--json"]).output)
    assert [t["number"] for t in data["themes"]] == [1, 2, 3] and sum(t["size"] for t in data["themes"]) == 36
    assert data["k_chosen_by"] == "given" and data["themes"][0]["members"]
    made = CliRunner().invoke(main, ["themes", path, "--source", "svar", "--k", "3", "--make", "2", "--label", "Tema"])
    assert made.exit_code == 0, made.output
    assert "made the code «Tema» (tema)" in made.output and "Nothing is coded yet" in made.output
    with Project.open(proj.path) as project:
        assert len([r for r in project.open_suggestions() if r[1] == "tema"]) == data["themes"][1]["size"]
        assert list(project.codings()) == []
    wrong = CliRunner().invoke(main, ["themes", path, "--source", "svar", "--k", "3", "--make", "9"])
    assert wrong.exit_code == 1 and "--make 1 to 3" in wrong.output
    assert CliRunner().invoke(main, ["themes", path, "--source", "svar", "--label", "x"]).exit_code == 2
    monkeypatch.setenv("CODER_SEMANTIC", "0")
    off = CliRunner().invoke(main, ["themes", path, "--source", "svar"])
    assert off.exit_code == 1 and "semantic layer is off" in off.output


def test_coder_suggest_keeps_the_suggestions_a_theme_made(tmp_path):
    """`coder suggest` replaces the engine's open suggestions, never those the researcher asked for (a theme's)."""
    with Project.create(tmp_path / "p.coder") as project:
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
        csv = write(tmp_path / "svar.csv", "id;svar\nR1;Ventetiden er lang.\nR2;Vi har god tid.\n")
        import_survey(project, csv, "id", ["svar"], [], coder="test")
        first, second = (s.id for s in project.segment_texts())
        with project.transaction():
            project.save_open_suggestions([(first, "ventetid", 0.5, {"theme": {"rank": 1, "of": 2}})])
            project.clear_open_suggestions()
            project.save_open_suggestions([(first, "ventetid", 0.9, {"rule": 0.9}), (second, "kapasitet", 0.3, {})])
        rows = {(r[0], r[1]): r for r in project.open_suggestions()}
        assert rows[(first, "ventetid")][3]["theme"] == {"rank": 1, "of": 2}  # neither cleared nor overwritten
        assert (second, "kapasitet") in rows
