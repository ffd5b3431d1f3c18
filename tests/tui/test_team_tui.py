"""Coding as a team in the coding screen: whose codings (w), agreement (I), consensus (C), the palette, a snapshot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from coder.coding import service as editing
from coder.store import Project
from coder.team import consensus as cons
from coder.tui.app import CoderApp
from coder.tui.screens.agreement import AgreementScreen
from coder.tui.screens.consensus import ConsensusScreen
from coder.tui.screens.main import MainScreen
from tests.tui.pilot import drive, keys


def seed(path: Path) -> None:
    """kari and ola code the first interview's first six turns: alike on turns 0-1, differently on 2-5."""
    with Project.open(path) as p:
        src = p.sources()[0]
        segs = p.segments(src.id)[:6]
        plan = {
            "kari": ["kapasitet", "kapasitet", "kapasitet", None, "samarbeid", "mandat"],
            "ola": ["kapasitet", "kapasitet", None, "kapasitet", "mandat", "mandat"],
        }
        for coder, codes in plan.items():
            for seg, code_id in zip(segs, codes, strict=True):
                if code_id:
                    editing.code_spans(p, [(src.id, seg.start, seg.end)], code_id, coder)


def test_whose_codings_one_coder_and_the_differences(project_path):
    seed(project_path)

    async def script(app, pilot):
        main = app.screen
        assert {c.coder for c in main.reader.shown.codings} == {"kari", "ola"}
        await keys(pilot, "w")
        # everyone, only kari, only ola, then the differences
        await keys(pilot, "down", "enter")
        shown = main.reader.shown.codings
        assert {c.coder for c in shown} == {"kari"} and len(shown) == 5
        assert "only kari" in str(app.screen.query_one("#reader-pane").border_title)
        await keys(pilot, "w", "home", "down", "down", "down", "enter")
        diff = main.reader.shown.codings
        # turns 0, 1 and 5 are alike: the differences are kari's turns 2 and 4, ola's turns 3 and 4
        assert sorted((c.coder, c.code_id) for c in diff) == [
            ("kari", "kapasitet"),
            ("kari", "samarbeid"),
            ("ola", "kapasitet"),
            ("ola", "mandat"),
        ]
        assert "kari ≠ ola" in str(app.screen.query_one("#reader-pane").border_title)
        await keys(pilot, "w", "home", "enter")  # everyone again (the list opens on the view shown)
        return main.coder_view.coders, len(main.reader.shown.codings)

    assert drive(project_path, script) == ((), 10)


def test_agreement_view_counts_in_a_worker_and_answers_its_keys(project_path):
    seed(project_path)

    async def script(app, pilot):
        await keys(pilot, "I")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        grid = screen.query_one(DataTable)
        labels = [str(grid.get_row_at(i)[0]) for i in range(grid.row_count)]
        assert labels[-1].startswith("Overall") and "Kapasitet" in labels
        title = str(screen.query_one("#agreement-title").render())
        assert "kari ↔ ola" in title and "α" in title
        units_before = screen.report.overall.units
        await keys(pilot, "u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.units == "all" and screen.report.overall.units > units_before
        await keys(pilot, "o")
        await pilot.press(*"100")  # exact spans
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.overlap == 1.0 and screen.report.overlap == 1.0
        await keys(pilot, "c")
        for _ in range(20):
            await pilot.press("backspace")
        await pilot.press(*"kari,per")
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "no codings by per" in str(screen.query_one("#agreement-info").render())
        await keys(pilot, "escape")
        return isinstance(app.screen, MainScreen)

    assert drive(project_path, script)


def test_consensus_walk_settles_every_disagreement_and_loses_nothing(project_path):
    seed(project_path)
    with Project.open(project_path) as p:
        before = sorted((c.coder, c.source_id, c.start, c.end, c.code_id) for c in p.codings())
        assert len(cons.walk(p, ["kari", "ola"]).items) == 4  # turns 2 and 3 kapasitet, 4 samarbeid and mandat

    async def script(app, pilot):
        await keys(pilot, "C")
        screen = app.screen
        assert isinstance(screen, ConsensusScreen)
        assert "4 left of 4 disagreements" in str(screen.query_one("#consensus-title").render())
        await keys(pilot, "a")  # turn 2 kapasitet: kari's
        await keys(pilot, "s")  # skip turn 3
        await keys(pilot, "u")  # undo kari's: back on turn 2
        assert screen.item.ordinal == 2 and len(screen.walk.open) == 4
        await keys(pilot, "n", "b", "k", "a")  # turn 2 neither, 3 ola's, 4 samarbeid both, 4 mandat kari's (none)
        assert screen.walk.open == [] and "Every disagreement is decided" in str(
            screen.query_one("#consensus-text").render()
        )
        await keys(pilot, "t")  # the agreed passages too
        await keys(pilot, "escape")
        return isinstance(app.screen, MainScreen)

    assert drive(project_path, script)
    with Project.open(project_path) as p:
        after = sorted((c.coder, c.source_id, c.start, c.end, c.code_id) for c in p.codings())
        assert [c for c in after if c[0] != "consensus"] == before  # the coders' codings are all there
        walk = cons.walk(p, ["kari", "ola"])
        assert walk.open == [] and walk.decided == 4 and walk.agreed_recorded == walk.agreed == 3
        assert {c[0] for c in after} == {"kari", "ola", "consensus"}
        kinds = [a["kind"] for a in p.actions() if not a["undone"]]
        assert kinds.count("consensus") == 5  # four decisions and the agreed passages: one action each


def test_team_commands_are_in_the_palette_and_help(project_path):
    seed(project_path)

    async def script(app, pilot):
        await keys(pilot, "ctrl+p")
        await pilot.press(*"Intercoder agreement")
        await pilot.pause(0.3)
        await keys(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        opened = isinstance(app.screen, AgreementScreen)
        await keys(pilot, "escape", "question_mark")
        sections = dict(app.screen.sections)
        coding_keys = {binding.key for binding in sections["Coding"]}
        return opened, {"Agreement (I)", "Consensus (C)"} <= set(sections) and {"w", "I", "C"} <= coding_keys

    opened, in_help = drive(project_path, script)
    assert opened and in_help


def test_consensus_needs_two_coders(project_path):
    async def script(app, pilot):
        await keys(pilot, "C")
        return isinstance(app.screen, MainScreen)

    assert drive(project_path, script)  # a notification, no screen


def test_agreement_view_snapshot(project_path, snap_compare):
    seed(project_path)

    async def open_view(pilot) -> None:
        await pilot.press("I")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(CoderApp(project_path, coder="t"), run_before=open_view, terminal_size=(80, 24))
