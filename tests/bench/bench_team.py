"""A team in one project at once (issue 20): five sessions and a CLI batch writing to the demo project together.

Run on demand:  python -m tests.bench.bench_team [--actions 150] [--keys 200] [--writers 4]

* Session 1 is the coding screen, in this process (headless, 120×40): it presses ``1`` (code the turn) and ``j``
  (next turn) in turn, and each key's press-to-repaint time is measured as bench_tui measures it.
* Sessions 2–5 are child processes coding through coder's services (``open_for_work`` with a presence row, then
  ``code_spans`` on random turns with a 30 ms pause between actions); each times every write (waits included).
* The batch is ``coder suggest DEMO --apply-above 0.5 --coder batch`` (one big action), started with them.

Afterwards every action each session reported done is looked for in the log (lost = reported − found), the file's
``PRAGMA integrity_check`` is run, and the figures are printed beside a baseline measured in the same run: the same
writers as bare ``sqlite3`` processes (one INSERT into coding and one into action per write, WAL, the same pauses)
on a copy of the project, and the screen's keys on the project with nobody else writing.

Goals: key-press-to-repaint median < 50 ms, no write waiting over 1 s, 0 lost actions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.bench_tui import Watch

SIZE = (120, 40)

CODER_WRITER = """
import json, random, sys, time
from coder.coding import service as editing
from coder.project.service import open_for_work
path, name, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
work = open_for_work(path, name)
project = work.project
turns = [(s.id, g.start, g.end) for s in project.sources() for g in project.segments(s.id)]
codes = [c.id for c in project.codebook().codes]
rng = random.Random(seed)
print("ready", flush=True)
sys.stdin.readline()
waits, done, began = [], 0, time.perf_counter()
for pick in rng.sample(range(len(turns) * len(codes)), n):  # never the same turn and code twice: one action each
    span, code = turns[pick // len(codes)], codes[pick % len(codes)]
    start = time.perf_counter()
    editing.code_spans(project, [span], code, name)
    waits.append(time.perf_counter() - start)
    done += 1
    time.sleep(0.03)
work.close()
print(json.dumps({"name": name, "done": done, "waits": waits, "seconds": time.perf_counter() - began}), flush=True)
"""

BARE_WRITER = """
import json, random, sqlite3, sys, time
path, name, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = sqlite3.connect(path, isolation_level=None, timeout=120)
conn.execute("PRAGMA journal_mode = WAL"); conn.execute("PRAGMA synchronous = NORMAL")
turns = conn.execute("SELECT source_id, start, end FROM segment").fetchall()
codes = [r[0] for r in conn.execute("SELECT id FROM code")]
rng = random.Random(seed)
print("ready", flush=True)
sys.stdin.readline()
waits, done, began = [], 0, time.perf_counter()
for pick in rng.sample(range(len(turns) * len(codes)), n):
    (sid, a, b), code = turns[pick // len(codes)], codes[pick % len(codes)]
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO coding (source_id, start, end, code_id, coder, origin, created_at) "
                 "VALUES (?, ?, ?, ?, ?, 'manual', '2026-01-01')", (sid, a, b, code, name))
    conn.execute("INSERT INTO action (at, coder, kind, payload) VALUES ('2026-01-01', ?, 'code', '{}')", (name,))
    conn.execute("COMMIT")
    waits.append(time.perf_counter() - start)
    done += 1
    time.sleep(0.03)
print(json.dumps({"name": name, "done": done, "waits": waits, "seconds": time.perf_counter() - began}), flush=True)
"""


def start_writers(child: str, path: Path, writers: int, actions: int) -> list[subprocess.Popen]:
    procs = []
    for k in range(writers):
        proc = subprocess.Popen(
            [sys.executable, "-c", child, str(path), f"coder{k + 2}", str(actions), str(k)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        procs.append(proc)
    return procs


def go(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()


def results(procs: list[subprocess.Popen]) -> list[dict]:
    out = []
    for proc in procs:
        text, _ = proc.communicate(timeout=600)
        out.append(json.loads(text.strip().splitlines()[-1]))
    return out


async def screen_keys(path: Path, keys: int, during=None) -> tuple[list[float], list[float], int]:
    """Press ``1`` and ``j`` in turn in the coding screen; (latencies of 1, of j, how many codings it made)."""
    from coder.tui.app import CoderApp

    app = CoderApp(path, "bench")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        source = max(app.project.sources(), key=lambda s: s.n_segments)
        app.screen.open_source(source.id)
        app.screen.reader.focus()
        await pilot.pause()
        watch = Watch(app)
        if during is not None:
            during()
        code_keys, move_keys = [], []
        for k in range(keys):
            if k % 2 == 0:
                code_keys.append(await watch.repaint_after(app, "1"))
            else:
                move_keys.append(await watch.repaint_after(app, "j"))
        for _ in range(60):  # keys kept while the project was busy run once it is free
            if not app._waiting:
                break
            await pilot.pause(0.1)
        mine = app.project.conn.execute(
            "SELECT count(*) FROM action WHERE coder = 'bench' AND kind = 'code' AND undone = 0"
        ).fetchone()[0]
    return code_keys, move_keys, mine


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    median, top = statistics.median(ordered) * 1000, ordered[-1] * 1000
    return f"median {median:6.1f} ms · p95 {p95 * 1000:6.1f} ms · max {top:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=150, help="actions per writer session")
    parser.add_argument("--keys", type=int, default=200, help="keys pressed in the screen")
    parser.add_argument("--writers", type=int, default=4, help="writer sessions beside the screen")
    args = parser.parse_args()

    from coder.demo.service import build_demo
    from coder.store import Project

    folder = Path(tempfile.mkdtemp(prefix="bench-team-"))
    demo = build_demo(folder).path
    bare = folder / "bare.coder"
    alone = folder / "alone.coder"
    shutil.copy(demo, bare)
    shutil.copy(demo, alone)

    # baseline 1: the screen with nobody else writing
    alone_code, alone_move, _ = asyncio.run(screen_keys(alone, args.keys))

    # baseline 2: bare sqlite3 writers doing the same writes, and the batch, on a copy
    procs = start_writers(BARE_WRITER, bare, args.writers, args.actions)
    go(procs)
    bare_out = results(procs)

    # the team: five sessions and the batch at once
    coder = str(Path(sys.executable).with_name("coder"))
    procs = start_writers(CODER_WRITER, demo, args.writers, args.actions)
    batch: list[subprocess.Popen] = []

    def begin() -> None:
        """The batch first, until it has read the project and scores (what it codes then does not depend on how far
        the writers got); then the writers, so that its one big write falls among theirs."""
        batch.append(
            subprocess.Popen(
                [coder, "suggest", str(demo), "--apply-above", "0.5", "--coder", "batch"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        while (line := batch[0].stderr.readline()) and "suggesting" not in line:
            pass
        go(procs)

    code_keys, move_keys, mine = asyncio.run(screen_keys(demo, args.keys, during=begin))
    team_out = results(procs)
    batch_out, batch_err = batch[0].communicate(timeout=600)
    batch_coded = int(re.search(r"coded ([\d,]+) segments", batch_out).group(1).replace(",", "")) if batch_out else -1

    with Project.open(demo) as project:
        found = dict(
            project.conn.execute("SELECT coder, count(*) FROM action WHERE kind = 'code' AND undone = 0 GROUP BY coder")
        )
        batch_actions = project.conn.execute("SELECT count(*) FROM action WHERE coder = 'batch'").fetchone()[0]
        integrity = project.conn.execute("PRAGMA integrity_check").fetchone()[0]
        sessions = project.conn.execute("SELECT count(*) FROM session WHERE ended_at IS NULL AND seen_at IS NOT NULL")
        still_present = sessions.fetchone()[0]
    lost = sum(r["done"] - found.get(r["name"], 0) for r in team_out) + (args.keys // 2 - mine)
    lost += 0 if batch[0].returncode == 0 and batch_actions == (1 if batch_coded > 0 else 0) else 1

    team_waits = [w for r in team_out for w in r["waits"]]
    bare_waits = [w for r in bare_out for w in r["waits"]]
    print(f"demo project, {args.writers} writer sessions × {args.actions} actions, the screen's {args.keys} keys, "
          f"one coder suggest --apply-above batch; {time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip
    print(f"  batch: {batch_out.strip().splitlines()[-1] if batch_out.strip() else batch_err.strip()[-200:]}")
    print("key-press-to-repaint (the coding screen)")
    print(f"  code a turn (1), team    {ms(code_keys)}")
    print(f"  code a turn (1), alone   {ms(alone_code)}")
    print(f"  next turn (j), team      {ms(move_keys)}")
    print(f"  next turn (j), alone     {ms(alone_move)}")
    print("write waits (one action each, waiting for the others included)")
    team_s = max(r["seconds"] for r in team_out)
    bare_s = max(r["seconds"] for r in bare_out)
    print(f"  coder sessions           {ms(team_waits)}   ({len(team_waits)} writes in {team_s:.1f} s)")
    print(f"  bare sqlite3 writers     {ms(bare_waits)}   ({len(bare_waits)} writes in {bare_s:.1f} s)")
    print(f"  over 1 s: coder {sum(w > 1 for w in team_waits)}, bare {sum(w > 1 for w in bare_waits)}")
    print(f"actions: reported {sum(r['done'] for r in team_out)} + screen {args.keys // 2} + batch 1; found "
          f"{sum(found.values())} + batch {batch_actions}; lost {lost}")  # fmt: skip
    print("  by session: " + ", ".join(f"{r['name']} {r['done']}/{found.get(r['name'], 0)}" for r in team_out)
          + f", screen {args.keys // 2}/{mine}")  # fmt: skip
    print(f"integrity_check: {integrity}; presence rows still open after all closed: {still_present}")
    all_keys = code_keys + move_keys
    ok = statistics.median(all_keys) < 0.05 and max(team_waits) <= 1.0 and lost == 0 and integrity == "ok"
    print("goals met" if ok else "GOALS NOT MET")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
