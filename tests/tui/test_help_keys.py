"""The help lists each key once, with what that key does (issue 18, item 11): a footer's «1-3» or «a/b» is not
the help's key for the first binding only."""

from __future__ import annotations

from rich.console import Console

from coder.tui.screens.consensus import ConsensusScreen
from coder.tui.screens.help import keys_table
from coder.tui.screens.tables import TablesScreen


def _rows(bindings) -> list[str]:
    console = Console(width=120, record=True)
    console.print(keys_table([("S", bindings)]))
    return [line.strip() for line in console.export_text().splitlines() if line.strip()]


def test_each_key_once_with_its_own_meaning():
    tables = _rows(TablesScreen.BINDINGS)
    assert any(r.startswith("1 ") and "code frequencies" in r for r in tables)
    assert any(r.startswith("2 ") and "attribute" in r for r in tables)
    assert not any(r.startswith("1-3") for r in tables)
    consensus = _rows(ConsensusScreen.BINDINGS)
    keys = [r.split()[0] for r in consensus[1:]]
    assert keys.count("b") == 1 and keys.count("a") == 1 and "a/b" not in keys
