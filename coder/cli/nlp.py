"""The Norwegian pipeline on the command line: ``coder annotate`` and ``coder model info|use|train``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coder.cli.common import current_coder, main, open_project, print_rows, warn
from coder.errors import CoderError

if TYPE_CHECKING:
    from coder.store import Project


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
        warn(loaded.warning)
    key = ann.loaded_key(loaded)
    stale = proj.stale_segments(key)
    if not stale:
        if not quiet:
            click.echo(f"nothing to do: every segment is analysed by {loaded.name} {loaded.version}")
        return None
    label = f"analysing {len(stale):,} segments ({loaded.name} {loaded.version})"
    return _with_bar(
        label, len(stale), "analysed",
        lambda step: ann.refresh(proj, loaded.nlp, key, ann.splitter(), batch=batch, stale=stale, on_progress=step),
    )  # fmt: skip


def _with_bar(label: str, total: int, verb: str, job):
    """``job(on_progress)`` with a progress bar on stderr (``on_progress`` takes anything with ``.done``); Ctrl-C
    keeps what was saved, says how much and exits 130."""
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        shown = 0

        def step(progress) -> None:
            nonlocal shown
            bar.update(progress.done - shown)
            shown = progress.done

        try:
            return job(step)
        except KeyboardInterrupt:
            click.echo(f"\ninterrupted: {shown:,} segments {verb} and kept; run it again to go on", err=True)
            click.get_current_context().exit(130)


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
    print_rows([row for row in rows if row[0] != "warning"])
    if loaded.warning:
        warn(loaded.warning)


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
        with proj.action("setting", f"Pipeline: {value or 'default'}", current_coder(proj, coder_name)):
            proj.put_setting("nlp_model", value)  # an empty value left by an older coder is replaced too
    if value is None:
        click.echo(f"{project}: uses the default loading order" + (f" (was {old})" if old else ""))
    else:
        click.echo(f"{project}: uses {loaded.name} {loaded.version} from {value}")
        if loaded.warning:
            warn(loaded.warning)


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


@main.command("embed")
@click.argument("project")
@click.option("--batch", default=32, show_default=True, type=click.IntRange(1), help="Segments saved per transaction.")
def embed_cmd(project: str, batch: int) -> None:
    """Compute each segment's sentence embedding once (multilingual-e5-small, offline), for suggestions by meaning.

    Only segments that are new, whose text changed, or that another model embedded are done; `coder open` does the
    same in the background. Off with CODER_SEMANTIC=0 or `coder model semantic PROJECT off`."""
    from coder.nlp import embeddings

    with open_project(project) as proj:
        if not embeddings.enabled(proj.setting("semantic")):
            raise CoderError(f"{project}: the semantic layer is turned off (CODER_SEMANTIC=0 or the setting semantic)")
        loaded = embeddings.load()
        if loaded.embedder is None:
            raise CoderError(loaded.warning or "the embedding engine did not load")
        stale = proj.stale_embeddings(loaded.embedder.key)
        if not stale:
            click.echo(f"nothing to do: every segment is embedded by {loaded.embedder.key}")
            return
        label = f"embedding {len(stale):,} segments ({loaded.embedder.key})"
        done = _with_bar(
            label, len(stale), "embedded",
            lambda step: embeddings.refresh(proj, loaded.embedder, batch=batch, stale=stale, on_progress=step),
        )  # fmt: skip
    click.echo(f"embedded {done.done:,} segments in {done.seconds:.1f} s: {done.per_second:,.1f} segments/s")


@model.command("semantic")
@click.argument("project")
@click.argument("state", type=click.Choice(["on", "off"]), required=False)
@click.option("--coder", "coder_name", help="Who changes the setting (default: the OS user).")
def model_semantic(project: str, state: str | None, coder_name: str | None) -> None:
    """Show, or turn on or off, the semantic layer (sentence embeddings) for PROJECT."""
    from coder.nlp import embeddings

    with open_project(project) as proj:
        if state is not None:
            with proj.action("setting", f"Semantic layer: {state}", current_coder(proj, coder_name)):
                proj.put_setting("semantic", None if state == "on" else "off")
        on = embeddings.enabled(proj.setting("semantic"))
        loaded = embeddings.load() if on else None
        fresh, total = proj.embedding_coverage(loaded.embedder.key) if loaded and loaded.embedder else (0, 0)
    if not on:
        click.echo(f"{project}: the semantic layer is off" + (" (CODER_SEMANTIC=0)" if state == "on" else ""))
    elif loaded is not None and loaded.embedder is None:
        warn(loaded.warning or "the embedding engine did not load")
    else:
        click.echo(
            f"{project}: the semantic layer is on ({loaded.embedder.key}); {fresh:,} of {total:,} segments embedded"
        )
