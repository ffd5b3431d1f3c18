"""The domain tokenizer: what stays one token, what still splits, and that it survives to_disk / spacy.load."""

import pytest
import spacy

from coder.nlp.tokenizer import customize_tokenizer


@pytest.fixture(scope="module")
def nlp():
    return customize_tokenizer(spacy.blank("nb"))


@pytest.fixture(scope="module")
def reloaded(nlp, tmp_path_factory):
    path = tmp_path_factory.mktemp("pipeline")
    nlp.to_disk(path)
    return spacy.load(path)  # plain spacy.load: no coder code involved


def words(nlp, text):
    return [t.text for t in nlp(text)]


ONE_TOKEN = [
    "PP-leder",
    "PP-lederen",
    "PP-tjenesten",
    "PP-tjenestens",
    "PPT-leder",
    "skole-hjem-samarbeid",
    "f.eks.",
    "bl.a.",
    "o.l.",
    "dvs.",
    "ca.",
    "jf.",
    "mht.",
    "pga.",
    "osv.",
    "kap.",
    "spes.ped.",
    "§ 11-6",
    "§§ 5-1",
    "§ 5-4",
    "§ 9A-4",
    "§ 17",
    "§11-6",
    "ITO",
    "1.-4.",
    "5.-7.",
    "8.-10.",
    "1.–4.",
    "12.03.2024",
]


@pytest.mark.parametrize("token", ONE_TOKEN)
def test_domain_expressions_stay_one_token_in_context(nlp, reloaded, token):
    text = f"Vi så på {token} i går"
    expected = ["Vi", "så", "på", token, "i", "går"]
    assert words(nlp, text) == expected
    assert words(reloaded, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Det var bra.", ["Det", "var", "bra", "."]),
        ("Det er PPT.", ["Det", "er", "PPT", "."]),
        ("Hun er PP-leder.", ["Hun", "er", "PP-leder", "."]),
        ("Se opplæringsloven § 5-1.", ["Se", "opplæringsloven", "§ 5-1", "."]),
        ("jf. §§ 5-1 og 5-4, samt (§ 11-6).", ["jf.", "§§ 5-1", "og", "5-4", ",", "samt", "(", "§ 11-6", ")", "."]),
        ("Det startet i 2024.", ["Det", "startet", "i", "2024", "."]),
        ("Møtet var 12.03.2024.", ["Møtet", "var", "12.03.2024", "."]),
        ("1.-4. trinn", ["1.-4.", "trinn"]),
        ("Møte kl. 14.00 i dag", ["Møte", "kl.", "14.00", "i", "dag"]),
        ("Ring +47 912 34 567 nå", ["Ring", "+47", "912", "34", "567", "nå"]),
        ("F.eks. ITO-møtet", ["F.eks.", "ITO-møtet"]),
        ("innen 31.12. hvert år", ["innen", "31.12.", "hvert", "år"]),
        ("«PP-tjenesten» sa", ["«", "PP-tjenesten", "»", "sa"]),
        ("f. eks. slik", ["f.", "eks.", "slik"]),
    ],
)
def test_sentences(nlp, reloaded, text, expected):
    assert words(nlp, text) == expected
    assert words(reloaded, text) == expected


def test_offsets_map_back_into_the_original_text(nlp):
    text = (
        "I: Hva sier PP-lederen om §§ 5-1 og § 11-6?\n\n"
        "IP: Vi har  f.eks. 1.–4. trinn (ITO) i 2024.  Ring +47 912 34 567."
    )
    doc = nlp(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text
    assert "".join(t.text_with_ws for t in doc) == text


def test_idempotent():
    nlp = customize_tokenizer(spacy.blank("nb"))
    rules = dict(nlp.tokenizer.rules)
    suffix, token_match = nlp.tokenizer.suffix_search, nlp.tokenizer.token_match
    assert customize_tokenizer(nlp) is nlp
    assert nlp.tokenizer.rules == rules
    assert nlp.tokenizer.suffix_search.__self__.pattern == suffix.__self__.pattern
    assert nlp.tokenizer.token_match.__self__.pattern == token_match.__self__.pattern


def test_customizing_a_reloaded_pipeline_changes_nothing(reloaded):
    before = (len(reloaded.tokenizer.rules), reloaded.tokenizer.suffix_search.__self__.pattern)
    customize_tokenizer(reloaded)
    assert (len(reloaded.tokenizer.rules), reloaded.tokenizer.suffix_search.__self__.pattern) == before


def test_the_blank_default_is_left_alone_by_other_pipelines():
    # customizing one pipeline must not leak into a fresh one (the defaults are shared class attributes)
    customize_tokenizer(spacy.blank("nb"))
    assert [t.text for t in spacy.blank("nb")("§ 11-6")] == ["§", "11-6"]
