"""Norwegian national identity numbers (fødselsnummer, D-nummer, H-nummer): the date and the check digits.

An 11-digit number ``DDMMYYIIIKK``: birth date, a three-digit individual number (which also gives the
century) and two mod-11 check digits. A D-number adds 4 to the first digit of the day (41–71), an
H-number adds 4 to the first digit of the month; the synthetic numbers of the Tenor test register
add 8 to it. (From 2032 new numbers may drop the gender rule and get other check digits; this module
follows the rules of numbers issued until then.)
"""

from __future__ import annotations

import datetime as dt

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check(digits: list[int], weights: tuple[int, ...]) -> int | None:
    k = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def check_digits_ok(number: str) -> bool:
    """Do the two mod-11 check digits of an 11-digit number match?"""
    if len(number) != 11 or not number.isdigit():
        return False
    d = [int(c) for c in number]
    return _check(d[:9], _W1) == d[9] and _check(d[:10], _W2) == d[10]


def birth_date(number: str) -> dt.date | None:
    """The birth date an 11-digit number encodes (D-, H- and test numbers too), or None if it is no date."""
    if len(number) != 11 or not number.isdigit():
        return None
    day, month, yy, ind = int(number[0:2]), int(number[2:4]), int(number[4:6]), int(number[6:9])
    if day > 40:
        day -= 40  # D-number
    if month > 80:
        month -= 80  # synthetic (Tenor) number
    elif month > 40:
        month -= 40  # H-number
    if ind <= 499:
        year = 1900 + yy
    elif ind <= 749 and yy >= 54:
        year = 1800 + yy
    elif yy <= 39:
        year = 2000 + yy
    elif ind >= 900:
        year = 1900 + yy
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def classify(number: str) -> str | None:
    """``"valid"`` (a date and matching check digits), ``"bad-check"`` (a date, but the check digits do not
    match: a mistyped or invented number, which still gives away a birth date) or None (not a fødselsnummer)."""
    digits = "".join(c for c in number if c.isdigit())
    if birth_date(digits) is None:
        return None
    return "valid" if check_digits_ok(digits) else "bad-check"


def with_check_digits(first9: str) -> str | None:
    """The full number for nine digits, or None when no check digit exists (used to write test data)."""
    d = [int(c) for c in first9]
    k1 = _check(d, _W1)
    if k1 is None:
        return None
    k2 = _check([*d, k1], _W2)
    return None if k2 is None else f"{first9}{k1}{k2}"
