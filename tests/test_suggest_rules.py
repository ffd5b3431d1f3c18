"""The rule layer of the suggestion engine: base forms, phrases, compounds, spelling variants, evidence offsets,
scores; the surface keyword baseline; the metrics of `coder eval`."""

from __future__ import annotations

import pytest

from coder.model import Code
from coder.nlp.compounds import default_splitter
from coder.suggest.metrics import score
from coder.suggest.rules import RuleLayer, rule_score
from coder.suggest.surface import SurfaceKeywords

CODES = [
    Code("kapasitet", "Kapasitet", keywords=["kapasitet", "press", "tid", "rekker ikke"]),
    Code("henvisninger", "Henvisninger", keywords=["henvisning", "henvise"]),
    Code("mandat", "Mandat og rolle", keywords=["mandat", "ikke vår oppgave"]),
    Code(
        "kompetanseloftet",
        "Kompetanseløftet",
        keywords=["Kompetanseløftet", "Kompetanseløftet for spesialpedagogikk og inkluderende praksis"],
    ),
]


@pytest.fixture(scope="module")
def rules() -> RuleLayer:
    return RuleLayer(CODES, default_splitter(), describe=False)


def matched(rules: RuleLayer, text: str, annotation=None) -> dict[str, set[tuple[str, str, str]]]:
    """code → {(the words in the text, the keyword, how)}."""
    return {
        code: {(text[m.start : m.end], m.term, m.kind) for m in ms}
        for code, ms in rules.matches(text, annotation).items()
    }


def test_inflected_forms_match_by_base_form(rules):
    found = matched(rules, "Henvisningene har økt, og mandatet er uklart.")
    assert ("Henvisningene", "henvisning", "lemma") in found["henvisninger"]
    assert ("mandatet", "mandat", "lemma") in found["mandat"]


def test_the_cached_annotation_gives_the_lemmas(rules):
    text = "Skolene henviste flere elever."
    annotation = {
        "t": [[0, 7, "skole", "NOUN"], [8, 16, "henvise", "VERB"], [17, 23, "flere", "ADJ"], [24, 30, "elev", "NOUN"]]
    }
    found = matched(rules, text, annotation)
    assert found == {"henvisninger": {("henviste", "henvise", "lemma")}}


def test_keywords_inside_compounds(rules):
    found = matched(rules, "Kapasitetsutfordringer og tidspress preger henvisningspraksisen.")
    assert ("Kapasitetsutfordringer", "kapasitet", "modifier") in found["kapasitet"]
    assert ("tidspress", "press", "compound") in found["kapasitet"]  # the last part: the head
    assert ("tidspress", "tid", "modifier") in found["kapasitet"]
    assert ("henvisningspraksisen", "henvisning", "modifier") in found["henvisninger"]


def test_phrases_are_matched_on_base_forms(rules):
    found = matched(rules, "Vi rekker ikke over alt. Det er ikke vår oppgave å gjøre skolens jobb.")
    assert ("rekker ikke", "rekker ikke", "phrase") in found["kapasitet"]
    assert ("ikke vår oppgave", "ikke vår oppgave", "phrase") in found["mandat"]


def test_spelling_variants_are_matched_fuzzily(rules):
    found = matched(rules, "Kompetanse-løftet har gitt oss mye, men kappasiteten er lav.")
    assert ("Kompetanse-løftet", "Kompetanseløftet", "lemma") in found["kompetanseloftet"]  # the same word unhyphened
    assert any(kind == "fuzzy" and term == "kapasitet" for _, term, kind in found["kapasitet"])
    long = "Vi deltok i Kompetanseløftet for spesialpedagogikk og inkl. praksis i fjor."
    assert any(
        kind in ("fuzzy", "phrase") and "spesialpedagogikk" in term
        for _, term, kind in matched(rules, long)["kompetanseloftet"]
    )


def test_words_of_one_derivational_family_match():
    layer = RuleLayer(
        [Code("inkludering", "Inkludering", keywords=["inkludering"])], default_splitter(), describe=False
    )
    found = matched(layer, "Vi jobber for en mer inkluderende skole.")
    assert found == {"inkludering": {("inkluderende", "inkludering", "derived")}}


def test_unrelated_words_do_not_match(rules):
    assert matched(rules, "Tidlig innsats i barnehagen er viktig for oss.") == {}  # «tidlig» is not «tid»


def test_two_keywords_count_more_than_one_said_twice(rules):
    once = rules.score("Kapasiteten er for lav, kapasiteten må opp.")[0]
    two = rules.score("Kapasiteten er for lav, og presset øker.")[0]
    assert once.code_id == two.code_id == "kapasitet"
    assert two.score > once.score
    assert rule_score([]) == 0.0


def test_forms_of_one_keyword_listed_apart_are_one_piece_of_evidence():
    codes = [
        Code("henvisninger", "Henvisninger", keywords=["sak", "saker", "henvisning"]),
        Code("samarbeid", "Samarbeid", keywords=["samarbeid", "samarbeide", "møte"]),
    ]
    layer = RuleLayer(codes, default_splitter(), describe=False)
    one_word = {s.code_id: s.score for s in layer.score("Sakene hoper seg opp.")}
    two_words = {s.code_id: s.score for s in layer.score("Sakene hoper seg opp etter hver henvisning.")}
    assert one_word["henvisninger"] == pytest.approx(rule_score([layer.matches("Sakene")["henvisninger"][0]]))
    assert two_words["henvisninger"] > one_word["henvisninger"]
    both = layer.score("Samarbeidet er godt.")[0]  # matched by «samarbeid» and by «samarbeide»: one word, once
    assert len(both.matches) == 2 and both.score == pytest.approx(rule_score(both.matches[:1]))


def test_the_rule_layer_works_without_a_splitter():
    plain = RuleLayer(CODES, None, describe=False)
    assert "henvisninger" in plain.matches("Henvisning til PPT.")


def test_description_words_are_weak_evidence():
    codes = [Code("overganger", "Overganger", "Overganger mellom barnehage og skole, ungdomstrinn og videregående.")]
    layer = RuleLayer(codes, default_splitter())
    scores = layer.score("Mange slutter på videregående.")
    assert scores and scores[0].code_id == "overganger"
    assert scores[0].matches[0].kind == "description"
    assert scores[0].score < 0.4  # weak: alone it is not above the threshold


def test_surface_keywords_match_at_the_start_of_words():
    surface = SurfaceKeywords(CODES)
    found = {s.code_id: s.score for s in surface.score("Kapasiteten og overkapasitet; tidlig innsats.")}
    assert found == {"kapasitet": 2.0}  # «Kapasiteten», «tidlig» (tid…); not «overkapasitet»


def test_metrics_by_hand():
    gold = [{"a"}, {"a", "b"}, {"b"}]
    predicted = [{"a"}, {"a"}, {"a"}]
    ranked = [["a", "b"], ["a", "c", "d", "b"], ["a", "b"]]
    s = score(gold, predicted, ranked, ["a", "b", "c"])
    assert s.per_code["a"] == (2 / 3, 1.0, 0.8, 2)
    assert s.per_code["b"] == (0.0, 0.0, 0.0, 2)
    assert s.micro_p == pytest.approx(2 / 3) and s.micro_r == pytest.approx(0.5)
    assert s.micro_f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert s.macro_f1 == pytest.approx(0.4)  # c has no support: not averaged
    assert s.recall_at_3 == pytest.approx(3 / 4)  # b of item 2 is fourth
