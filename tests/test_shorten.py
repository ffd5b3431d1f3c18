"""Shortened labels stay distinguishable (coder/tui/shorten.py, issue 18 item 6)."""

from __future__ import annotations

import random

from rich.cells import cell_len

from coder.tui.shorten import distinct, fit, middle, prefixes

SAMARBEID = [
    "Samarbeid med skole",
    "Samarbeid med barnehage",
    "Samarbeid med Statped",
    "Samarbeid med helse og barnevern",
]


def test_a_label_that_fits_stays_whole_and_one_that_does_not_drops_what_its_siblings_share():
    labels = ["Samarbeid og samhandling", *SAMARBEID, "Kapasitet"]
    parents = [None, *["Samarbeid og samhandling"] * 4, None]
    out = distinct(labels, 13, parents)
    assert out[-1] == "Kapasitet"
    assert out[1:5] == ["…skole", "…barnehage", "…Statped", "…helse og…"]
    assert len(set(out)) == len(out) and all(cell_len(o) <= 13 for o in out)


def test_the_middle_goes_before_the_distinctive_end():
    assert middle("Kompetanse og rekruttering", 18) == "Kompe…rekruttering"
    assert distinct(["Kompetanse og rekruttering", "Kompetanseløftet"], 14) == ["Kompeta…tering", "Kompetanseløf…"]


def test_fit_cuts_between_words_with_an_ellipsis_never_silently():
    assert fit("Kompetanse og rekruttering", 40) == "Kompetanse og rekruttering"
    assert fit("Kompetanse og rekruttering", 16) == "Kompetanse og…"
    assert fit("Sakkyndigvurdering", 8) == "Sakkynd…"
    assert fit("abc", 0) == ""


def test_margin_prefixes_are_the_shortest_that_tell_codes_apart():
    short = prefixes(["Kapasitet", "Kompetanse", "Ventetid"], 5)
    assert short == {"Kapasitet": "Kap", "Kompetanse": "Kom", "Ventetid": "Ven"}
    short = prefixes(["Kapasitet", "Kompetanse", "Kompetanseløftet"], 5)
    assert short["Kapasitet"] == "Kap" and len(set(short.values())) == 3
    assert all(cell_len(v) <= 5 for v in short.values())


def test_outputs_are_pairwise_distinct_whenever_the_inputs_are():
    rng = random.Random(18)
    words = ["samarbeid", "med", "skole", "og", "kompetanse", "kapasitet", "barnehage", "helse", "Ø", "ventetid", "a"]
    for _ in range(400):
        labels = list(
            dict.fromkeys(
                " ".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(2, 9))
            )
        )
        width = rng.randint(3, 24)
        parents = [rng.choice([None, labels[0]]) for _ in labels]
        out = distinct(labels, width, parents)
        assert len(set(out)) == len(labels), (labels, width, out)
        assert all(cell_len(o) <= width for o in out), (labels, width, out)
        margin = prefixes(labels, width)
        assert len(set(margin.values())) == len(labels), (labels, width, margin)
        assert all(cell_len(v) <= width for v in margin.values())
