"""The filter language of the sources panel, the survey answers and retrieval."""

import pytest

from coder.filters import parse_filter
from coder.model import Attribute


def attrs(**values: str) -> dict[str, Attribute]:
    return {k: Attribute(k, v) for k, v in values.items()}


FYLKE = attrs(organisering="Fylkeskommunal", region="Vest", innbyggere="120000")
INTER = attrs(organisering="Interkommunal", region="Nord", innbyggere="18 500")
KOMM = attrs(organisering="Kommunal", region="Øst", innbyggere="9000")


def test_empty_filter_matches_everything() -> None:
    f = parse_filter("  ")
    assert not f and f.matches(FYLKE) and f.matches({})


def test_key_and_value_are_case_insensitive_prefixes() -> None:
    f = parse_filter("org=fylke")
    assert f.matches(FYLKE)
    assert not f.matches(INTER)


def test_value_matches_at_word_start_only() -> None:
    f = parse_filter("organisering=kommunal")
    assert [f.matches(a) for a in (FYLKE, INTER, KOMM)] == [False, False, True]


def test_alternatives_and_negation() -> None:
    assert [parse_filter("region=vest,nord").matches(a) for a in (FYLKE, INTER, KOMM)] == [True, True, False]
    assert [parse_filter("region!=vest").matches(a) for a in (FYLKE, INTER, KOMM)] == [False, True, True]


def test_numeric_comparison_reads_norwegian_thousands() -> None:
    f = parse_filter("innb>10000")
    assert [f.matches(a) for a in (FYLKE, INTER, KOMM)] == [True, True, False]
    assert parse_filter("innb<=9000").matches(KOMM)
    with pytest.raises(ValueError, match="needs a number"):
        parse_filter("innb>many")


def test_bare_words_search_values_and_texts_with_norwegian_letters() -> None:
    assert parse_filter("øst").matches(KOMM)
    assert parse_filter("ventetid").matches({}, "Lang VENTETID på sakkyndig vurdering")
    assert not parse_filter("tid").matches({}, "Lang ventetid")
    assert parse_filter('"sakkyndig vurdering"').matches({}, "Lang ventetid på sakkyndig vurdering")


def test_all_terms_must_hold() -> None:
    f = parse_filter("org=inter region=nord")
    assert f.matches(INTER) and not f.matches(FYLKE)
    assert parse_filter("org=inter region=vest").matches(INTER) is False


def test_unknown_key_matches_nothing_and_half_typed_terms_are_ignored() -> None:
    assert not parse_filter("fylke=x").matches(FYLKE)
    assert parse_filter("org=").matches(KOMM)
    assert parse_filter('region="ve').matches(FYLKE)  # unclosed quote while typing


def test_describe_round_trips() -> None:
    text = 'org=fylke,inter region!=øst innb>=100 "tidlig innsats"'
    f = parse_filter(text)
    assert f.describe() == text
    assert parse_filter(f.describe()) == f


def test_unknown_keys_are_named() -> None:
    f = parse_filter("forg=fylke region=vest tid")
    assert f.unknown_keys(["organisering", "region"]) == ["forg"]


def test_passing_gives_what_matches_gives_row_by_row():
    kinds = [{"org": Attribute("org", v)} for v in ("Kommunal", "Interkommunal", "Fylkeskommunal")]
    rows = [(kinds[i % 3], f"svar {i} om ventetid" if i % 2 else f"svar {i}") for i in range(30)]
    for typed in ("org=kommunal", "org!=kommunal ventetid", "ventetid", "org=fylke,inter", ""):
        f = parse_filter(typed)
        assert f.passing(rows) == [i for i, (attrs, text) in enumerate(rows) if f.matches(attrs, text)], typed


def test_passing_answers_agrees_with_passing_row_by_row():
    """The fast path for a survey question's answers (distinct attribute sets, the text searched in C) lets through
    exactly what testing each answer does, for random answers, attributes and filters — ß and «» included."""
    import random

    from coder.filters import Answers
    from coder.model import Attribute

    rng = random.Random(7)
    words = ["ventetid", "Ventetiden", "samarbeid", "«ja»", "Straße", "PPT", "kommunal", "interkommunal", "tidlig"]
    made = {v: Attribute("tjenestetype", v, "text") for v in ("Kommunal", "Interkommunal", "Fylkeskommunal")}
    sizes = {v: Attribute("størrelse", v, "number") for v in ("5", "20", "80")}
    for _ in range(200):
        answers = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 30))]
        text, bounds = "", []
        for answer in answers:
            bounds.append((len(text), len(text) + len(answer)))
            text += answer + "\n\n"
        attributes = [
            {"tjenestetype": rng.choice(list(made.values())), "størrelse": rng.choice(list(sizes.values()))}
            if rng.random() < 0.9
            else {}
            for _ in answers
        ]
        typed = rng.choice(
            ["vent", "tjen=fylke", "tjen=kommunal vent", "stør>10 samar", "«ja", "stra", "tjen!=inter ppt", "kommunal"]
        )
        f = parse_filter(typed)
        rows = [(a, text[s:e]) for a, (s, e) in zip(attributes, bounds, strict=True)]
        assert f.passing_answers(Answers(text, bounds, attributes)) == f.passing(rows), typed
