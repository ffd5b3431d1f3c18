"""The architecture's import rules (docs/ARCHITECTURE.md), checked on the source."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coder"

# package → modules it must never import
RULES = {
    "store": ("coder.tui", "coder.nlp", "coder.suggest", "coder.ingest", "coder.cli", "textual"),
    "ingest": ("coder.store", "coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "exchange": ("coder.store", "coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "codebook.py": ("coder.store", "coder.tui", "textual", "sqlite3", "sqlite_utils"),
    "model.py": ("coder.", "textual", "sqlite3"),
    "tui": ("sqlite3", "sqlite_utils", "coder.store.base", "coder.store.migrations"),
    "editing.py": ("coder.tui", "textual", "sqlite3", "sqlite_utils"),
    "spans.py": ("coder.", "textual", "sqlite3"),
    "pick.py": ("coder.tui", "coder.store", "textual", "sqlite3"),
    "filters.py": ("coder.tui", "coder.store", "textual", "sqlite3"),
    "hits.py": ("coder.tui", "textual", "sqlite3"),
    "nlp": ("coder.store", "coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "anonymise": ("coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "export": ("coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "report_text.py": ("coder.", "textual", "sqlite3"),
    "quotes.py": ("coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "analysis": ("coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "analysis/tables.py": ("coder.store", "coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils", "openpyxl"),
    "suggest": ("coder.store", "coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "suggesting.py": ("coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
    "team": ("coder.tui", "coder.cli", "textual", "sqlite3", "sqlite_utils"),
}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("part", sorted(RULES))
def test_layer_imports(part):
    target = PACKAGE / part
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    for file in files:
        for name in imports_of(file):
            for banned in RULES[part]:
                assert not (
                    name == banned.rstrip(".")
                    or name.startswith(banned.rstrip(".") + ".")
                    or (banned.endswith(".") and name.startswith(banned))
                ), f"{file.name} imports {name}"


def test_the_tui_runs_no_sql():
    """The TUI reads and writes through the core's functions: no SQL text, no cursor calls."""
    for file in sorted((PACKAGE / "tui").rglob("*.py")):
        source = file.read_text(encoding="utf-8")
        for needle in (".execute(", ".executemany(", ".conn", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM"):
            assert needle not in source, f"{file.name} has {needle!r}"
