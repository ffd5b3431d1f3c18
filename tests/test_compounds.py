"""The compound splitter: the issue's cases, a domain word list with an accuracy floor, non-compounds, the
lexicon cache, speed."""

import gzip
import json
import time

import pytest

from coder.nlp import compounds
from coder.nlp.compounds import CompoundSplitter, default_splitter, load_lexicon

DOMAIN = {
    "sakkyndighetsarbeid": ["sakkyndighet", "arbeid"],
    "ventetid": ["vente", "tid"],
    "ventelister": ["vente", "liste"],
    "systemarbeid": ["system", "arbeid"],
    "tidliginnsats": ["tidlig", "innsats"],
    "barnehagelærer": ["barnehage", "lærer"],
    "spesialundervisning": ["spesial", "undervisning"],
    "oppvekstsektoren": ["oppvekst", "sektor"],
    "kapasitetsutfordringer": ["kapasitet", "utfordring"],
    "henvisningspraksis": ["henvisning", "praksis"],
    "skolehelsetjenesten": ["skole", "helsetjeneste"],
    "spesialpedagogikk": ["spesial", "pedagogikk"],
    "kompetanseløftsatsingen": ["kompetanse", "løft", "satsing"],
    "henvisningsgrunner": ["henvisning", "grunn"],
    "saksbehandlingstiden": ["saksbehandling", "tid"],
    "leseferdigheter": ["lese", "ferdighet"],
    "lærevansker": ["lære", "vanske"],
    "skolemiljøet": ["skole", "miljø"],
    "klasseromsobservasjon": ["klasserom", "observasjon"],
    "foreldresamarbeidet": ["foreldre", "samarbeid"],
    "barnehagestyreren": ["barnehage", "styrer"],
    "kommunestyret": ["kommune", "styre"],
    "ressursteamet": ["ressurs", "team"],
    "elevundersøkelsen": ["elev", "undersøkelse"],
    "tilretteleggingsbehov": ["tilrettelegging", "behov"],
    "veiledningsoppdrag": ["veiledning", "oppdrag"],
    "utredningsarbeidet": ["utredning", "arbeid"],
    "språkvansker": ["språk", "vanske"],
    "atferdsproblemer": ["atferd", "problem"],
    "fagfornyelsen": ["fag", "fornyelse"],
    "skoleeiere": ["skole", "eier"],
    "enkeltvedtak": ["enkelt", "vedtak"],
    "rektormøtene": ["rektor", "møte"],
    "spesialpedagogene": ["spesial", "pedagog"],
    "lærertettheten": ["lærer", "tetthet"],
    "ungdomsskolen": ["ungdom", "skole"],
    "mestringsforventning": ["mestring", "forventning"],
    "kompetanseheving": ["kompetanse", "heving"],
    "kommuneøkonomien": ["kommune", "økonomi"],
    "inkluderingsarbeid": ["inkludering", "arbeid"],
    "logopedtimer": ["logoped", "time"],
    "barnevernstjenesten": ["barnevern", "tjeneste"],
}

NOT_COMPOUNDS = [
    "kapasitet",
    "mandat",
    "skole",
    "tjenesten",
    "organisering",
    "veileder",
    "kultur",
    "foreldre",
    "utredning",
    "oppfølging",
    "samarbeid",
    "undersøkelse",
    "rektor",
    "henvisning",
    "opplæring",
    "pedagog",
    "tilrettelegging",
    "sakkyndig",
    "inkludering",
    "ledelse",
    "kompetanse",
    "sektor",
    "vurdering",
    "utfordring",
    "behandling",
    "veiledning",
    "læreren",
    "elevene",
    "barna",
]


@pytest.fixture(scope="module")
def splitter():
    return default_splitter()


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("kapasitetsutfordringer", ["kapasitet", "utfordring"]),
        ("henvisningspraksis", ["henvisning", "praksis"]),
        ("kompetanseløftsatsingen", ["kompetanse", "løft", "satsing"]),
        ("kompetanse-løftet", ["kompetanse", "løft"]),
        ("PP-tjenesten", ["PP", "tjeneste"]),
        ("PP-tjenestens", ["PP", "tjeneste"]),
        ("skole-hjem-samarbeid", ["skole", "hjem", "samarbeid"]),
        ("Kapasitetsutfordringer", ["kapasitet", "utfordring"]),
    ],
)
def test_issue_cases(splitter, word, parts):
    assert splitter.split(word) == parts


def test_fewest_parts_and_the_finest_split(splitter):
    assert splitter.split("skolehelsetjenesten") == ["skole", "helsetjeneste"]
    assert splitter.split("skolehelsetjenesten", finest=True) == ["skole", "helse", "tjeneste"]
    assert splitter.split("barnehagelærer", finest=True) == ["barn", "hage", "lærer"]


def test_spesialpedagogikk_is_not_split_into_nonsense(splitter):
    assert splitter.split("spesialpedagogikk") == ["spesial", "pedagogikk"]
    assert splitter.split("spesialpedagogikk", finest=True) == ["spesial", "pedagogikk"]


@pytest.mark.parametrize("word", NOT_COMPOUNDS)
def test_non_compounds_come_back_unchanged(splitter, word):
    assert splitter.split(word) == [word]
    assert splitter.split(word, finest=True) == [word]
    assert not splitter.is_compound(word)


def test_accuracy_on_the_domain_list(splitter):
    right = [word for word, parts in DOMAIN.items() if splitter.split(word) == parts]
    wrong = {word: splitter.split(word) for word in DOMAIN if word not in right}
    assert len(right) / len(DOMAIN) >= 0.95, wrong


def test_keywords_are_found_inside_compounds(splitter):
    terms = splitter.terms("kompetanseløftsatsingen")
    assert {"kompetanseløft", "satsing", "kompetanse", "løft"} <= terms
    assert {"helsetjeneste", "tjeneste", "helse", "skole"} <= splitter.terms("skolehelsetjenesten")
    assert "kompetanseløft" in splitter.terms("kompetanse-løftet")
    assert splitter.terms("tjenesten") == {"tjeneste"}


def test_parts_with_offsets_point_into_the_word(splitter):
    word = "kapasitetsutfordringer"
    assert splitter.parts_with_offsets(word) == [(0, 9, "kapasitet"), (10, 22, "utfordring")]
    assert word[0:9] == "kapasitet" and word[9] == "s"
    assert splitter.parts_with_offsets("PP-tjenesten") == [(0, 2, "PP"), (3, 12, "tjeneste")]
    assert splitter.parts_with_offsets("mandat") == [(0, 6, "mandat")]


def test_lemma_of_a_compound(splitter):
    assert splitter.lemma("kapasitetsutfordringer") == "kapasitetsutfordring"
    assert splitter.lemma("tjenesten") == "tjeneste"


@pytest.mark.parametrize("word", ["", "a", "-", "--", "123", "§", "PPT", "e-post", "x" * 200])
def test_odd_input_never_raises(splitter, word):
    assert splitter.split(word)


def test_repeated_words_are_fast(splitter):
    words = list(DOMAIN) + NOT_COMPOUNDS
    for word in words:
        splitter.split(word)
    started = time.perf_counter()
    rounds = 1000
    for _ in range(rounds):
        for word in words:
            splitter.split(word)
    rate = rounds * len(words) / (time.perf_counter() - started)
    assert rate >= 50_000, rate


@pytest.fixture
def tiny_table(tmp_path):
    """A miniature Ordbank table in the spacy-lookups-data format, so the cache tests need no 5-second build."""
    tables = {
        "noun": {
            "henvisning": ["henvisning"],
            "henvisningen": ["henvisning"],
            "praksis": ["praksis"],
            "praksisen": ["praksis"],
            "mann": ["mann"],
            "menn": ["mann"],
        },
        "adj": {"tidlig": ["tidlig"]},
        "verb": {"vente": ["vente"], "venter": ["vente"]},
        "adv": {"ute": ["ute"]},
    }
    path = tmp_path / "nb_lemma_exc.json.gz"
    path.write_bytes(gzip.compress(json.dumps(tables).encode()))
    return path


def test_lexicon_is_derived_then_cached(tiny_table, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = load_lexicon(tiny_table)  # no cache yet: derived from the table, then cached
    assert built.lemmas == {"henvisning", "praksis", "mann", "tidlig", "vente"}
    assert built.exceptions == {"menn": "mann"}  # the suffix rules cannot reach it
    assert built.lemma("henvisningen") == "henvisning"
    assert CompoundSplitter(built).split("henvisningspraksisen") == ["henvisning", "praksis"]
    cached = list((tmp_path / "cache" / "coder").glob("nb-compound-lexicon-*.pickle"))
    assert len(cached) == 1
    assert load_lexicon(tiny_table) == built
    cached[0].write_bytes(b"not a pickle")  # a damaged cache is rebuilt, not fatal
    assert load_lexicon(tiny_table) == built


def test_no_cache_and_an_unwritable_cache_dir_still_work(tiny_table, tmp_path, monkeypatch):
    assert "praksis" in load_lexicon(tiny_table, use_cache=False).lemmas
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache dir cannot be created under a file
    assert "praksis" in compounds.load_lexicon(tiny_table).lemmas


def test_the_real_lexicon_loads_from_its_cache_in_under_a_second(splitter):
    assert splitter.lexicon.lemmas  # built and cached by now
    started = time.perf_counter()
    lexicon = load_lexicon()
    assert time.perf_counter() - started < 1.0
    assert len(lexicon.lemmas) > 100_000
