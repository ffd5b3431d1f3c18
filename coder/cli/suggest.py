"""``coder suggest`` (batch suggestions for a project) and ``coder eval`` (the engine against a gold standard)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from coder.cli.common import current_coder, main, open_project, warn
from coder.cli.nlp import annotate_stale
from coder.errors import InputError


@main.command("suggest")
@click.argument("project")
@click.option(
    "--source", "source_names", multiple=True, help="Only this source: id, name or a part of it (repeat for more)."
)
@click.option(
    "--apply-above",
    type=click.FloatRange(0.0, 1.0),
    help="Code every suggestion scoring at least T (origin 'auto', one undoable action).",
)
@click.option("--retrain", is_flag=True, help="Train the learned layer on the decisions first, even if not due.")
@click.option("--coder", "coder_name", help="Who applies codes with --apply-above (default: the OS user).")
def suggest_cmd(
    project: str, source_names: tuple[str, ...], apply_above: float | None, retrain: bool, coder_name
) -> None:
    """Suggest codes for every segment; the TUI's review queue (and `--apply-above`) act on them.

    Suggestions above their code's threshold are kept in the project as open suggestions; decided ones are left
    as they are. The learned layer is retrained first when enough new decisions have come in."""
    from coder.nlp.annotate import splitter
    from coder.suggest import service as suggesting

    started = time.perf_counter()
    with open_project(project) as proj:
        sources = proj.sources()
        if source_names:
            from coder.analysis.service import find_sources

            sources = find_sources(proj, source_names)  # by id, whole name, or a part only one name has
        if not proj.codebook().codes:
            raise InputError(
                Path(project), "the project has no codebook: load one with `coder codebook PROJECT --load FILE`"
            )
        annotate_stale(proj, quiet=True)  # suggestions read lemmas and compound parts from the NLP cache
        suggester = suggesting.Suggester(proj, splitter())
        if retrain or suggester.needs_training(proj):
            report = suggesting.retrain(proj, suggester.splitter)
            suggester.reload(proj)
            click.echo(
                f"learned layer trained on {report.items:,} segments ({report.decisions:,} decisions) in "
                f"{report.seconds:.1f} s: {len(report.known)} codes learned, {len(report.fallback)} on keywords alone"
            )
        from coder.model import is_interviewer

        # the interviewer's own questions are not coded
        segments = [
            seg for s in sources for seg in proj.segment_texts(source_id=s.id) if not is_interviewer(seg.speaker)
        ]
        kept: list[tuple[int, str, float, dict]] = []
        to_apply: list[tuple[int, object]] = []
        per_code: dict[str, int] = {}
        with click.progressbar(length=len(segments), label="suggesting", file=sys.stderr) as bar:
            for i in range(0, len(segments), 500):
                chunk = segments[i : i + 500]
                for seg, scores in zip(chunk, suggester.score_segments(proj, chunk), strict=True):
                    for s in scores:
                        if s.above:
                            kept.append((seg.id, s.code_id, s.score, suggesting.evidence_of(s)))
                            per_code[s.code_id] = per_code.get(s.code_id, 0) + 1
                        if apply_above is not None and s.score >= apply_above:
                            to_apply.append((seg.id, s))
                bar.update(len(chunk))
        with proj.transaction():
            proj.clear_open_suggestions([seg.id for seg in segments])
            proj.save_open_suggestions(kept)
        applied = 0
        if to_apply:
            applied = suggesting.apply_codes(proj, to_apply, current_coder(proj, coder_name))
        labels = {c.id: c.label for c in proj.codebook().codes}
    seconds = time.perf_counter() - started
    click.echo(f"{len(kept):,} suggestions above threshold for {len(segments):,} segments in {seconds:.1f} s")
    for code_id, n in sorted(per_code.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {n:>6,}  {labels.get(code_id, code_id)}")
    if apply_above is not None:
        click.echo(
            f"coded {applied:,} segments (score ≥ {apply_above:g}, origin 'auto'); one action: "
            f"`coder undo {Path(project).name}` undoes it (with --list, its number for --action)"
        )


@main.command("eval")
@click.option("--gold", "gold_file", required=True, type=click.Path(path_type=Path), help="JSON Lines: text, codes.")
@click.option("--codebook", "codebook_file", required=True, type=click.Path(path_type=Path), help="The codebook file.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2), help="Cross-validation folds.")
@click.option("--seed", default=0, show_default=True, type=int, help="Shuffles the folds (and ties in --simulate).")
@click.option("--simulate", is_flag=True, help="Also measure work saved: recall after 10-50 %% reviewed, WSS@95.")
@click.option("--no-semantic", is_flag=True, help="Leave the semantic layer out of --simulate.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_cmd(
    gold_file: Path, codebook_file: Path, folds: int, seed: int, simulate: bool, no_semantic: bool, as_json: bool
) -> None:
    """Score the suggestion engine against a gold standard: per-code precision, recall and F1, micro and macro F1
    and recall@3 for surface keyword matching, the rule layer and rules + learned layer (cross-validated), with a
    learning curve. With --simulate, also how soon a researcher reviewing in each system's order finds each code's
    units (random, surface keywords, rules, semantic, rules + learned, rules + learned + semantic)."""
    from coder.codebook.files import load_codebook
    from coder.nlp import annotate as ann
    from coder.suggest.evaluate import evaluate, load_gold, render, to_json

    for path in (gold_file, codebook_file):
        if not path.is_file():
            raise InputError(path, "no such file")
    book = load_codebook(codebook_file)
    gold = load_gold(gold_file, book.codes)
    loaded = ann.load()
    if loaded.warning:
        warn(loaded.warning)
    split = ann.splitter()
    annotations = list(ann.annotate(loaded.nlp, [g.text for g in gold], split))

    def say(message: str) -> None:
        click.echo(message, err=True)

    report = evaluate(book.codes, gold, annotations, split, folds=folds, seed=seed, progress=say)
    simulated = _simulate(book.codes, gold, annotations, split, seed, not no_semantic, say) if simulate else None
    if as_json:
        from coder.suggest import simulate as sim

        data = to_json(report)
        click.echo(
            json.dumps({"classification": data, "simulation": sim.to_json(simulated)} if simulated else data, indent=1)
        )
    else:
        click.echo(render(report, book.codes))
        if simulated is not None:
            from coder.suggest import simulate as sim

            click.echo("\n" + sim.render(simulated))


def _simulate(codes, gold, annotations, split, seed: int, semantic: bool, say):
    """The work-saved simulation over the gold units, with the semantic layer when it loads."""
    from coder.suggest import simulate as sim

    norm = vectors = None
    if semantic:
        from coder.nlp import embeddings
        from coder.suggest.semantic import Normaliser, prototype_text

        loaded = embeddings.load()
        if loaded.embedder is None:
            warn(loaded.warning or "the semantic layer did not load")
        else:
            say(f"embedding {len(gold)} units and {len(codes)} codes ({loaded.embedder.key})")
            vectors = loaded.embedder.passages([g.text for g in gold])
            prototypes = loaded.embedder.queries([prototype_text(c) for c in codes])
            norm = Normaliser.fit([c.id for c in codes], prototypes, vectors)
    units = [sim.Unit(g.text, a, g.codes) for g, a in zip(gold, annotations, strict=True)]
    return sim.simulate(codes, units, split, norm, vectors, seed=seed, progress=say)
