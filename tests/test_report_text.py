"""The cleanup assist for report texts (coder.export.report_text): oral Norwegian in, the edit a report makes out.

Every example is written for these tests in the way PP-leaders, teachers and kindergarten heads talk in
evaluation interviews. The second half are sentences where «altså», «liksom», «sånn», «ikke sant», «på en
måte» and repeated words are *not* fillers: the proposal must leave them alone.
"""

from __future__ import annotations

import json
import re

import pytest

from coder.export.report_text import OMISSION, propose
from tests.conftest import REPO, SHARED

CLEANED = [
    # hesitations, at the start and inside
    ("Eh, vi har elleve årsverk på papiret.", "Vi har elleve årsverk på papiret."),
    ("Ehm, det er et godt spørsmål.", "Det er et godt spørsmål."),
    ("Vi har ikke, eh, så mye kapasitet på utredning.", "Vi har ikke så mye kapasitet på utredning."),
    ("Det tar øh fire måneder før vi kommer i gang.", "Det tar fire måneder før vi kommer i gang."),
    ("Eh, eh, vi har ikke folk nok.", "Vi har ikke folk nok."),
    ("Hmm. Nei, det har vi ikke.", "Nei, det har vi ikke."),
    ("Vi har eeh mange henvisninger fra barnehagene.", "Vi har mange henvisninger fra barnehagene."),
    # the transcriber's notes
    ("Jeg har vært leder her i snart tre år [latter].", "Jeg har vært leder her i snart tre år."),
    ("Det er [pause] vanskelig å si.", "Det er vanskelig å si."),
    ("Vi får det ikke til (ler), det er sånn det er.", "Vi får det ikke til, det er sånn det er."),
    ("Skolene ringer [uklart] og purrer.", "Skolene ringer og purrer."),
    # liksom
    ("De vet liksom ikke hva vi driver med.", "De vet ikke hva vi driver med."),
    ("Det er liksom ikke vår oppgave å ta alt.", "Det er ikke vår oppgave å ta alt."),
    ("Vi prøver liksom å være tett på, liksom.", "Vi prøver å være tett på."),
    # altså set off
    ("Ja, altså, vi lyste ut i oktober og fikk to søkere.", "Ja, vi lyste ut i oktober og fikk to søkere."),
    ("Altså, det handler om tillit.", "Det handler om tillit."),
    ("Noen har master og noen har, altså, eldre utdanning.", "Noen har master og noen har eldre utdanning."),
    ("Det er det vi trenger, altså.", "Det er det vi trenger."),
    ("Altså vi har ikke folk nok.", "Vi har ikke folk nok."),
    # ikke sant, vet du, du vet, hva skal jeg si, la meg se
    ("Det er jo helt i strid med tidlig innsats, ikke sant?", "Det er jo helt i strid med tidlig innsats."),
    ("Da blir det, ikke sant, en sak til på venteliste.", "Da blir det en sak til på venteliste."),
    ("Ikke sant, skolene forventer at vi kommer med en gang.", "Skolene forventer at vi kommer med en gang."),
    ("Det er et felles språk vi mangler, vet du.", "Det er et felles språk vi mangler."),
    ("Du vet, rektorene ringer hele tiden.", "Rektorene ringer hele tiden."),
    ("Det er, hva skal jeg si, komplisert.", "Det er komplisert."),
    ("Vi har, la meg se, rundt sytti saker på vent.", "Vi har rundt sytti saker på vent."),
    ("Det er et godt tilbud, sant?", "Det er et godt tilbud."),
    # på en måte
    ("Vi har på en måte ikke noe valg.", "Vi har ikke noe valg."),
    ("Kapasiteten er, på en måte, god nok.", "Kapasiteten er god nok."),
    ("Vi er tett på, på en måte.", "Vi er tett på."),
    # sånn as a filler
    ("Vi har sånn veldig mange saker om høsten.", "Vi har veldig mange saker om høsten."),
    ("Vi har sånn i snitt ti nye saker i uka.", "Vi har i snitt ti nye saker i uka."),
    ("Vi har sånn ca. sytti saker på vent.", "Vi har ca. sytti saker på vent."),
    ("Og så blir det, sånn, en runde til med skolen.", "Og så blir det en runde til med skolen."),
    # repeated words and phrases
    ("Vi vi har ikke kapasitet.", "Vi har ikke kapasitet."),
    ("Jeg tror at at de er fornøyde.", "Jeg tror at de er fornøyde."),
    ("Og så tror jeg ikke de, eh, de vet hva vi driver med.", "Og så tror jeg ikke de vet hva vi driver med."),
    ("Det det er vanskelig å forklare.", "Det er vanskelig å forklare."),
    ("Ventetiden er fire, fire og en halv måned.", "Ventetiden er fire og en halv måned."),
    ("Og så blir, og så blir vi flaskehalsen.", "Og så blir vi flaskehalsen."),
    ("Hvis vi, hvis vi får en stilling til, så løser det seg.", "Hvis vi får en stilling til, så løser det seg."),
    ("Det er en – en stor utfordring for oss.", "Det er en stor utfordring for oss."),
    ("Men, men det er jo, altså, ikke vår oppgave.", "Men det er jo ikke vår oppgave."),
    # false starts
    ("Vi har, eh, la meg se, vi hadde et tall på siste ledermøte.", "Vi hadde et tall på siste ledermøte."),
    ("Jeg tror, jeg trodde at det ville gå bedre.", "Jeg trodde at det ville gå bedre."),
    ("Det er en sakk- sakkyndig vurdering som mangler.", "Det er en sakkyndig vurdering som mangler."),
    ("Det som er – hele poenget er at ting skal skje tidlig.", "Hele poenget er at ting skal skje tidlig."),
    (
        "Vi har mange saker, og det er – vi rekker ikke alt.",
        f"Vi har mange saker, {OMISSION} vi rekker ikke alt.",
    ),
    # tidy: capitals, spaces, punctuation
    ("vi har ikke  nok folk , og det merkes", "Vi har ikke nok folk, og det merkes."),
    ("Det går ikke. eh, vi må prioritere.", "Det går ikke. Vi må prioritere."),
    ("Vi har mange saker.\nOg så er det, ehm, sykefraværet.", "Vi har mange saker. Og så er det sykefraværet."),
]

KEPT = [
    # «altså» meaning «therefore» or «thus»
    "Altså må vi prioritere barnehagene først.",
    "Vi har altså ikke fått noen ny stilling.",
    "Det betyr altså at ventetiden øker.",
    # «liksom» meaning «pretend», and the compound
    "Det er bare på liksom at de involverer oss.",
    "Det blir et liksom-samarbeid når ingen har tid.",
    # «sånn» as a word of the sentence
    "Det er litt sånn det er.",
    "Det er sånn i praksis at barnehagene må vente.",
    "Vi hadde en sånn sak i fjor.",
    "Vi ser jo at det er sånn at elevene kommer for sent.",
    "Vi gjør det sånn i alle sakene.",
    "Sånn er det bare.",
    # «ikke sant» and «vet du» as words
    "Det er ikke sant at vi har sagt nei til skolene.",
    "Vet du hva rektoren svarte?",
    # «på en måte» as a word group
    "Vi jobber på en måte som gjør at skolene får hjelp raskere.",
    "De må organiseres på en måte at alle får tilbud.",
    # repetitions that are grammar or emphasis
    "Det det handler om, er at vi må prioritere.",
    "Det er det det handler om.",
    "De de har ansatt er veldig flinke.",
    "Så så vi at det ikke gikk.",
    "Det var mange, mange henvendelser i høst.",
    "Det er et veldig veldig stort problem.",
    # lists and asides that look like restarts
    "Vi jobber, vi sliter, vi gjør så godt vi kan.",
    "Vi har – som du vet – for lite folk.",
    "Det gjelder lese- og skrivevansker.",
    # words that look like hesitations
    "Jeg er øm i skuldrene etter en lang dag.",
    "Det e bra folk her nord.",
    # anonymisation tags, omissions marked already, numbers, abbreviations, ordinals
    "Vi samarbeider med [kommune B] og [NAVN 1] om overgangene.",
    "Ventetiden er 4,5 måneder, dvs. ca. 46 % av sakene er over fristen.",
    "Vi besøker 2. og 9. trinn hver høst, f.eks. før foreldremøtene.",
    "Lærerne ringer oss om ting som hører til rektor […]. Slikt spiser av tiden vår.",
    "Han sa «vi må bare vente», og det gjorde vi.",
]


@pytest.mark.parametrize(("original", "expected"), CLEANED)
def test_fillers_and_false_starts_are_cut(original, expected):
    assert propose(original).text == expected


@pytest.mark.parametrize("original", KEPT)
def test_words_that_are_not_fillers_are_kept(original):
    result = propose(original)
    assert result.text == original
    assert not result.cuts


def _words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"\w+", text.replace(OMISSION, " "))]


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(word in it for word in short)


@pytest.mark.parametrize(("original", "expected"), CLEANED)
def test_the_proposal_keeps_the_informants_words_in_their_order(original, expected):
    """Only cuts: every word of the proposal is the informant's own, in the order said (no word is invented or
    moved); «Ja, altså» may lose a word, never gain one."""
    assert _subsequence(_words(propose(original).text), _words(original))


def test_what_was_cut_is_listed():
    result = propose("Eh, vi har, eh, liksom ikke folk, altså, og de de vet det, ikke sant?")
    assert result.text == "Vi har ikke folk, og de vet det."
    kinds = [(c.kind, c.text) for c in result.cuts]
    assert kinds.count(("hesitation", "Eh")) + kinds.count(("hesitation", "eh")) == 2
    assert ("filler", "liksom") in kinds and ("filler", "altså") in kinds and ("filler", "ikke sant") in kinds
    assert ("repeat", "de") in kinds
    assert result.summary() == "cut: eh ×2, liksom, altså, ikke sant · repeated: de"
    assert propose("Det går bra.").summary() == ""


def test_a_passage_cut_mid_sentence_is_marked_at_either_end():
    start = propose("og så blir vi, eh, flaskehalsen for hele systemet", mid_start=True)
    assert start.text == f"{OMISSION} og så blir vi flaskehalsen for hele systemet."
    end = propose("Vi har rundt sytti saker på vent, og", mid_end=True)
    assert end.text == f"Vi har rundt sytti saker på vent, og {OMISSION}"
    assert end.omissions == 1
    # a filler at the start is no omission
    assert not propose("Eh, altså, vi har rundt sytti saker.").text.startswith(OMISSION)


def test_a_passage_of_only_fillers_becomes_empty():
    assert propose("Eh … ehm.").text == ""
    assert propose("").text == ""


def test_every_turn_of_the_demo_interviews_is_only_shortened():
    """The whole demo corpus: the proposal never raises, never invents or reorders a word, and cuts in a fair
    share of the informants' turns (they are written the way people talk)."""
    from coder.ingest.plaintext import read_plain

    files = sorted((REPO / "corpus" / "interviews").glob("*.txt"))
    assert files
    changed = total = 0
    for path in files:
        item = read_plain(path)
        for seg in item.segments:
            if seg.speaker in (None, "I"):
                continue
            text = item.text[seg.start : seg.end]
            result = propose(text)
            total += 1
            changed += result.text != text
            assert _subsequence(_words(result.text), _words(text)), text
            assert not re.search(r"\s[,!?]|\s\.(?!\.)|\s{2}|,,|^[,.]", result.text), result.text
    assert total > 100
    assert 0.2 < changed / total < 0.9


QUOTES = SHARED / "eval" / "quotes-dev.jsonl"


@pytest.mark.skipif(not QUOTES.exists(), reason="../shared/eval not present")
def test_quotes_as_published_are_mostly_left_alone():
    """Quotes already edited for a published report: at most a few fillers the report kept are proposed cut,
    and their words are never reordered."""
    rows = [json.loads(line) for line in QUOTES.read_text(encoding="utf-8").splitlines() if line.strip()]
    cut_words = 0
    for row in rows:
        result = propose(row["text"])
        assert _subsequence(_words(result.text), _words(row["text"]))
        cut_words += len(_words(row["text"])) - len(_words(result.text))
    total = sum(len(_words(r["text"])) for r in rows)
    assert cut_words / total < 0.01
