"""Project commands: ``coder init``, ``import``, ``import-survey``, ``sources``, ``stats``, ``demo``, ``open``,
``undo``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from pathlib import Path

import click

from coder.cli.common import current_coder, main, open_project, project_path
from coder.errors import CoderError
from coder.project import service


@main.command()
@click.argument("project")
@click.option("--codebook", "codebook_file", type=click.Path(path_type=Path), help="Load this codebook too.")
def init(project: str, codebook_file: Path | None) -> None:
    """Create a new project file (PROJECT.coder)."""
    path = project_path(project, must_exist=False)
    report = service.new_project(path, codebook_file)
    click.echo(f"created {path}" + (f" with {len(report.added)} codes from {codebook_file}" if report else ""))


@main.command(name="import")
@click.argument("project")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--attributes", type=click.Path(path_type=Path), help="CSV: a 'file' column, one column per attribute.")
@click.option("--kind", type=click.Choice(["transcript", "document"]), help="Say what the files are (default: detect).")
@click.option("--replace", is_flag=True, help="Update sources whose file changed; codings on unchanged text are kept.")
@click.option("--coder", "coder_name", help="Who is importing (default: the OS user).")
def import_(
    project: str,
    files: tuple[Path, ...],
    attributes: Path | None,
    kind: str | None,
    replace: bool,
    coder_name: str | None,
) -> None:
    """Import transcripts and documents: .txt .md .docx .vtt .srt."""
    from coder.ingest.service import read_files, save

    with open_project(project) as proj:
        show = len(files) > 3 or sum(_size(f) for f in files) > 2_000_000
        with click.progressbar(length=len(files), label="reading", file=sys.stderr, hidden=not show) as bar:
            items = read_files(list(files), attributes, kind, progress=lambda _: bar.update(1))
        with _alone(proj, replace, coder_name, "replacing sources"):
            report = save(proj, items, replace, coder_name)
    for item in report.added:
        click.echo(f"added    {item.name}  ({_describe(item)})")
    for item, moved in report.replaced:
        click.echo(
            f"replaced {item.name}  ({_describe(item)}; codings kept {moved.kept}, moved {moved.moved}, "
            f"lost {moved.lost})"
        )
    for item in report.unchanged:
        click.echo(f"unchanged {item.name}")
    for note in report.notes:
        click.echo(f"note: {note}")


@main.command(name="import-survey")
@click.argument("project")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--id", "id_column", required=True, help="The respondent id column.")
@click.option("--text", "text_columns", multiple=True, required=True, help="A question column (repeat for more).")
@click.option("--attr", "attr_columns", multiple=True, help="An attribute column (repeat for more).")
@click.option("--sheet", help="Sheet of an .xlsx file (default: the first).")
@click.option("--replace", is_flag=True, help="Update questions whose answers changed.")
@click.option("--coder", "coder_name", help="Who is importing (default: the OS user).")
def import_survey_cmd(
    project: str,
    file: Path,
    id_column: str,
    text_columns: tuple[str, ...],
    attr_columns: tuple[str, ...],
    sheet: str | None,
    replace: bool,
    coder_name: str | None,
) -> None:
    """Import open-text survey answers from .csv or .xlsx."""
    from coder.ingest.service import import_survey

    with open_project(project) as proj, _alone(proj, replace, coder_name, "replacing survey answers"):
        report = import_survey(
            proj, file, id_column, list(text_columns), list(attr_columns), sheet, replace, coder_name
        )
    click.echo(f"{file.name}: {report.respondents} respondents")
    for question, n in report.answers.items():
        click.echo(f"  {question}: {n} answers imported, {report.empty[question]} empty skipped")
    for item in report.unchanged:
        click.echo(f"unchanged {item.name}")
    for note in report.notes:
        click.echo(f"note: {note}")


@main.command()
@click.argument("project")
def sources(project: str) -> None:
    """List the sources with their attributes and counts."""
    with open_project(project) as proj:
        rows = proj.sources()
        cases = {c.name: c for c in proj.cases()}
    if not rows:
        click.echo("no sources yet: add some with 'coder import' or 'coder import-survey'")
        return
    headings = {"transcript": "Interviews", "survey": "Survey questions", "document": "Documents"}
    units = {"transcript": "turns", "survey": "answers", "document": "paragraphs"}
    width = shutil.get_terminal_size((100, 24)).columns
    kind = None
    click.echo(f"{'id':>4}  {'name':<26} {'segs':>5} {'words':>6} {'coded':>5}  attributes")
    for s in rows:
        if s.kind != kind:
            kind = s.kind
            click.echo(f"{headings[kind]} (segments are {units[kind]})")
        case = cases.get(s.case) if s.case else None
        attrs = " · ".join(a.value for a in case.attributes.values() if a.type != "date") if case else ""
        line = f"{s.id:>4}  {s.name:<26.26} {s.n_segments:>5} {s.n_words:>6} {s.n_codings:>5}  {attrs}"
        click.echo(line.rstrip() if len(line) <= width else line[: width - 1] + "…")


@main.command()
@click.argument("project")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(project: str, as_json: bool) -> None:
    """Count sources, segments, words, cases, codes and codings."""
    with open_project(project) as proj:
        counts = proj.stats()
    if as_json:
        click.echo(json.dumps(counts))
    else:
        for key, value in counts.items():
            click.echo(f"{key:<9} {value:>9,}".replace(",", " "))


@main.command()
@click.option(
    "--path",
    "directory",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for demo.coder.",
)
@click.option("--no-tui", is_flag=True, help="Only build the project and print what it holds.")
@click.option("--fresh", is_flag=True, help="Rebuild demo.coder even if it exists (its codings are lost).")
def demo(directory: Path, no_tui: bool, fresh: bool) -> None:
    """Build the demo project from the bundled corpus and codebook, and open it."""
    from coder.demo.service import build_demo

    result = build_demo(directory, fresh)
    with service.open_project(result.path) as proj:
        counts = proj.stats()
        by_kind: dict[str, int] = {}
        for s in proj.sources():
            by_kind[s.kind] = by_kind.get(s.kind, 0) + 1
    verb = "built" if result.built else "opened existing (use --fresh to rebuild)"
    click.echo(
        f"{verb} {result.path}: {by_kind.get('transcript', 0)} interviews, "
        f"{by_kind.get('survey', 0)} survey questions, {counts['segments']} segments, "
        f"{counts['words']} words, {counts['cases']} cases, {counts['codes']} codes"
    )
    if no_tui:
        click.echo(f"explore it: coder open {result.path} · coder sources {result.path} · coder stats {result.path}")
        return
    run_tui(result.path, None, "'coder demo --no-tui' builds it without opening it")


@main.command("open")
@click.argument("project")
@click.option("--coder", "coder_name", help="Your name or initials in the log (default: your user name).")
def open_(project: str, coder_name: str | None) -> None:
    """Open a project in the coding screen."""
    run_tui(project_path(project), coder_name)


@main.command()
@click.argument("project")
@click.option("--action", "action_id", type=int, help="Undo this action (its number in --list), whoever did it.")
@click.option("--list", "listing", is_flag=True, help="Show the last 20 actions: who, which process, undone or not.")
def undo(project: str, action_id: int | None, listing: bool) -> None:
    """Undo the last action of a coder process that has ended (a finished batch, a closed screen), or --action N.

    An action of a coder process still running (the coding screen, a batch) is undone there with u, or here only
    when asked for by its number."""
    from coder.coding import service as editing

    with open_project(project) as proj:
        if listing:
            for a in editing.action_log(proj):
                state = {0: "", 1: "undone", 2: "undone"}[a.undone] or ("" if a.undoable else "not undoable")
                who = f"{a.coder}, {a.process}" + (", running" if a.running else "")
                click.echo(f"{a.id:>6}  {a.at[:19]}  {a.label[:60]:<60}  {who}  {state}".rstrip())
            return
        click.echo(editing.undo(proj, action_id))


def run_tui(path: Path, coder_name: str | None, instead: str = "") -> None:
    """The coding screen on ``path``: it takes the lock, then opens the file (``coder_name`` or the project's
    own coder is who codes). Without a terminal it says what works instead: ``instead``, else the commands
    that show what the project holds."""
    from coder.tui.app import CoderApp

    if not sys.stdout.isatty() and not os.environ.get("CODER_FORCE_TUI"):
        instead = instead or f"'coder sources {path}' and 'coder stats {path}' show what it holds"
        raise CoderError(f"{path}: the coding screen needs a terminal; run 'coder open {path}' in one. {instead}")
    app = CoderApp(path, coder_name)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


def _alone(proj, replace: bool, coder_name: str | None, doing: str):
    """``--replace`` rewrites sources under the others' codings: it runs with the project to itself (the exclusive
    lock, coder/store/lock.py), and the others' screens say «kari is replacing sources» while they wait."""
    if not replace:
        return contextlib.nullcontext()
    return proj.exclusive(f"{current_coder(proj, coder_name)} is {doing}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _describe(item) -> str:
    speakers = item.meta.get("speakers") or {}
    who = ", ".join(f"{k} {v}" for k, v in speakers.items()) if speakers else "no speakers"
    unit = "turns" if item.kind == "transcript" else "answers" if item.kind == "survey" else "paragraphs"
    return f"{item.kind}, {len(item.segments)} {unit}, {who}, {item.meta.get('encoding', '')}"
