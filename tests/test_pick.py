from coder.model import Code
from coder.pick import is_new_name, rank_codes

CODES = [
    Code("kapasitet", "Kapasitet", "Arbeidsmengde og bemanning", keywords=["ventetid", "saksmengde"]),
    Code("kompetanseloftet", "Kompetanseløftet", "Kompetanseløftet for spesialpedagogikk"),
    Code("samarbeid", "Samarbeid og samhandling", "Med skoler og barnehager", keywords=["BUP"]),
    Code("tidlig_innsats", "Tidlig innsats", "Komme tidlig inn", keywords=["forebygging"]),
    Code("sakkyndig", "Sakkyndig vurdering", "Vurderinger og regelverk"),
]


def top(query):
    return [m.code.id for m in rank_codes(query, CODES)][:1]


def test_typos_prefixes_and_norwegian_letters():
    assert top("kapasitt") == ["kapasitet"]
    assert top("kompetanselof") == ["kompetanseloftet"]
    assert top("kompetanseløft") == ["kompetanseloftet"]
    assert top("samhand") == ["samarbeid"]
    assert top("innsats") == ["tidlig_innsats"]
    assert top("sakyndig") == ["sakkyndig"]


def test_keywords_find_their_code():
    assert top("forebygging") == ["tidlig_innsats"]
    assert top("bup") == ["samarbeid"]


def test_empty_query_lists_all_in_order_and_new_name_offered():
    assert [m.code.id for m in rank_codes("", CODES)] == [c.id for c in CODES]
    matches = rank_codes("Foreldresamarbeid", CODES)
    assert is_new_name("Foreldresamarbeid", matches)
    assert not is_new_name("kapasitet", rank_codes("kapasitet", CODES))
