"""The reader's line layout: the fast wrap for one-cell text breaks where the character-by-character one does."""

import random
import re

from coder.tui import reader_layout as rl


def _slow(monkeypatch, text: str, width: int) -> list[tuple[int, int]]:
    with monkeypatch.context() as m:
        m.setattr(rl, "_NOT_NARROW", re.compile("."))  # every character «may be wide»: the general path
        return rl.wrap(text, 0, len(text), width)


def test_the_fast_wrap_breaks_where_the_general_one_does(monkeypatch):
    rng = random.Random(1)
    alphabet = "ab cdæøå  -,.\n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        width = rng.randint(1, 30)
        assert rl.wrap(text, 0, len(text), width) == _slow(monkeypatch, text, width), (text, width)


def test_wide_characters_still_take_two_cells():
    assert rl.wrap("日本語 abc", 0, 7, 4) == [(0, 2), (2, 3), (4, 7)]
