"""Suggestion speed (issue 5), each figure beside bare spaCy doing the same kind of work in the same run.

Run on demand:  python -m tests.bench.bench_suggest [--answers N] [--decisions N]

A temporary project gets N generated survey answers (our own words, tests/bench/bench_import.py) and the PPT
codebook, and its NLP cache is filled first (not timed as suggestion work). Then:

1. one segment: ``Suggester.for_segment`` (rules + learned layer from the cached annotation, plus the similar coded
   segments) for 300 segments, median and 95th percentile — beside bare ``nlp(text)`` of the same segments, which is
   what suggesting without the cache would cost at least. Goal: under 20 ms.
2. batch: scoring every answer and saving the suggestions above threshold, as ``coder suggest`` does — beside bare
   ``nlp.pipe`` over the same texts. Goal: 10,000 answers under 30 s on 2 cores.
3. retraining on D decisions (codings and rejections of the rule layer's best suggestion, 3 in 4 accepted):
   ``coder.suggest.service.retrain`` (3 calibration folds + the final model, saved in the project) — beside a bare spaCy
   ``textcat_multilabel`` with the same bag-of-words model updated for the same epochs on the same feature docs.
   Goal: 2,000 decisions under 60 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from coder.codebook.files import load_codebook
from coder.ingest.service import import_survey
from coder.nlp import annotate as ann
from coder.store import Project
from coder.suggest import learned
from coder.suggest import service as suggesting
from coder.suggest.features import features
from tests.bench.big_project import REPO, _survey


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=2_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        survey = folder / "svar.csv"
        _survey(survey, args.answers, random.Random(11))
        project = Project.create(folder / "bench.coder")
        with project.transaction():
            project.merge_codebook(load_codebook(REPO / "codebooks" / "ppt.yaml"))
        import_survey(project, survey, "respondent", ["svar"], ["tjenestetype", "landsdel"], coder="bench")
        loaded = ann.load()
        nlp, splitter = loaded.nlp, ann.splitter()
        segments = list(project.segment_texts())
        texts = [s.text for s in segments]
        print(f"{len(segments):,} answers, pipeline {loaded.name} {loaded.version}")
        started = time.perf_counter()
        ann.refresh(project, nlp, ann.loaded_key(loaded), splitter)
        print(f"NLP cache filled in {time.perf_counter() - started:.1f} s (not part of the figures below)")

        # 2. batch, first (it is what a user runs before anything is decided)
        started = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
        bare_batch = time.perf_counter() - started
        suggester = suggesting.Suggester(project, splitter)
        started = time.perf_counter()
        kept = []
        for i in range(0, len(segments), 500):
            chunk = segments[i : i + 500]
            for seg, scores in zip(chunk, suggester.score_segments(project, chunk), strict=True):
                kept += [(seg.id, s.code_id, s.score, suggesting.evidence_of(s)) for s in scores if s.above]
        with project.transaction():
            project.save_open_suggestions(kept)
        ours_batch = time.perf_counter() - started
        print(
            f"batch: {len(segments):,} answers scored and {len(kept):,} suggestions saved in {ours_batch:.1f} s; "
            f"bare nlp.pipe of the same texts ({tokens:,} tokens) {bare_batch:.1f} s; "
            f"ratio {ours_batch / bare_batch:.2f}"
        )

        # 3. retraining on decisions
        rng = random.Random(5)
        chosen = rng.sample(segments, min(args.decisions, len(segments)))
        made = 0
        with project.transaction():
            for seg, scores in zip(chosen, suggester.score_segments(project, chosen), strict=True):
                if not scores:
                    continue
                best = scores[0]
                if rng.random() < 0.75:
                    project.add_coding(seg.source_id, seg.start, seg.end, best.code_id, "bench", "suggested")
                else:
                    project.decide_suggestion(seg.id, best.code_id, "rejected", "bench", best.score, {})
                made += 1
                if made >= args.decisions:
                    break
        items = suggesting.training_data(project)
        codes = [c.id for c in project.codebook().codes]
        words = [features(i.text, i.annotation) for i in items]
        bare = learned.LearnedLayer(codes)
        started = time.perf_counter()
        bare.train([learned.Item(w, i.labels) for w, i in zip(words, items, strict=True)])
        bare_train = time.perf_counter() - started
        started = time.perf_counter()
        report = suggesting.retrain(project, splitter)
        ours_train = time.perf_counter() - started
        print(
            f"retrain: {report.decisions:,} decisions on {report.items:,} segments in {ours_train:.1f} s "
            f"({len(report.known)} codes learned); bare textcat_multilabel, "
            f"{learned.epochs_for(len(items))} epochs, one model: "
            f"{bare_train:.1f} s; ratio {ours_train / bare_train:.2f} (ours trains 4 models: 3 folds + final)"
        )

        # 1. one segment, with the retrained model and similar coded segments
        suggester.reload(project)
        sample = rng.sample(segments, 300)
        ours, bare_one = [], []
        for seg in sample:
            started = time.perf_counter()
            suggester.for_segment(project, seg.id)
            ours.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            nlp(seg.text)
            bare_one.append((time.perf_counter() - started) * 1000)

        def p(values: list[float], q: float) -> float:
            return statistics.quantiles(values, n=100)[int(q) - 1]

        print(
            f"one segment: median {statistics.median(ours):.1f} ms, p95 {p(ours, 95):.1f} ms, max {max(ours):.1f} ms; "
            f"bare nlp(text) median {statistics.median(bare_one):.1f} ms, p95 {p(bare_one, 95):.1f} ms"
        )
        project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
