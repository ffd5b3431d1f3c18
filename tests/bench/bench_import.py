"""Import speed: 1,000,000 words of generated transcripts.

Run on demand:  python -m tests.bench.bench_import [--words N]

Prints words per second for ``coder`` (read files, detect encoding and
speakers, save sources, segments and the FTS index in one transaction) and for
a plain baseline in the same run: raw ``sqlite3`` ``executemany`` of the same
source, segment and FTS rows into the same schema, with the parsing already
done. The ratio is what to compare between machines.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from coder.ingest.service import import_files, read_files
from coder.store import Project
from coder.store.base import _statements
from coder.store.migrations import MIGRATIONS

WORDS = (
    "vi har fått flere henvisninger enn før og ventetiden øker fordi det er for få årsverk i tjenesten "
    "samarbeidet med skolene og barnehagene er godt men vi rekker ikke å være tett på slik vi ønsker "
    "kompetanseløftet har gitt oss et felles språk om inkluderende praksis og systemrettet arbeid "
    "sakkyndige vurderinger tar mye tid og rektorene forventer at vi kommer raskt på banen"
).split()


def generate(folder: Path, total_words: int, words_per_file: int = 10_000, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    written = 0
    n = 0
    while written < total_words:
        n += 1
        lines = ["---", f"tittel: Generert {n:03d}", "tjenestetype: Kommunal", "---", ""]
        in_file = 0
        turn = 0
        while in_file < words_per_file:
            speaker = "I" if turn % 2 == 0 else "IP"
            length = rng.randint(5, 15) if speaker == "I" else rng.randint(20, 160)
            lines.append(f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(length)) + ".")
            lines.append("")
            in_file += length
            turn += 1
        path = folder / f"generert-{n:03d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
        written += in_file
    return paths


def baseline(db: Path, items) -> float:
    """Raw sqlite3: the same rows, pre-parsed, executemany in one transaction."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    source_rows = [
        (i + 1, it.kind, it.name, it.text, it.content_hash(), "2026-01-01", "{}") for i, it in enumerate(items)
    ]
    seg_rows, fts_rows = [], []
    for i, it in enumerate(items):
        for k, s in enumerate(it.segments):
            body = it.text[s.start : s.end]
            seg_id = len(seg_rows) + 1
            seg_rows.append((seg_id, i + 1, k, s.start, s.end, s.speaker, len(body.split())))
            fts_rows.append((seg_id, body))
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO source (id, kind, name, text, hash, imported_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?)", source_rows
    )
    conn.executemany(
        'INSERT INTO segment (id, source_id, ordinal, start, "end", speaker, words) VALUES (?, ?, ?, ?, ?, ?, ?)',
        seg_rows,
    )
    conn.executemany("INSERT INTO segment_fts (rowid, text) VALUES (?, ?)", fts_rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = generate(folder, args.words)
        items = read_files(paths)  # for the baseline's rows; not timed
        words = sum(len(it.text[s.start : s.end].split()) for it in items for s in it.segments)
        segments = sum(len(it.segments) for it in items)

        t_base = baseline(folder / "baseline.db", items)

        t0 = time.perf_counter()
        with Project.create(folder / "bench.coder") as project:
            import_files(project, paths, coder="bench")
            stored = project.stats()["words"]
        t_coder = time.perf_counter() - t0
        assert stored == words, (stored, words)

    print(f"corpus: {len(paths)} files, {segments:,} turns, {words:,} words")
    print(f"raw sqlite3 executemany (pre-parsed rows): {t_base:6.2f} s  {words / t_base:>12,.0f} words/s")
    print(f"coder import (read + parse + save)      : {t_coder:6.2f} s  {words / t_coder:>12,.0f} words/s")
    print(f"ratio coder / raw: {t_base / t_coder:.2f}  (goal: at least 0.33)")


if __name__ == "__main__":
    main()
