"""Every command of the app in the command palette (ctrl+p), in one provider.

What the palette offers is what the screen under it can do: the coding screen's commands below (each one shown
only where its action exists), every binding of the screen itself (its BINDINGS, with their tooltips: the
Tables and retrieval screens' «export», a dialog's keys), so a key added to a screen is in the palette without
a line here, and the ways to get to an export from the coding screen («Export quotes of a code» opens retrieval
and its export dialog)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

#: (name, help, action on the app or screen)
COMMANDS: list[tuple[str, str, str]] = [
    ("Search all sources", "words and lemmas, ~ by meaning too; Enter jumps, a codes all hits (/)", "screen.search"),
    ("Retrieve coded passages", "every passage of the selected code, filtered by attributes (r)", "screen.retrieve"),
    (
        "More like this",
        "passages most like the coding in focus (in retrieval: the passage) not yet coded with its code (M)",
        "screen.more_like_this",
    ),
    (
        "Themes in a survey question",
        "a question's answers grouped by meaning; a theme becomes a code, its answers suggestions (t in Sources)",
        "screen.themes",
    ),
    (
        "Anonymisation check",
        "names, places, phone numbers, fødselsnummer … that slipped through; dismiss or pseudonymise (A)",
        "screen.anonymisation_check",
    ),
    (
        "Tables for the report",
        "code frequencies, codes × attribute with n and percent, co-occurrence; export .xlsx .csv .md (T)",
        "screen.tables",
    ),
    (
        "Whose codings",
        "show everyone's codings, one coder's, or where two coders differ (w)",
        "screen.coder_view",
    ),
    (
        "Intercoder agreement",
        "per code and overall: percent, Cohen's kappa, Krippendorff's alpha, spans, characters (I)",
        "screen.agreement",
    ),
    (
        "Consensus",
        "walk the coders' disagreements one by one: a/b take a coder's, k both, n neither, u undo (C)",
        "screen.consensus",
    ),
    (
        "Review suggestions",
        "the queue of suggestions one by one: a accept, x reject, space skip, u undo (R)",
        "screen.review",
    ),
    (
        "Accept the suggestion",
        "the highlighted one in the Suggested panel, for the segment at the cursor (a)",
        "screen.accept_suggestion",
    ),
    ("Reject the suggestion", "never suggested again for this segment (x)", "screen.reject_suggestion"),
    (
        "Next suggestion",
        "move the highlight in the Suggested panel (; or ctrl+↓, ctrl+↑ back)",
        "screen.next_suggestion",
    ),
    (
        "Accept all suggestions above the threshold in this source",
        "asks first, says how many; one action (ctrl+a)",
        "screen.accept_all",
    ),
    ("Pick a code for the selection", "fuzzy code picker (c)", "screen.pick"),
    ("Code in vivo", "a new code named by the selected words (v)", "screen.in_vivo"),
    ("Remove the coding at the cursor", "(delete, backspace)", "screen.uncode"),
    ("Change the code of the coding at the cursor", "(e)", "screen.recode"),
    ("Memo", "on the coding, segment, source or code in focus (m)", "screen.memo"),
    ("Mark as candidate quote", "the coding at the cursor (*)", "screen.quote"),
    ("Undo", "the last action, also after a restart (u)", "screen.undo"),
    ("Redo", "(ctrl+r)", "screen.redo"),
    ("New code", "under the selected code (n in the codebook)", "screen.new_code"),
    ("New top-level code", "(N in the codebook)", "screen.new_top_code"),
    ("Rename code", "the selected code (e in the codebook)", "screen.rename_code"),
    ("Describe code", "the selected code's description (d in the codebook)", "screen.describe_code"),
    ("Recolour code", "(c in the codebook)", "screen.recolour_code"),
    ("Move code under another", "(M in the codebook)", "screen.move_code"),
    ("Merge code into another", "codings follow (g in the codebook)", "screen.merge_code"),
    ("Delete code", "asks first, says how many codings go (x in the codebook)", "screen.delete_code"),
    ("Pin code to a number key", "(p in the codebook)", "screen.pin_code"),
    ("Filter sources", "by words or key=value (f)", "screen.filter"),
    ("Import files", "interviews and documents: .txt .md .docx .vtt .srt", "app.import_files"),
    ("Import a survey", "open-text answers from .csv or .xlsx; you confirm the columns", "app.import_survey"),
    ("Load a codebook", "YAML or JSON; adds and updates codes by id", "app.load_codebook"),
    ("Toggle light / dark theme", "(ctrl+t)", "app.toggle_dark"),
    (
        "Pause or resume the background analysis",
        "lemmas and embeddings; what is done is kept (ctrl+g)",
        "app.pause_background",
    ),
    ("Help: every key", "(?)", "app.help"),
    ("Quit", "(q)", "app.quit"),
]


#: commands that open another screen and act there: (name, help, action here, action on the screen it opens)
THEN: list[tuple[str, str, str, str]] = [
    (
        "Export quotes of a code",
        "the passages of the selected code as quotes: .docx .md .csv .xlsx (r, then e)",
        "screen.retrieve",
        "export",
    ),
    (
        "Export a table for the report",
        "code frequencies, codes × attribute, co-occurrence: .xlsx .csv .md (T, then e)",
        "screen.tables",
        "export",
    ),
]

#: what only the command line writes, so that «export» finds it here too (selecting one shows the command)
ELSEWHERE: list[tuple[str, str]] = [
    ("Export the project for another program (REFI-QDA .qdpx)", "coder export refi PROJECT -o ppt.qdpx"),
    ("Export a report chapter (.docx: tables, charts, quotes)", "coder export chapter PROJECT --code ID -o kap.docx"),
    ("Export respondent × code for SPSS, Stata, R", "coder export matrix PROJECT -o matrise.xlsx"),
]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: object  # a no-argument callable the palette calls later (awaited if it is a coroutine function)


def _has_action(screen: Screen, action: str) -> bool:
    """An app action anywhere; a screen action (the coding screen's commands) on the coding screen."""
    from coder.tui.screens.main import MainScreen

    namespace, _, name = action.rpartition(".")
    return namespace != "screen" or (isinstance(screen, MainScreen) and hasattr(screen, f"action_{name}"))


def _bindings(screen: Screen) -> Iterator[Binding]:
    seen: set[str] = set()
    for bindings in screen._bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.description and binding.action not in seen:
                seen.add(binding.action)
                yield binding


def _start_then(app, first: str, then: str) -> None:
    """Its own task: the screen it waits for is mounted and focused by the app's queue, which this must not hold."""
    app.run_worker(_then(app, first, then), group="palette", exit_on_error=False)


async def _then(app, first: str, then: str) -> None:
    """Run ``first`` (it opens a screen), wait until that screen has loaded (its workers done), run ``then`` on it."""
    before = app.screen
    await app.run_action(first, before)
    for _ in range(100):
        if app.screen is not before:
            break
        await asyncio.sleep(0.02)
    else:
        return  # it did not open (it said why, e.g. «Choose a code in the codebook first»)
    screen = app.screen
    mounted = asyncio.get_running_loop().create_future()
    screen.call_later(mounted.set_result, None)  # queued behind its mount: runs once on_mount has run
    await mounted
    loading = [w for w in app.workers if w.node is screen]
    if loading:  # (an empty list would wait for every worker, this one too)
        await app.workers.wait_for_complete(loading)
    for _ in range(50):  # the focus on_mount asked for arrives a moment later (an input's focus refuses keys)
        if screen.check_action(then, ()):
            break
        await asyncio.sleep(0.02)
    if app.screen is screen:
        await app.run_action(then, screen)


def commands(app, screen: Screen) -> list[Command]:
    """What the palette offers over ``screen``."""
    out = [
        Command(name, text, partial(app.run_action, action, screen))
        for name, text, action in COMMANDS
        if _has_action(screen, action)
    ]
    out += [
        Command(name, text, partial(_start_then, app, first, then))
        for name, text, first, then in THEN
        if _has_action(screen, first)
    ]
    covered = {action.rpartition(".")[2] for _, _, action in COMMANDS if _has_action(screen, action)}
    for binding in _bindings(screen):
        if binding.action.rpartition(".")[2] in covered:
            continue
        key = app.get_key_display(binding)
        text = f"{binding.tooltip} ({key})" if binding.tooltip else f"({key})"
        out.append(Command(binding.description[:1].upper() + binding.description[1:], text,
                           partial(app.run_action, binding.action, screen)))  # fmt: skip
    out += [
        Command(name, f"on the command line: {line}", partial(app.notify, line, title=name, timeout=10))
        for name, line in ((n, text.replace("PROJECT", str(app.path))) for n, text in ELSEWHERE)
    ]
    return out


class CoderCommands(Provider):
    async def discover(self) -> Hits:
        for command in commands(self.app, self.screen):
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in commands(self.app, self.screen):
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
