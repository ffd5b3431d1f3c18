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


def test_help_and_readme_name_every_key_of_the_review_queue():
    """The footer shows «a» for accept; the help and the README's row for R name Enter too (and s for skip)."""
    import re
    from pathlib import Path

    from coder.tui.screens.review import ReviewScreen

    review = {r.split("  ")[-1].strip(): r for r in _rows(ReviewScreen.BINDINGS)[1:]}
    assert review["accept"].startswith("a enter") and review["skip"].startswith("space s")
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `R` |"))
    for binding in ReviewScreen.BINDINGS:
        if binding.action in ("accept", "reject", "skip", "undo"):
            named = re.search(rf"((?:`[^`]+`(?:/| or )?)+) {binding.description}", row)
            assert named, (binding.description, row)
            said = {k.lower() for k in re.findall(r"`([^`]+)`", named.group(1))}
            assert said == set(binding.key.split(",")), (binding.description, said)
