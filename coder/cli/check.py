"""``coder check``: the anonymisation check on the command line — list candidates, dismiss, pseudonymise."""

from __future__ import annotations

import json
import shutil
import textwrap

import click

from coder.cli.common import current_coder, main, open_project, warn


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
        coder = current_coder(proj, coder_name)
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
                warn("another program has the project open: the old text stays in PROJECT-wal until it closes")
        loaded = anon.load_nlp(proj)
        if loaded.origin == "blank":
            warn("names, places and organisations are not checked: " + (loaded.warning or "no NER"))
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


NAME_WIDTH = 24
SOURCE_WIDTH = 12


def _print_candidates(cands: list, n_sources: int, dismissed: int) -> None:
    """One line a candidate: its text whole (a longer one gets a line of its own, wrapped between words, never
    inside one), the count, the first source and the context around the first hit, cut between words."""
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
        name = " ".join(c.text.split())
        if len(name) > NAME_WIDTH:
            for i, line in enumerate(textwrap.wrap(name, width - 2, break_long_words=False, break_on_hyphens=False)):
                click.echo(f" {flag if i == 0 else ' '}{line}")
            name, flag = "", " "
        head = f" {flag}{name:<{NAME_WIDTH}} {c.count:>3}  {_cut(hit.source_name, SOURCE_WIDTH):<{SOURCE_WIDTH}} "
        click.echo(head + _around(hit.context, hit.text, width - len(head) - 1))
    open_ = [c for c in cands if c.status == "open"]
    tail = f"; {dismissed} dismissed" + ("" if any(c.status != "open" for c in cands) else " (--all lists them)")
    tail = tail if dismissed else ""
    if open_:
        what = "1 candidate" if len(open_) == 1 else f"{len(open_)} candidates"
        click.echo(f"{what} to review in {n_sources} source{'' if n_sources == 1 else 's'}{tail}")
        legend = "? = less certain · " if any(c.confidence == "low" for c in cands) else ""
        click.echo(f"{legend}decide with --dismiss KIND:TEXT or --pseudonymise KIND:TEXT")
    else:
        click.echo(f"no candidates to review in {n_sources} source{'' if n_sources == 1 else 's'}{tail}")


def _cut(text: str, room: int) -> str:
    """``text`` in ``room`` characters: whole, or cut with «…» where it was cut."""
    return text if len(text) <= room else text[: room - 1] + "…"


def _around(context: str, text: str, room: int) -> str:
    """``context`` in at most ``room`` characters around the first ``text`` in it: whole words, grown a word at a
    time on either side, with «…» where it was cut. When ``text`` itself does not fit (it is printed whole in the
    name column), as many of its words as fit."""
    context = " ".join(context.split())
    if len(context) <= room:
        return context
    left = max(context.find(" ".join(text.split())), 0)
    right = left + len(text)

    def width(lo: int, hi: int) -> int:
        return hi - lo + (lo > 0) + (hi < len(context))

    if width(left, right) > room:
        space = context.rfind(" ", left, left + room - 1)
        right = space if space > left else left + room - 2
        return ("…" if left > 0 else "") + context[left:right] + "…"
    grew = True
    while grew:
        grew = False
        if left > 0:
            lo = context.rfind(" ", 0, left - 1) + 1
            if width(lo, right) <= room:
                left, grew = lo, True
        if right < len(context):
            hi = context.find(" ", right + 1)
            hi = len(context) if hi == -1 else hi
            if width(left, hi) <= room:
                right, grew = hi, True
    return ("…" if left > 0 else "") + context[left:right].strip() + ("…" if right < len(context) else "")
