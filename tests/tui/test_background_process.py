"""The background analysis runs as a process of its own (issue 21: in a thread it doubled the time of every key while
it annotated a large survey): the screen reads its progress, ctrl+g stops the process and starts it again where it
stopped, a failure is a notification, and quitting leaves no process behind."""

from __future__ import annotations

import asyncio
import os
import subprocess

from coder.store import Project
from coder.tui.app import CoderApp
from coder.tui.widgets import annotate_progress
from coder.tui.widgets.annotate_progress import Analysis
from tests.conftest import survey_project

ANSWERS = [f"Ventetiden hos PPT var {n} måneder, og samarbeidet med skolene ble bedre etter kurset." for n in range(40)]


def _run(path, script, monkeypatch, notes=None):
    children: list[subprocess.Popen] = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        child = real(*args, **kwargs)
        children.append(child)
        return child

    monkeypatch.setattr(annotate_progress.subprocess, "Popen", popen)

    async def main():
        app = CoderApp(path, coder="test")
        app.background_analysis = True
        if notes is not None:
            app.notify = lambda message, **kw: notes.append((message, kw.get("title")))
        messages: list = []
        async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
            await pilot.pause()
            result = await script(app, pilot, messages, children)
        return result

    return asyncio.run(main()), children


async def _until(pilot, condition, seconds: float = 90) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never came true")


def test_the_analysis_runs_in_a_child_process_and_fills_the_cache(tmp_path, monkeypatch):
    survey_project(tmp_path, ANSWERS).close()

    async def script(app, pilot, messages, children):
        await _until(pilot, lambda: any(isinstance(m, Analysis.Finished) for m in messages))
        await pilot.press("j")  # the screen answers
        await app.workers.wait_for_complete()
        return [type(m).__name__ for m in messages if isinstance(m, (Analysis.Ready, Analysis.Finished))]

    seen, children = _run(tmp_path / "p.coder", script, monkeypatch)
    assert seen == ["Ready", "Finished"]
    assert len(children) == 1 and children[0].pid != os.getpid() and children[0].returncode == 0
    with Project.open(tmp_path / "p.coder") as project:
        key = project.conn.execute("SELECT DISTINCT model FROM segment_nlp").fetchall()
        assert len(key) == 1
        fresh, total = project.nlp_coverage(key[0][0])
        assert fresh == total == len(ANSWERS)


def test_ctrl_g_stops_the_process_and_starts_it_again(tmp_path, monkeypatch):
    survey_project(tmp_path, ANSWERS * 15).close()  # 600 answers: a few seconds of work, stopped part-way
    notes: list = []

    async def script(app, pilot, messages, children):
        await _until(pilot, lambda: any(isinstance(m, Analysis.Advanced) for m in messages))
        await pilot.press("ctrl+g")
        await _until(pilot, lambda: children[0].poll() is not None, 30)
        await app.workers.wait_for_complete()
        with Project.open(app.path) as project:
            done = project.conn.execute("SELECT count(*) FROM segment_nlp").fetchone()[0]
        await pilot.press("ctrl+g")
        readies = lambda: [m for m in messages if isinstance(m, Analysis.Ready)]  # noqa: E731
        await _until(pilot, lambda: len(readies()) == 2)
        await _until(pilot, lambda: any(isinstance(m, Analysis.Finished) for m in messages))
        await app.workers.wait_for_complete()
        return done, readies()[1].stale

    (done, left), children = _run(tmp_path / "p.coder", script, monkeypatch, notes)
    assert 0 < done < 600 and left == 600 - done  # stopped part-way; started again on what was missing only
    assert len(children) == 2 and children[1].returncode == 0
    said = [n for n, _ in notes]
    assert any("paused" in n for n in said) and any("goes on" in n for n in said)
    with Project.open(tmp_path / "p.coder") as project:
        assert project.conn.execute("SELECT count(*) FROM segment_nlp").fetchone()[0] == 600


def test_the_processs_warning_and_its_failure_are_notifications(tmp_path, monkeypatch):
    survey_project(tmp_path, ANSWERS[:3]).close()
    with Project.open(tmp_path / "p.coder") as project, project.transaction():
        project.set_setting("nlp_model", "nb_core_news_xx")  # not installed: the bundled pipeline, with a warning
    notes: list = []

    async def script(app, pilot, messages, children):
        await _until(pilot, lambda: any(isinstance(m, Analysis.Finished) for m in messages))
        await app.workers.wait_for_complete()
        return None

    _run(tmp_path / "p.coder", script, monkeypatch, notes)
    [(message, title)] = notes
    assert "nb_core_news_xx" in message and title.startswith("Text analysis: ")

    class Broken:  # a child that dies at once, saying nothing
        executable = "false"

    monkeypatch.setattr(annotate_progress, "sys", Broken)
    notes.clear()

    async def fails(app, pilot, messages, children):
        await _until(pilot, lambda: bool(notes))
        await app.workers.wait_for_complete()
        return None

    _run(tmp_path / "p.coder", fails, monkeypatch, notes)
    assert notes == [("the background analysis ended with code 1", "Text analysis stopped; what was done is kept")]


def test_quitting_leaves_no_process_behind(tmp_path, monkeypatch):
    survey_project(tmp_path, ANSWERS).close()

    async def script(app, pilot, messages, children):
        await _until(pilot, lambda: bool(children))
        return None

    _, children = _run(tmp_path / "p.coder", script, monkeypatch)
    assert children[0].wait(timeout=30) is not None
