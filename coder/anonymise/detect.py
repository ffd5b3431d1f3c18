"""Pattern detectors for identifiers that have a shape: e-mail, phone, fødselsnummer, date of birth, address.

Each detector scans a text and yields :class:`Found` spans (offsets into that text). They are written
for interview transcripts, where numbers are common and most of them are no identifier: years,
sums (``12 000 000``), case and organisation numbers, percentages. So a phone number needs one of
the groupings people write (``912 34 567``, ``91 23 45 67``, ``9123 4567``, ``91234567``, with or
without ``+47``/``0047``), must start with 2–9, and is dropped when money or a case number is
named just before or after it. Eleven digits are a fødselsnummer only when the first six are a
date; see :func:`coder.anonymise.fnr.classify` for what happens when the check digits do not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from coder.anonymise import fnr

KINDS = ("PER", "LOC", "GPE", "ORG", "EMAIL", "PHONE", "FNR", "DOB", "ADDRESS")
PATTERN_KINDS = ("EMAIL", "PHONE", "FNR", "DOB", "ADDRESS")


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int
    text: str
    key: str  # what makes two finds the same identifier (digits of a number, lower-case e-mail, …)
    confidence: str = "high"  # "low": worth a look, but may be something else
    note: str = ""


# -- e-mail ---------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w@])")


def emails(text: str) -> Iterator[Found]:
    for m in _EMAIL.finditer(text):
        yield Found("EMAIL", m.start(), m.end(), m[0], m[0].lower())


# -- fødselsnummer ----------------------------------------------------------------------------------
_FNR = re.compile(r"(?<![\d.,/-])(\d{6})[ \u00a0-]?(\d{5})(?![\d]|[.,/]\d)")


def fodselsnummer(text: str) -> Iterator[Found]:
    for m in _FNR.finditer(text):
        digits = m[1] + m[2]
        verdict = fnr.classify(digits)
        if verdict == "valid":
            yield Found("FNR", m.start(), m.end(), m[0], digits)
        elif verdict == "bad-check":
            yield Found("FNR", m.start(), m.end(), m[0], digits, "low", "the check digits do not match")


# -- phone numbers ------------------------------------------------------------------------------------
_SP = r"[ \u00a0.-]"
_GROUPINGS = (
    r"\d{8}",
    rf"\d{{3}}{_SP}\d{{2}}{_SP}\d{{3}}",  # 912 34 567
    rf"\d{{2}}{_SP}\d{{2}}{_SP}\d{{2}}{_SP}\d{{2}}",  # 91 23 45 67
    rf"\d{{4}}{_SP}\d{{4}}",  # 9123 4567
    rf"\d{{3}}{_SP}\d{{5}}",  # 800 12345
)
_PHONE = re.compile(
    rf"(?<![\w+.,/:-])(?P<prefix>(?:\+|00)\s?47{_SP}?)?(?P<number>{'|'.join(f'(?:{g})' for g in _GROUPINGS)})"
    rf"(?![\w]|[.,/-]\d|{_SP}\d)"
)
_PHONE_CUE = re.compile(
    r"\b(?:tlf|telefon\w*|mobil\w*|nummer(?:et)?|ring\w*|sms|tel)\.?:?\s*(?:\w+\s+)?(?:på|er|nr\.?)?\s*$", re.I
)
_NOT_PHONE_BEFORE = re.compile(
    r"(?:kr\.?|kroner|nok|\$|€|saksn(?:umme)?r\.?|sak|saksnummer|arkivnr\.?|org\.?\s?nr\.?|organisasjonsnummer"
    r"|kontonr\.?|kontonummer|konto|ref\.?|referanse|id|løpenr\.?|nr\.?)\s*:?\s*$",
    re.I,
)
_NOT_PHONE_AFTER = re.compile(r"^\s*(?:kr\b|kroner|mill|milliard|nok\b|%|prosent|timer|elever|innbyggere)", re.I)


_YEARS = re.compile(r"(?:19|20)\d\d\D(?:19|20)\d\d")


def _looks_like_date(digits: str) -> bool:
    """``20240115`` (YYYYMMDD) or ``15031978`` (DDMMYYYY): a date, not a phone number."""
    y, m, d = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    if 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= d <= 31:
        return True
    d, m, y = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    return 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= d <= 31


def phones(text: str) -> Iterator[Found]:
    for m in _PHONE.finditer(text):
        number = m["number"]
        digits = re.sub(r"\D", "", number)
        if digits[0] in "01":
            continue  # Norwegian subscriber numbers start with 2-9
        before = text[max(0, m.start() - 30) : m.start()]
        after = text[m.end() : m.end() + 20]
        if not m["prefix"]:
            if _NOT_PHONE_BEFORE.search(before) or _NOT_PHONE_AFTER.search(after):
                continue
            if number.isdigit() and _looks_like_date(digits) and not _PHONE_CUE.search(before):
                continue
            if _YEARS.fullmatch(number):
                continue  # «2019-2020», «2018 2019»: a span of years
        yield Found("PHONE", m.start(), m.end(), m[0], digits)


# -- dates of birth ---------------------------------------------------------------------------------------
_MONTHS = (
    "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|des"
)
_DATE = (
    rf"(?:\d{{1,2}}\.\s?(?:\d{{1,2}}\.\s?\d{{2}}(?:\d{{2}})?|(?:{_MONTHS})\.?\s+\d{{4}})"
    r"|\d{1,2}/\d{1,2}[/.-]\d{2}(?:\d{2})?|\d{4}-\d{2}-\d{2}|\d{4})"
)
_DOB = re.compile(
    rf"(?:\b(?:født|fødd|f\.)(?:\s+(?:den|i|år|ca\.?|rundt|cirka))?|\bfødsels(?:dato|dag|år)(?:\s+(?:er|var|:))?:?)"
    rf"\s*(?P<date>{_DATE})(?!\d)",
    re.I,
)


def dates_of_birth(text: str) -> Iterator[Found]:
    for m in _DOB.finditer(text):
        date = m["date"]
        if len(date) == 4 and not 1900 <= int(date) <= 2039:
            continue
        yield Found("DOB", m.start("date"), m.end("date"), date, date)


# -- street addresses and postcodes ------------------------------------------------------------------------
_STREET_SUFFIX = (
    "gata|gaten|gate|veien|vegen|vei|veg|allé|alle|alléen|plass|plassen|torget|torg|bakken|bakke|lia|liene"
    "|stien|sti|stubben|brekka|brekke|haugen|tunet|svingen|kroken|jordet|løkka|åsen|kaia|kaien|brygga"
    "|bryggen|vollen|grenda|hagen|enga|marka|lien|tråkket|myra|moen|toppen|kleiva|platået|sletta|vika|holmen"
)
_CAP = r"[A-ZÆØÅ][a-zæøåéü]+"
_STREET = (
    r"(?!(?:I|På|Til|Fra|Ved|Mot|Og|Om|Hos|Langs|Nede|Oppe)\s)(?:"
    # Storgata, Kirkeveien, Solbakken, Nedre Storgate
    rf"(?:(?:Øvre|Nedre|Store|Lille|Gamle|Nye|Søndre|Nordre|Vestre|Østre)\s+)?[A-ZÆØÅ][a-zæøå]*(?:{_STREET_SUFFIX})"
    # Olav Kyrres gate, Kong Oscars gate, Carl Berners plass, Dronning Eufemias gate
    rf"|(?:{_CAP}\s+){{0,2}}{_CAP}s?\s+(?:gate|vei|veg|plass|allé|gata|vegen|veien|bakke|torg))"
)
_POSTCODE_PLACE = rf"\d{{4}}\s+{_CAP}(?:[ -]{_CAP})?"
_ADDRESS = re.compile(
    rf"(?<![\w-])(?P<street>{_STREET})\s+(?P<no>[1-9]\d{{0,3}}(?:\s?[A-Za-z](?![\wæøåÆØÅ]))?)(?![\d,.]\d)"
    rf"(?:,?\s+(?P<post>{_POSTCODE_PLACE}))?"
)
_POSTCODE_ALONE = re.compile(rf"(?<![\w.,/-])(?P<post>{_POSTCODE_PLACE})(?![\w])")
_POST_CUE = re.compile(r"(?:postn(?:umme)?r\.?|adresse\w*|bor\s+(?:i|på)|,)\s*:?\s*$", re.I)


def addresses(text: str) -> Iterator[Found]:
    taken: list[tuple[int, int]] = []
    for m in _ADDRESS.finditer(text):
        if int(re.match(r"\d+", m["no"])[0]) > 999:
            continue  # «Storgata 2024»: a year, not a house number
        taken.append((m.start(), m.end()))
        yield Found("ADDRESS", m.start(), m.end(), m[0], " ".join(m[0].split()))
    for m in _POSTCODE_ALONE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        code = int(m["post"][:4])
        if 1900 <= code <= 2039 and not _POST_CUE.search(text[max(0, m.start() - 20) : m.start()]):
            continue  # «i 2021 Kommunen …»: a year, not a postcode
        yield Found("ADDRESS", m.start(), m.end(), m[0], " ".join(m[0].split()), "low", "postcode and place")


DETECTORS = (emails, fodselsnummer, phones, dates_of_birth, addresses)


def find_patterns(text: str) -> list[Found]:
    """Every pattern find in ``text``, earliest first; where two overlap the first detector wins
    (e-mail, then fødselsnummer, phone, date of birth, address)."""
    found: list[Found] = []
    for detector in DETECTORS:
        for f in detector(text):
            if not any(f.start < g.end and g.start < f.end for g in found):
                found.append(f)
    return sorted(found, key=lambda f: (f.start, f.end))
