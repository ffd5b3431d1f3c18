"""People's text on the screen as they wrote it: never markup, never a control character.

Textual reads a ``str`` given to ``Static``, ``Label``, ``.update``, ``border_title``, a ``Tree`` node, an
``Option`` or a ``DataTable`` cell as content markup, so a title «[@click=app.quit]KLIKK[/]» would become a link
that quits the app. Every text a person wrote (a label, a title, a speaker, an attribute, a memo, an answer) is
therefore put on the screen through :func:`lit` (a ``rich.text.Text``, which is never parsed) or, inside a
``Text`` being built, through :func:`plain_text`. Both also make it plain (:func:`coder.model.plain`): the store keeps
new text plain, but a project an older coder wrote may still hold an escape sequence, and neither Rich nor
Textual removes ESC from what they write to the terminal.
"""

from __future__ import annotations

import re

from rich.color import Color, ColorParseError
from rich.style import Style, StyleType
from rich.text import Text

from coder.model import CONTROL, plain

#: What a piece of one terminal line must not hold: the controls :func:`coder.model.plain` drops, and breaks
#: (a tab stays, as the reader has always drawn it).
_UNSHOWN = re.compile(f"{CONTROL}|[\n\r\x0b\x0c\x85\u2028\u2029]")
#: The same in a passage of several lines (Rich itself drops CR, VT and FF, which would shift its offsets).
_IN_PASSAGE = re.compile(f"{CONTROL}|[\r\x0b\x0c]")


def plain_text(text: str | None, multiline: bool = False) -> str:
    """``text`` (``None``: empty) as the screen shows it, plain; one line unless ``multiline``."""
    return plain(text or "", multiline)


def lit(text: str | Text | None, style: StyleType = "", multiline: bool = False, **options) -> Text:
    """``text`` as a ``Text`` shown literally (never markup), plain; ``options`` go to ``Text``. A ``Text`` is
    already literal and is returned as it is (a caller built it, with :func:`plain_text` for what people wrote)."""
    if isinstance(text, Text):
        return text
    return Text(plain_text(text, multiline), style, **options)


def passage(text: str, style: StyleType = "", **options) -> Text:
    """A passage of a source's text as a ``Text`` whose offsets are the source's: a control character (ingest
    takes them out, an older project may hold one) becomes one U+FFFD, so that styling by offset still fits."""
    return Text(_IN_PASSAGE.sub("\ufffd", text), style, **options)


def visible(piece: str) -> str:
    """A piece of a line of a source's text drawn as it is, with any control character taken out.

    Unlike :func:`plain`, it puts nothing in the place of a break: the reader's layout has measured the line in
    cells, and a control character takes none.
    """
    return _UNSHOWN.sub("", piece) if _UNSHOWN.search(piece) else piece


def colour(value: str | None, fallback: str = "white") -> str:
    """A code's colour to put in a style: ``value`` if it is a colour, else ``fallback``. Never a stored text that
    is no colour (from a REFI-QDA file, an older project): Textual stops drawing the screen on a style it cannot
    read, and a style may hold an action (``@click=…``)."""
    try:
        if value:
            Color.parse(value)
            return value
    except ColorParseError:
        pass
    return fallback


def swatch(value: str | None, fallback: str = "white") -> Style:
    """A code's colour as a style (see :func:`colour`); no colour at all when neither is one."""
    chosen = colour(value, fallback)
    try:
        return Style(color=Color.parse(chosen)) if chosen else Style()
    except ColorParseError:
        return Style()
