"""A large generated project for the TUI benchmarks: 100 timed transcripts of 10,000 words, one of
20,000 words, 5,000 survey answers with attributes, the PPT codebook and a few hundred codings.

Built through the real import path and cached beside a small JSON of its parameters, so a second run
of the benchmark starts at once.  The words are our own (tests/bench/bench_import.py's WORDS).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from coder.codebook.files import load_codebook
from coder.coding import service as editing
from coder.ingest.service import import_files, import_survey
from coder.store import Project
from tests.bench.bench_import import WORDS

REPO = Path(__file__).resolve().parents[2]
LONG = "Langt intervju"


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _transcript(path: Path, title: str, words: int, rng: random.Random, kind: str) -> None:
    lines = ["---", f"tittel: {title}", f"tjenestetype: {kind}", "---", ""]
    written, turn, at = 0, 0, 5
    while written < words:
        speaker = "Intervjuer" if turn % 2 == 0 else "PP-leder"
        length = rng.randint(5, 15) if turn % 2 == 0 else rng.randint(20, 160)
        sentence = " ".join(rng.choice(WORDS) for _ in range(length))
        lines += [f"[{_clock(at)}] {speaker}: {sentence.capitalize()}.", ""]
        written += length
        at += length // 2 + 3
        turn += 1
    path.write_text("\n".join(lines), encoding="utf-8")


def _survey(path: Path, answers: int, rng: random.Random) -> None:
    kinds = ["Kommunal", "Interkommunal", "Fylkeskommunal"]
    regions = ["Nord", "Midt", "Vest", "Sør", "Øst"]
    rows = ["respondent;tjenestetype;landsdel;svar"]
    for n in range(1, answers + 1):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60)))
        rows.append(f"R{n:05d};{rng.choice(kinds)};{rng.choice(regions)};{text.capitalize()}.")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def build(
    path: Path,
    transcripts: int = 100,
    words: int = 10_000,
    answers: int = 5_000,
    long_words: int = 20_000,
    seed: int = 7,
) -> Path:
    """The project file at ``path``; reused when it was built with the same parameters."""
    params = {"transcripts": transcripts, "words": words, "answers": answers, "long": long_words, "seed": seed}
    sidecar = path.with_suffix(".json")
    if path.exists() and sidecar.exists() and json.loads(sidecar.read_text()) == params:
        return path
    for stale in (path, sidecar, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    rng = random.Random(seed)
    folder = path.parent / (path.stem + "-files")
    folder.mkdir(parents=True, exist_ok=True)
    kinds = ["Kommunal", "Interkommunal", "Fylkeskommunal"]
    files = []
    for n in range(1, transcripts + 1):
        files.append(folder / f"intervju-{n:03d}.txt")
        _transcript(files[-1], f"Intervju {n:03d}", words, rng, kinds[n % 3])
    files.append(folder / "langt-intervju.txt")
    _transcript(files[-1], LONG, long_words, rng, "Kommunal")
    survey = folder / "skoleledere.csv"
    _survey(survey, answers, rng)
    with Project.create(path) as project:
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
        import_files(project, files, coder="bench")
        import_survey(project, survey, "respondent", ["svar"], ["tjenestetype", "landsdel"], coder="bench")
        codes = [c.id for c in project.codebook().codes]
        spans = []
        for source in project.sources():
            for seg in project.segments(source.id)[1:40:3]:
                spans.append((source.id, seg.start, seg.end, rng.choice(codes)))
        for code in codes:
            mine = [(s, a, b) for s, a, b, c in spans if c == code]
            if mine:
                editing.code_spans(project, mine, code, "bench")
    sidecar.write_text(json.dumps(params))
    return path
