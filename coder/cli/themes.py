"""``coder themes``: the themes in a survey question's answers, and one of them made into a code."""

from __future__ import annotations

import json
import shutil
import sys

import click

from coder.cli.common import current_coder, main, open_project, warn
from coder.errors import CoderError


@main.command("themes")
@click.argument("project")
@click.option("--source", "source_name", required=True, help="The survey question (or any source): id, name or a part.")
@click.option("--k", "k", type=click.IntRange(1, 50), help="How many themes (default: chosen by the silhouette, 3-12).")
@click.option("--json", "as_json", is_flag=True, help="Print the themes as JSON, with every member's segment id.")
@click.option("--make", "make", type=click.IntRange(1), help="Make theme N a code; its answers become suggestions.")
@click.option("--label", help="The new code's label (with --make; default: the theme's top base forms).")
@click.option("--coder", "coder_name", help="Who makes the code (default: the OS user).")
def themes_cmd(
    project: str, source_name: str, k: int | None, as_json: bool, make: int | None, label: str | None, coder_name
) -> None:
    """Group a question's answers by meaning into themes: each with its size, the base forms that set it apart and
    its most typical answers. Reads the embeddings (`coder embed`); interviewer turns are left out.

    `--make N` makes theme N a code and keeps its answers as open suggestions for it: nothing is coded until each
    is accepted or rejected in the TUI's review queue (R). The same answers and k give the same themes."""
    from coder.analysis.service import find_sources
    from coder.themes import service as themes

    if label is not None and make is None:
        raise click.UsageError("--label goes with --make N")
    with open_project(project) as proj:
        [source] = find_sources(proj, [source_name])
        _analyse(proj, [s.id for s in themes.answers_of(proj, source.id)])
        grouping = themes.themes_for_source(proj, source.id, k)
        if not grouping.themes:
            raise CoderError(f"{source.name}: {grouping.note}")
        made = None
        if make is not None:
            if make > len(grouping.themes):
                raise CoderError(f"there are {len(grouping.themes)} themes: --make 1 to {len(grouping.themes)}")
            theme = grouping.themes[make - 1]
            made = themes.theme_to_code(proj, theme, label or theme.proposed_label(), current_coder(proj, coder_name))
    if as_json:
        click.echo(json.dumps(_as_json(grouping, made), ensure_ascii=False, indent=1))
        return
    _render(grouping)
    if made is not None:
        click.echo(
            f"\nmade the code «{made.code.label}» ({made.code.id}): {made.suggestions:,} answers wait as open "
            "suggestions for it; review them in the TUI (R). Nothing is coded yet."
        )


def _analyse(proj, segment_ids: list[int]) -> None:
    """Base forms for these answers, if the NLP cache lacks them (the distinctive words are read from it)."""
    from coder.nlp import annotate as ann

    wanted = set(segment_ids)
    loaded = ann.load(proj.setting("nlp_model"))
    if loaded.warning:
        warn(loaded.warning)
    key = ann.loaded_key(loaded)
    stale = [row for row in proj.stale_segments(key) if row[0] in wanted]
    if stale:
        with click.progressbar(length=len(stale), label=f"analysing {len(stale):,} answers", file=sys.stderr) as bar:
            shown = 0

            def step(progress: ann.Progress) -> None:
                nonlocal shown
                bar.update(progress.done - shown)
                shown = progress.done

            ann.refresh(proj, loaded.nlp, key, ann.splitter(), stale=stale, on_progress=step)


def _render(grouping) -> None:
    from coder.themes import service as themes

    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 120))
    click.echo(f"{grouping.title}: {grouping.summary()}")
    for theme in grouping.themes:
        click.echo()
        head = f"{theme.number:>2}  {theme.size:,} answer{'s' if theme.size != 1 else ''}  "
        click.echo(head + _cut(" · ".join(theme.terms) or "(no distinctive base form)", width - len(head)))
        for answer, copies in list(zip(theme.typical, theme.copies, strict=True))[: themes.TYPICAL]:
            same = f" × {copies}" if copies > 1 else ""
            click.echo(f"    «{_cut(' '.join(answer.text.split()), width - 6 - len(same))}»{same}")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)].rstrip() + "…"


def _as_json(grouping, made) -> dict:
    out = {
        "source": grouping.title,
        "answers": grouping.answers,
        "not_embedded": grouping.not_embedded,
        "k": grouping.k,
        "k_chosen_by": grouping.chosen,
        "silhouettes": {str(k): round(v, 4) for k, v in grouping.silhouettes.items()},
        "themes": [
            {
                "number": t.number,
                "size": t.size,
                "terms": t.terms,
                "label": t.proposed_label(),
                "typical": [
                    {"segment": s.id, "text": s.text.strip(), "copies": n}
                    for s, n in zip(t.typical, t.copies, strict=True)
                ],
                "edge": [{"segment": s.id, "text": s.text.strip()} for s in t.edge],
                "members": t.members,
            }
            for t in grouping.themes
        ],
    }
    if made is not None:
        out["made"] = {"code": made.code.id, "label": made.code.label, "suggestions": made.suggestions}
    return out
