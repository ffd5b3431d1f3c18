"""The command line: parse, call the core, print. No logic of its own.

Exit codes: 0 success, 1 an input error (``error: FILE[:LINE]: what is wrong``),
2 a usage error (click's own).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import traceback
from pathlib import Path

import click

from coder import __version__
from coder.codebook import dump_codebook, load_codebook
from coder.errors import CoderError
from coder.store import SUFFIX, Project


class Group(click.Group):
    """Turns the errors users cause into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CoderError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:  # `coder … | head`: the reader has what it wanted
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing of the unfinished step was saved", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("CODER_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"error: unexpected failure ({type(exc).__name__}: {exc}); "
                "nothing of the unfinished step was saved. Run with CODER_DEBUG=1 for details.",
                err=True,
            )
            ctx.exit(1)


def project_path(value: str, must_exist: bool = True) -> Path:
    """``ppt`` finds ``ppt.coder``; a new project without a suffix gets one."""
    path = Path(value)
    if must_exist:
        if not path.exists() and not path.suffix and path.with_suffix(SUFFIX).exists():
            return path.with_suffix(SUFFIX)
        return path
    return path if path.suffix else path.with_suffix(SUFFIX)


def open_project(value: str) -> Project:
    return Project.open(project_path(value))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coder")
def main() -> None:
    """coder: code Norwegian interviews and open-text answers, offline, in the terminal."""


@main.command()
@click.argument("project")
@click.option("--codebook", "codebook_file", type=click.Path(path_type=Path), help="Load this codebook too.")
def init(project: str, codebook_file: Path | None) -> None:
    """Create a new project file (PROJECT.coder)."""
    codebook = load_codebook(codebook_file) if codebook_file else None
    path = project_path(project, must_exist=False)
    with Project.create(path) as proj:
        if codebook:
            with proj.transaction():
                report = proj.merge_codebook(codebook)
                proj.log("codebook", {"file": codebook_file.name, "added": report.added}, _coder(proj))
    click.echo(f"created {path}" + (f" with {len(codebook.codes)} codes from {codebook_file}" if codebook else ""))


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
    from coder.imports import read_files, save

    with open_project(project) as proj:
        show = len(files) > 3 or sum(_size(f) for f in files) > 2_000_000
        with click.progressbar(length=len(files), label="reading", file=sys.stderr, hidden=not show) as bar:
            items = read_files(list(files), attributes, kind, progress=lambda _: bar.update(1))
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
    from coder.imports import import_survey

    with open_project(project) as proj:
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
@click.option("--load", "load_file", type=click.Path(path_type=Path), help="Add and update codes from a codebook file.")
@click.option("--export", "export_file", type=click.Path(path_type=Path), help="Write the codebook to .yaml/.json.")
def codebook(project: str, load_file: Path | None, export_file: Path | None) -> None:
    """Load, export or show the project's codebook (.yaml, .json, or REFI-QDA .qdc)."""
    if load_file and export_file:
        raise click.UsageError("use --load or --export, not both")
    with open_project(project) as proj:
        if load_file and load_file.suffix.lower() == ".qdc":  # REFI-QDA codebooks (coder/cli_refi.py)
            coder.cli_refi.load_qdc(proj, load_file, _coder(proj))
        elif export_file and export_file.suffix.lower() == ".qdc":
            coder.cli_refi.write_qdc(proj, export_file)
        elif load_file:
            book = load_codebook(load_file)
            with proj.transaction():
                report = proj.merge_codebook(book)
                proj.log(
                    "codebook", {"file": load_file.name, "added": report.added, "updated": report.updated}, _coder(proj)
                )
            click.echo(
                f"{load_file}: {len(report.added)} codes added, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged"
            )
            if report.kept:
                click.echo(f"kept {len(report.kept)} codes that are not in the file: {', '.join(report.kept)}")
        elif export_file:
            book = proj.codebook()
            dump_codebook(book, export_file)
            click.echo(f"wrote {len(book.codes)} codes to {export_file}")
        else:
            _print_codebook(proj)


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
    from coder.demo import build_demo

    result = build_demo(directory, fresh)
    with Project.open(result.path) as proj:
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
    _run_tui(result.path, _coder_at(result.path, None))


@main.command("open")
@click.argument("project")
@click.option("--coder", "coder_name", help="Your name or initials in the log (default: your user name).")
def open_(project: str, coder_name: str | None) -> None:
    """Open a project in the coding screen."""
    _run_tui(project_path(project), _coder_at(project_path(project), coder_name))


@main.command()
@click.argument("project")
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@click.option("--all", "show_all", is_flag=True, help="List dismissed candidates too.")
@click.option("--dismiss", "to_dismiss", multiple=True, metavar="KIND:TEXT", help="Not an identifier: never show it.")
@click.option("--pseudonymise", "to_replace", multiple=True, metavar="KIND:TEXT", help="Replace it everywhere: a tag.")
@click.option("--allow", "to_allow", multiple=True, metavar="WORD", help="Add a word to the project's allow-list.")
@click.option("--coder", "coder_name", help="Who decides (default: the OS user).")
def check(
    project: str,
    as_json: bool,
    show_all: bool,
    to_dismiss: tuple[str, ...],
    to_replace: tuple[str, ...],
    to_allow: tuple[str, ...],
    coder_name: str | None,
) -> None:
    """Find what may identify someone (names, places, phone numbers, fødselsnummer, …) and decide on it.

    KIND is one of PER LOC GPE ORG EMAIL PHONE FNR DOB ADDRESS."""
    from coder.anonymise import check as anon

    with open_project(project) as proj:
        coder = _coder(proj, coder_name)
        for word in to_allow:
            anon.add_allowed(proj, word, coder)
            click.echo(f"allowed  «{word}»: never flagged in this project")
        for value in to_dismiss:
            cand = anon.candidate(*_kind_text(value))
            anon.dismiss(proj, cand, coder)
            click.echo(f"dismissed {cand.kind} «{cand.text}»")
        for value in to_replace:
            cand = anon.candidate(*_kind_text(value))
            rep = anon.pseudonymise(proj, cand, coder)
            click.echo(
                f"pseudonymised {cand.kind} «{cand.text}» → {rep.tag}: {rep.occurrences} occurrences in "
                f"{rep.sources} sources, {rep.codings_moved} codings moved"
            )
            if not rep.checkpointed:
                _warn("another program has the project open: the old text stays in PROJECT-wal until it closes")
        loaded = anon.load_nlp(proj)
        if loaded.origin == "blank":
            _warn("names, places and organisations are not checked: " + (loaded.warning or "no NER"))
        found = anon.run_check(proj, loaded.nlp, include_dismissed=True)
        n_sources = len(proj.anon_sources())
    cands = [c for c in found if show_all or c.status == "open"]
    if as_json:
        click.echo(json.dumps([_candidate_json(c) for c in cands], ensure_ascii=False, indent=1))
        return
    _print_candidates(cands, n_sources, dismissed=len(found) - len([c for c in found if c.status == "open"]))


def _kind_text(value: str) -> tuple[str, str]:
    kind, sep, text = value.partition(":")
    if not sep:
        raise click.UsageError(f"{value!r}: write KIND:TEXT, e.g. PER:Kari Hansen")
    return kind, text


def _candidate_json(c) -> dict:
    return {
        "kind": c.kind,
        "text": c.text,
        "status": c.status,
        "tag": c.tag,
        "confidence": c.confidence,
        "note": c.note,
        "count": c.count,
        "hits": [
            {"source": h.source_name, "segment_id": h.segment_id, "start": h.start, "end": h.end, "text": h.text,
             "context": h.context}
            for h in c.hits
        ],
    }  # fmt: skip


def _print_candidates(cands: list, n_sources: int, dismissed: int) -> None:
    from coder.anonymise.check import KIND_NAMES

    width = max(60, min(shutil.get_terminal_size((80, 24)).columns, 80))
    kind = None
    for c in cands:
        group = (c.status, c.kind)
        if group != kind:
            kind = group
            same = sum(1 for d in cands if (d.status, d.kind) == group)
            title = KIND_NAMES[c.kind].capitalize() + f" ({c.kind})" + (" — dismissed" if c.status != "open" else "")
            click.echo(f"{title}: {same}")
        hit = c.hits[0]
        flag = "?" if c.confidence == "low" else " "
        head = f" {flag}{c.text:<24.24} {c.count:>3}  {hit.source_name:<12.12} "
        click.echo(head + _around(hit.context, hit.text, width - len(head) - 1))
    open_ = [c for c in cands if c.status == "open"]
    tail = f"; {dismissed} dismissed" + ("" if any(c.status != "open" for c in cands) else " (--all lists them)")
    tail = tail if dismissed else ""
    if open_:
        what = "1 candidate" if len(open_) == 1 else f"{len(open_)} candidates"
        click.echo(f"{what} to review in {n_sources} source{'' if n_sources == 1 else 's'}{tail}")
        click.echo("? = less certain · decide with --dismiss KIND:TEXT or --pseudonymise KIND:TEXT")
    else:
        click.echo(f"no candidates to review in {n_sources} source{'' if n_sources == 1 else 's'}{tail}")


def _around(context: str, text: str, room: int) -> str:
    """``context`` cut to ``room`` characters around the first ``text`` in it."""
    if len(context) <= room:
        return context
    at = max(context.find(text), 0)
    left = max(0, at - max(0, (room - len(text)) // 2))
    out = context[left : left + room - 2]
    return ("…" if left > 0 else "") + out + "…"


@main.command("annotate")
@click.argument("project")
@click.option("--batch", default=64, show_default=True, type=click.IntRange(1), help="Segments saved per transaction.")
def annotate_cmd(project: str, batch: int) -> None:
    """Analyse the text once: lemmas, compound parts, entities, sentences of every segment.

    Search by lemma, suggestions and the anonymisation check read the result. Only segments that are new, whose
    text changed, or that another pipeline analysed are done; `coder open` does the same in the background."""
    with open_project(project) as proj:
        done = annotate_stale(proj, batch)
    if done is not None:
        click.echo(
            f"analysed {done.done:,} segments, {done.tokens:,} tokens in {done.seconds:.1f} s: "
            f"{done.tokens_per_second:,.0f} tokens/s"
        )


def annotate_stale(proj: Project, batch: int = 64, quiet: bool = False):
    """Analyse the segments the NLP cache lacks, with a progress bar on stderr; the ``Progress``, or None when
    there was nothing to do (a line says so unless ``quiet``). Ctrl-C keeps what was analysed and exits 130."""
    from coder.nlp import annotate as ann

    loaded = ann.load(proj.setting("nlp_model"))
    if loaded.warning:
        _warn(loaded.warning)
    key = ann.loaded_key(loaded)
    stale = proj.stale_segments(key)
    if not stale:
        if not quiet:
            click.echo(f"nothing to do: every segment is analysed by {loaded.name} {loaded.version}")
        return None
    label = f"analysing {len(stale):,} segments ({loaded.name} {loaded.version})"
    with click.progressbar(length=len(stale), label=label, file=sys.stderr) as bar:
        shown = 0

        def step(progress: ann.Progress) -> None:
            nonlocal shown
            bar.update(progress.done - shown)
            shown = progress.done

        try:
            return ann.refresh(proj, loaded.nlp, key, ann.splitter(), batch=batch, stale=stale, on_progress=step)
        except KeyboardInterrupt:
            click.echo(f"\ninterrupted: {shown:,} segments analysed and kept; run it again to go on", err=True)
            click.get_current_context().exit(130)


@main.group()
def export() -> None:
    """Write what the project holds for a report or another program (quotes, tables, REFI-QDA)."""


@main.group()
def model() -> None:
    """The Norwegian spaCy pipeline: which one is loaded, choose one, train one."""


@model.command("info")
@click.argument("project", required=False)
def model_info(project: str | None) -> None:
    """Show the pipeline coder loads (PROJECT's setting nlp_model first), its scores and licences."""
    from coder.nlp.loading import describe, load_pipeline

    setting = None
    if project:
        with open_project(project) as proj:
            setting = proj.setting("nlp_model") or None
    loaded = load_pipeline(setting)
    rows = describe(loaded)
    _print_rows([row for row in rows if row[0] != "warning"])
    if loaded.warning:
        _warn(loaded.warning)


@model.command("use")
@click.argument("project")
@click.argument("name_or_path", required=False)
@click.option("--default", "default", is_flag=True, help="Forget the project's choice: use the loading order.")
@click.option("--coder", "coder_name", help="Who changes the setting (default: the OS user).")
def model_use(project: str, name_or_path: str | None, default: bool, coder_name: str | None) -> None:
    """Make PROJECT use a pipeline: an installed package name or a saved pipeline folder (checked that it loads)."""
    from coder.nlp.loading import check_setting

    if bool(name_or_path) == default:
        raise click.UsageError("give NAME_OR_PATH or --default (not both)")
    value = None
    if name_or_path:
        path = Path(name_or_path).expanduser()
        value = str(path.resolve()) if path.exists() else name_or_path
        try:
            loaded = check_setting(value)
        except ValueError as exc:
            raise CoderError(f"{name_or_path}: {exc}") from exc
    with open_project(project) as proj:
        old = proj.setting("nlp_model") or None
        with proj.action("setting", f"Pipeline: {value or 'default'}", _coder(proj, coder_name)):
            if value is None:
                proj._delete("setting", "nlp_model")
            elif old is None:
                proj._delete("setting", "nlp_model")  # an empty value left by an older coder
                proj._insert("setting", {"key": "nlp_model", "value": value})
            else:
                proj._update("setting", "nlp_model", {"value": value})
    if value is None:
        click.echo(f"{project}: uses the default loading order" + (f" (was {old})" if old else ""))
    else:
        click.echo(f"{project}: uses {loaded.name} {loaded.version} from {value}")
        if loaded.warning:
            _warn(loaded.warning)


@model.command("train")
@click.option("--data", required=True, type=click.Path(path_type=Path), help="The NDT Bokmål folder (splits.tsv …).")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Where corpus, training and pipeline go.")
def model_train(data: Path, out: Path) -> None:
    """Train coder's Norwegian pipeline from NDT + NorNE (the recipe in coder/nlp/train.cfg).

    About half an hour on 2 cores. The finished pipeline is OUT/pipeline, with its scores on the test split in
    meta.json; copy it to coder/nlp/model to ship it."""
    from coder.nlp.training import check_data, train_pipeline

    check_data(data)
    train_pipeline(data, out, echo=click.echo)


def _print_rows(rows: list[tuple[str, str]]) -> None:
    """Label/value rows aligned, values wrapped to the terminal (80 columns when unknown)."""
    import textwrap

    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    pad = max((len(label) for label, _ in rows), default=0) + 2
    for label, value in rows:
        lines = textwrap.wrap(str(value), width - pad, break_on_hyphens=False) or [""]
        click.echo(f"{label:<{pad}}{lines[0]}".rstrip())
        for line in lines[1:]:
            click.echo(" " * pad + line)


def _warn(text: str) -> None:
    """``warning: …`` on stderr, wrapped to the terminal like the rows above it."""
    import textwrap

    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    click.echo(textwrap.fill(f"warning: {text}", width, subsequent_indent=" " * 9, break_on_hyphens=False), err=True)


def _run_tui(path: Path, coder: str) -> None:
    from coder.tui.app import CoderApp

    if not sys.stdout.isatty() and not os.environ.get("CODER_FORCE_TUI"):
        raise CoderError(f"{path}: the coding screen needs a terminal (run it in one, or use --no-tui)")
    app = CoderApp(path, coder)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


def _print_codebook(proj: Project) -> None:
    book = proj.codebook()
    counts = proj.code_counts()
    if not book.codes:
        click.echo("no codes yet: load a codebook with --load FILE")
        return
    children: dict[str | None, list] = {}
    for code in book.codes:
        children.setdefault(code.parent, []).append(code)

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            label = "  " * depth + code.label
            click.echo(f"{code.id:<26} {label:<40} {counts.get(code.id, 0):>5}  {code.description[:60]}")
            walk(code.id, depth + 1)

    click.echo(f"{book.name} (version {book.version}, {len(book.codes)} codes)")
    walk(None, 0)


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


def _coder(project: Project | None = None, given: str | None = None) -> str:
    """Who is coding: ``given`` (--coder), else the project's setting, else $CODER_NAME, else the OS user."""
    from coder.team.identity import current

    return current(project, given)


def _coder_at(path: Path, given: str | None) -> str:
    """:func:`_coder` for a project file not open yet (the coding screen opens it itself)."""
    if given:
        return _coder(None, given)
    with Project.open(path) as proj:
        return _coder(proj)


# Commands that live in their own modules register themselves on ``main`` and ``export`` when imported here.
# (one import line per module, below)
import coder.cli_quotes  # noqa: E402, F401  (coder export quotes|matrix, coder quote-style)
import coder.cli_refi  # noqa: E402, F401  (coder export qdpx|qdc, import-qdpx, import-qdc)
import coder.cli_suggest  # noqa: E402, F401  (coder suggest, coder eval)
import coder.cli_tables  # noqa: E402, F401  (coder tables)
import coder.cli_team  # noqa: E402, F401  (coder whoami, merge, agreement, consensus)

if __name__ == "__main__":
    main()
