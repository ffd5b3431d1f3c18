"""The architecture's import rules (docs/ARCHITECTURE.md), checked on the source."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coder"
FEATURES = (
    "codebook", "coding", "search", "ingest", "suggest", "exchange", "export", "analysis", "team", "anonymise", "themes"
)  # fmt: skip
FACES = ("coder.tui", "coder.cli", "textual")
NO_SQL = ("sqlite3", "sqlite_utils")

# package or module → modules it must never import (the store's own rule is below: only services import it)
RULES = {
    "store": ("coder.tui", "coder.cli", "coder.nlp", "coder.project", "coder.demo", "textual")
    + tuple(f"coder.{f}" for f in FEATURES),
    "model.py": ("coder.", "textual", "sqlite3"),
    "errors.py": ("coder.", "textual", "sqlite3"),
    "spans.py": ("coder.", "textual", "sqlite3"),
    "pick.py": ("coder.tui", "coder.store", "textual", "sqlite3"),
    "filters.py": ("coder.tui", "coder.store", "textual", "sqlite3"),
    "nlp": ("coder.store", *FACES, *NO_SQL),
    "codebook/files.py": ("coder.store", *FACES, *NO_SQL),
    "export/report_text.py": ("coder.", "textual", "sqlite3"),
    "analysis/tables.py": ("coder.store", *FACES, *NO_SQL, "openpyxl"),
    "tui": (*NO_SQL, "coder.store.base", "coder.store.migrations"),
    **{name: (*FACES, *NO_SQL) for name in (*FEATURES, "project", "demo")},
}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


MODULES = {module_name(f): f for f in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, runtime_only: bool = False) -> set[str]:
    """Every module ``path`` imports, lazy imports in functions included; with ``runtime_only``, not those under
    ``if TYPE_CHECKING:`` (type hints, never executed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for child in node.body for n in ast.walk(child))
    names = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_name(path).split(".")[: None if is_package else -1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in MODULES)
    return names


def _banned(name: str, banned: str) -> bool:
    return (
        name == banned.rstrip(".")
        or name.startswith(banned.rstrip(".") + ".")
        or (banned.endswith(".") and name.startswith(banned))
    )


@pytest.mark.parametrize("part", sorted(RULES))
def test_layer_imports(part):
    target = PACKAGE / part
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    for file in files:
        for name in imports_of(file):
            for banned in RULES[part]:
                assert not _banned(name, banned), f"{file.relative_to(PACKAGE)} imports {name}"


def test_only_services_import_the_store():
    """Outside store/, a module that imports ``coder.store`` to run is a package's ``service.py``; every other
    module is handed a Project (and may name it in type hints under ``if TYPE_CHECKING:``)."""
    for name, file in MODULES.items():
        if name.startswith("coder.store") or file.name == "service.py":
            continue
        for imported in imports_of(file, runtime_only=True):
            assert not _banned(imported, "coder.store"), f"{file.relative_to(PACKAGE)} imports {imported} at run time"


def test_only_the_command_line_imports_it():
    for name, file in MODULES.items():
        if name.startswith("coder.cli"):
            continue
        for imported in imports_of(file):
            assert not _banned(imported, "coder.cli"), f"{file.relative_to(PACKAGE)} imports {imported}"


def test_the_cli_has_a_leaf():
    """``cli/common.py`` owns the group and the helpers and imports no other command module (spaCy's _util.py)."""
    assert not any(_banned(n, "coder.cli") for n in imports_of(PACKAGE / "cli" / "common.py"))
    init = ast.parse((PACKAGE / "cli" / "__init__.py").read_text(encoding="utf-8"))
    assert all(isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr, ast.Assign)) for node in init.body)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles():
    """No two modules of coder import each other, however indirectly (lazy and type-only imports count too).
    A package's ``__init__`` that imports its own modules is its face, not a cycle, and is left out."""
    faces = {name for name, file in MODULES.items() if file.name == "__init__.py"}
    edges: dict[str, set[str]] = {name: set() for name in MODULES if name not in faces}
    for name in edges:
        for imported in imports_of(MODULES[name]):
            while imported and imported not in MODULES:
                imported = imported.rpartition(".")[0]
            if imported in edges and imported != name:
                edges[name].add(imported)
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_top_level_is_small():
    """The top of coder/ holds the package face, the model, the errors and small pure helpers."""
    top = sorted(f.name for f in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "errors.py", "filters.py", "model.py", "pick.py", "spans.py"]


def test_the_core_does_not_import_textual():
    """Importing the store, the importers, the suggestion engine and the exports loads no Textual (Harlequin's
    import-hygiene check): a script or a batch command never pays for the screen."""
    code = (
        "import sys, coder.store, coder.ingest.service, coder.suggest.service, coder.export.service, "
        "coder.codebook.service, coder.exchange.service, coder.analysis.service, coder.team.agreement\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_files_stay_short():
    """No module over 500 lines without a one-line reason at its top (``# long: …``)."""
    for file in MODULES.values():
        lines = file.read_text(encoding="utf-8").splitlines()
        if len(lines) > 500:
            assert lines[0].startswith("# long: "), f"{file.relative_to(PACKAGE)}: {len(lines)} lines"


def test_the_tui_runs_no_sql():
    """The TUI reads and writes through the core's functions: no SQL text, no cursor calls."""
    for file in sorted((PACKAGE / "tui").rglob("*.py")):
        source = file.read_text(encoding="utf-8")
        for needle in (".execute(", ".executemany(", ".conn", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM"):
            assert needle not in source, f"{file.name} has {needle!r}"


def test_nothing_outside_the_store_uses_its_internals():
    """No ``project._insert``/``._delete``/``.conn`` … outside store/: what a feature needs is a store method."""
    private = {
        node.name
        for name, file in MODULES.items()
        if name.startswith("coder.store")
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_") and not node.name.startswith("__")
    }
    assert {"_insert", "_delete", "_update"} <= private
    for name, file in MODULES.items():
        if name.startswith("coder.store"):
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and (node.attr == "conn" or node.attr in private):
                if not ast.unparse(node.value).startswith("self"):
                    pytest.fail(f"{file.relative_to(PACKAGE)}:{node.lineno} uses {ast.unparse(node)}")
