"""The anonymisation check on the planted set (tests/fixtures/anon): recall per kind and precision.

Run on demand:  python -m tests.bench.eval_anon [--model PATH|blank|default]

The transcripts there are invented; ``gold.json`` lists every identifier planted in them. An identifier
counts as found when a candidate hit (of any kind) overlaps one of its occurrences in its file. Precision
is over what the researcher reviews: the share of candidates (one per identifier text) with a hit on a
planted identifier. ``--model blank`` is spaCy's blank ``nb`` (pattern kinds only); ``default`` the loading
order of coder.nlp.loading (the bundled pipeline when it is there).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from coder.anonymise.check import run_check
from coder.anonymise.detect import PATTERN_KINDS
from coder.imports import import_files
from coder.store import Project

PLANTED = Path(__file__).resolve().parent.parent / "fixtures" / "anon"


def gold() -> dict:
    return json.loads((PLANTED / "gold.json").read_text(encoding="utf-8"))


def evaluate(nlp, folder: Path | None = None) -> dict:
    """Import the planted transcripts into a fresh project, run the check, score it against the gold list."""
    data = gold()
    files = sorted(PLANTED / name for name in data["files"])
    with tempfile.TemporaryDirectory() as tmp, Project.create(Path(folder or tmp) / "anon.coder") as project:
        import_files(project, files, coder="eval")
        names = {sid: name for sid, name, _ in project.anon_sources()}
        texts = {name: text for _, name, text in project.anon_sources()}
        started = time.perf_counter()
        candidates = run_check(project, nlp)
        seconds = time.perf_counter() - started
    planted: list[dict] = []
    for file, items in data["files"].items():
        source = Path(file).stem
        text = texts[source]
        for item in items:
            spans = _find_all(text, item["text"])
            assert spans, f"{file}: {item['text']!r} is not in the imported text"
            planted.append({**item, "source": source, "spans": spans, "found": False, "kind_ok": False})
    hits_by_source: dict[str, list] = {}
    for cand in candidates:
        for hit in cand.hits:
            hits_by_source.setdefault(names[hit.source_id], []).append(hit)
    for item in planted:
        for hit in hits_by_source.get(item["source"], []):
            if any(hit.start < e and s < hit.end for s, e in item["spans"]):
                item["found"] = True
                item["kind_ok"] |= _same_kind(hit.kind, item["kind"])
    true_candidates = 0
    false_positives = []
    for cand in candidates:
        good = any(
            any(h.start < e and s < h.end for s, e in item["spans"])
            for h in cand.hits
            for item in planted
            if item["source"] == names[h.source_id]
        )
        true_candidates += good
        if not good:
            false_positives.append(f"{cand.kind}:{cand.text}")
    per_kind: dict[str, list[int]] = {}
    for item in planted:
        found, total = per_kind.setdefault(item["kind"], [0, 0])
        per_kind[item["kind"]] = [found + item["found"], total + 1]
    pattern = [i for i in planted if i["kind"] in PATTERN_KINDS]
    return {
        "planted": len(planted),
        "recall": sum(i["found"] for i in planted) / len(planted),
        "recall_pattern_kinds": sum(i["found"] for i in pattern) / len(pattern),
        "recall_same_kind": sum(i["kind_ok"] for i in planted) / len(planted),
        "per_kind": {k: (f, t, f / t) for k, (f, t) in sorted(per_kind.items())},
        "candidates": len(candidates),
        "precision": true_candidates / len(candidates) if candidates else 1.0,
        "missed": [f"{i['source']}: {i['kind']}:{i['text']}" for i in planted if not i["found"]],
        "false_positives": false_positives,
        "seconds": seconds,
    }


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(needle)
    while at != -1:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def _same_kind(found: str, planted: str) -> bool:
    places = {"LOC", "GPE"}
    return found == planted or (found in places and planted in places)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="a pipeline folder or package, 'blank' or 'default'")
    args = parser.parse_args()
    if args.model == "blank":
        import spacy

        nlp, name = spacy.blank("nb"), "blank nb"
    else:
        from coder.nlp.loading import load_pipeline

        loaded = load_pipeline(None if args.model == "default" else args.model)
        nlp, name = loaded.nlp, f"{loaded.name} {loaded.version} ({loaded.origin})"
    result = evaluate(nlp)
    print(f"pipeline: {name}; {result['planted']} planted identifiers; check took {result['seconds']:.2f} s")
    for kind, (found, total, share) in result["per_kind"].items():
        print(f"  {kind:<8} recall {share:5.2f}  ({found}/{total})")
    print(f"  overall  recall {result['recall']:5.2f}   pattern kinds {result['recall_pattern_kinds']:.2f}   "
          f"same kind {result['recall_same_kind']:.2f}")  # fmt: skip
    print(f"  precision {result['precision']:.2f} ({result['candidates']} candidates)")
    if result["missed"]:
        print("missed:", "; ".join(result["missed"]))
    if result["false_positives"]:
        print("not planted:", "; ".join(result["false_positives"]))


if __name__ == "__main__":
    main()
