"""Coding as a team on the command line: coder whoami, coder merge, coder agreement, coder consensus."""

from __future__ import annotations

import json

import click

from coder.cli.codes import resolve_codes
from coder.cli.common import current_coder, main, open_project, project_path


def _split(values: str) -> list[str]:
    return [v.strip() for v in values.split(",") if v.strip()]


@main.command()
@click.argument("project")
@click.option("--set", "new_name", metavar="NAME", help="Name the coder of this copy of the project.")
@click.option("--clear", is_flag=True, help="Forget the name: --coder, $CODER_NAME or the OS user decide again.")
@click.option("--coder", "coder_name", help="A name for this command only.")
def whoami(project: str, new_name: str | None, clear: bool, coder_name: str | None) -> None:
    """Who codes this copy of PROJECT, and every coder found in it.

    The name is --coder, else the project's setting (--set), else $CODER_NAME, else the OS user."""
    from coder.team import identity

    if new_name and clear:
        raise click.UsageError("use --set NAME or --clear, not both")
    with open_project(project) as proj:
        if new_name or clear:
            identity.set_coder(proj, None if clear else new_name, by=coder_name)
        name = identity.current(proj, coder_name)
        click.echo(f"{name}  ({identity.source_of(proj, coder_name)})")
        activity = proj.coder_activity()
        consensus = identity.consensus_name(proj)
    if activity:
        click.echo("coders in this project:")
        for who, counts in sorted(activity.items(), key=lambda kv: (-kv[1]["codings"], kv[0])):
            parts = [f"{counts[k]} {k}" for k in ("codings", "memos", "decisions", "actions") if counts[k]]
            tag = "  (the agreed coding)" if who == consensus else ""
            click.echo(f"  {who:<20} {', '.join(parts)}{tag}")


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("-o", "--output", "output", required=True, help="The merged project (a new file).")
@click.option(
    "--map-coder",
    "maps",
    multiple=True,
    metavar="OLD=NEW",
    help="Join a coder's two spellings (kari=Kari Nordmann); B:OLD=NEW renames in B only. Repeat for more.",
)
@click.option("--prefer", type=click.Choice(["a", "b"]), help="Whose codebook and values win where the two disagree.")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--coder", "coder_name", help="Who merges (in the log; default: the OS user).")
def merge(
    a: str, b: str, output: str, maps: tuple[str, ...], prefer: str | None, overwrite: bool, as_json: bool,
    coder_name: str | None,
) -> None:  # fmt: skip
    """Bring two copies of a project together in a new file: coder merge A.coder B.coder -o C.coder.

    Sources are matched by content, codes by id, codings of every coder kept side by side (the same span, code
    and coder once); memos, cases, attributes, quotes and decisions come along. Conflicting labels or parents
    stop the merge until --prefer says whose codebook wins; every other difference is reported. A failed merge
    writes nothing."""
    from coder.team.merge_plan import parse_coder_map
    from coder.team.service import merge_projects

    coder_maps = [parse_coder_map(m) for m in maps]
    report = merge_projects(
        project_path(a),
        project_path(b),
        project_path(output, must_exist=False),
        coder_maps,
        prefer,  # type: ignore[arg-type]
        by=current_coder(None, coder_name),
        overwrite=overwrite,
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        return
    for line in report.summary():
        click.echo(line)


@main.command()
@click.argument("project")
@click.option("--coders", required=True, metavar="A,B[,C]", help="The coders to compare (consensus too).")
@click.option("--code", "codes", multiple=True, metavar="CODE", help="Id or label (repeat; default: every code used).")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeat).")
@click.option(
    "--units",
    type=click.Choice(["coded", "all"]),
    default="coded",
    show_default=True,
    help="Segments compared: those some coder coded, or every segment of the sources.",
)
@click.option(
    "--overlap",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.9,
    show_default=True,
    help="Span agreement: the share two codings must overlap (1 = exact spans).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def agreement(
    project: str, coders: str, codes: tuple[str, ...], sources: tuple[str, ...], units: str, overlap: float,
    as_json: bool,
) -> None:  # fmt: skip
    """Intercoder agreement per code and overall: percent, Cohen's kappa, Krippendorff's alpha, span and
    character agreement (docs/team.md defines each)."""
    from coder.team import agreement as agr

    with open_project(project) as proj:
        codes = tuple(resolve_codes(proj, codes))
        report = agr.compute(proj, _split(coders), list(codes) or None, list(sources) or None, units, overlap)  # type: ignore[arg-type]
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        return
    if not report.codes:
        click.echo("nothing to compare: no codings by these coders in the sources compared")
        for line in agr.describe(report):
            click.echo(line)
        return
    header, rows = agr.table_rows(report)
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    widths[0] = min(widths[0], 32)

    def line(cells: list[str]) -> str:
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first.ljust(widths[0]), *rest]).rstrip()

    click.echo(line(header))
    for k, row in enumerate(rows):
        if k == len(rows) - 1:
            click.echo("-" * len(line(header)))
        click.echo(line(row))
    for text in agr.describe(report):
        click.echo(text)


@main.command()
@click.argument("project")
@click.option("--coders", required=True, metavar="A,B[,C]", help="The coders whose disagreements to settle.")
@click.option("--code", "codes", multiple=True, metavar="CODE", help="Only this code: id or label (repeat).")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeat).")
@click.option("--take-agreed", is_flag=True, help="Record every passage the coders agree on as consensus (undoable).")
@click.option("--name", "name", metavar="NAME", help="Record the consensus under this coder name (a setting).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts and open disagreements as JSON.")
@click.option("--coder", "coder_name", help="Who decides (default: the project's coder, else the OS user).")
def consensus(
    project: str, coders: str, codes: tuple[str, ...], sources: tuple[str, ...], take_agreed: bool,
    name: str | None, as_json: bool, coder_name: str | None,
) -> None:  # fmt: skip
    """Where the coders disagree, and how much of it is settled. The walk itself is in the coding screen (C):
    one key per disagreement (a/b take a coder's coding, k both, n neither)."""
    from coder.team import consensus as cons
    from coder.team.identity import CONSENSUS_SETTING, clean

    with open_project(project) as proj:
        by = current_coder(proj, coder_name)
        codes = tuple(resolve_codes(proj, codes))
        if name:
            with proj.action("setting", f"consensus recorded as {clean(name)}", by):
                proj.put_setting(CONSENSUS_SETTING, clean(name))
        taken = 0
        if take_agreed:
            taken = cons.take_agreed(proj, _split(coders), by, list(codes) or None, list(sources) or None)
        state = cons.walk(proj, _split(coders), list(codes) or None, list(sources) or None)
        labels = {c.id: c.label for c in proj.codebook().codes}
    open_items = state.open
    if as_json:
        click.echo(
            json.dumps(
                {
                    "coders": state.coders,
                    "consensus": state.consensus,
                    "agreed": state.agreed,
                    "agreed_recorded": state.agreed_recorded,
                    "disagreements": len(state.items),
                    "decided": state.decided,
                    "open": [
                        {"source": i.source, "segment": i.ordinal + 1, "code": i.code_id, "spans": i.spans}
                        for i in open_items
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if take_agreed:
        click.echo(f"took {taken} agreed passages as consensus ({state.consensus})")
    click.echo(
        f"{state.agreed} passages agreed ({state.agreed_recorded} in the consensus), {len(state.items)} "
        f"disagreements: {state.decided} decided, {len(open_items)} left"
    )
    for item in open_items[:20]:
        who = ", ".join(f"{c} {'✓' if item.applied(c) else '–'}" for c in item.spans)
        click.echo(f"  {item.source} §{item.ordinal + 1}  {labels.get(item.code_id, item.code_id)}: {who}")
    if len(open_items) > 20:
        click.echo(f"  … and {len(open_items) - 20} more: walk them in the coding screen (C)")
    if state.agreed > state.agreed_recorded and not take_agreed:
        click.echo("--take-agreed records the agreed passages as consensus too")
