"""The anonymisation check on the planted set (tests/fixtures/anon): recall and precision per kind.

Run on demand:  python -m tests.bench.eval_anon [--model PATH|blank|default]

The transcripts there are invented; ``gold.json`` lists every identifier planted in them (whole words; ``in``
narrows one to the places inside a longer text, so «Per» of «Per sier» is planted and «Per i dag» is not). An
identifier counts as found when a candidate hit (of any kind) overlaps one of its occurrences in its file (a
first name or surname alone, ``of`` a full name: one of its occurrences outside the full name).
Precision is over what the researcher reviews: the share of candidates (one per identifier, with all its hits)
with a hit on a planted identifier — per kind of candidate, overall, and on the oral transcripts alone (``oral``
in gold.json: turn-initial «Altså», capitalised nouns at turn starts, headings, the domain's acronyms). Also
reported: the traps (``not`` in gold.json) that were flagged, and how many lone first names or surnames (``of``)
were listed under their full name's candidate. ``--model blank`` is spaCy's blank ``nb`` (pattern kinds only);
``default`` the loading order of coder.nlp.loading (the bundled pipeline when it is there).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

from coder.anonymise.check import KIND_NAMES, run_check
from coder.anonymise.detect import PATTERN_KINDS
from coder.ingest.service import import_files
from coder.store import Project

PLANTED = Path(__file__).resolve().parent.parent / "fixtures" / "anon"


def gold(planted: Path = PLANTED) -> dict:
    return json.loads((planted / "gold.json").read_text(encoding="utf-8"))


def evaluate(nlp, folder: Path | None = None, planted: Path = PLANTED) -> dict:
    """Import the planted transcripts (``planted``: a folder with gold.json) into a fresh project, run the check,
    score it against the gold list."""
    data = gold(planted)
    files = sorted(planted / name for name in data["files"])
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
            spans = _find_all(text, item["text"], item.get("in"))
            if item.get("of"):  # a first name or surname alone: found only where it stands alone
                full = _find_all(text, item["of"])
                spans = [(s, e) for s, e in spans if not any(fs <= s and e <= fe for fs, fe in full)]
            assert spans, f"{file}: {item['text']!r} is not in the imported text"
            planted.append({**item, "source": source, "spans": spans, "found": False, "kind_ok": False})
    hits_by_source: dict[str, list] = {}
    for cand in candidates:
        for hit in cand.hits:
            hits_by_source.setdefault(names[hit.source_id], []).append((hit, cand))
    for item in planted:
        for hit, _ in hits_by_source.get(item["source"], []):
            if any(hit.start < e and s < hit.end for s, e in item["spans"]):
                item["found"] = True
                item["kind_ok"] |= _same_kind(hit.kind, item["kind"])
    oral = {Path(f).stem for f in data.get("oral", [])}
    judged: dict[str, list[int]] = {}  # candidate kind → [true, all]
    true_candidates = 0
    false_positives = []
    mistyped: list[str] = []  # candidates on a planted identifier, of another kind
    oral_judged = [0, 0]
    for cand in candidates:
        good = any(
            any(h.start < e and s < h.end for s, e in item["spans"])
            for h in cand.hits
            for item in planted
            if item["source"] == names[h.source_id]
        )
        typed = any(
            any(h.start < e and s < h.end for s, e in item["spans"]) and _same_kind(cand.kind, item["kind"])
            for h in cand.hits
            for item in planted
            if item["source"] == names[h.source_id]
        )
        true_candidates += good
        counts = judged.setdefault(cand.kind, [0, 0, 0])
        counts[0] += good
        counts[1] += 1
        counts[2] += typed
        if good and not typed:
            mistyped.append(f"{cand.kind}:{cand.text}")
        if any(names[h.source_id] in oral for h in cand.hits):
            oral_judged[0] += good
            oral_judged[1] += 1
        if not good:
            false_positives.append(f"{cand.kind}:{cand.text}")
    traps = []
    for file, words in data.get("not", {}).items():
        source = Path(file).stem
        for word in words:
            spans = _find_all(texts[source], word)
            if any(any(h.start < e and s < h.end for s, e in spans) for h, _ in hits_by_source.get(source, [])):
                traps.append(f"{source}: {word}")
    short = [i for i in planted if i.get("of")]
    grouped = 0
    for item in short:
        # each occurrence of the short form alone must be a hit of the full name's candidate
        listed = [
            cand.text == item["of"]
            for s, e in item["spans"]
            for hit, cand in hits_by_source.get(item["source"], [])
            if hit.start < e and s < hit.end
        ]
        grouped += bool(listed) and all(listed)
    per_kind: dict[str, list[int]] = {}
    for item in planted:
        found, same, total = per_kind.setdefault(item["kind"], [0, 0, 0])
        per_kind[item["kind"]] = [found + item["found"], same + item["kind_ok"], total + 1]
    pattern = [i for i in planted if i["kind"] in PATTERN_KINDS]
    return {
        "planted": len(planted),
        "recall": sum(i["found"] for i in planted) / len(planted),
        "recall_pattern_kinds": sum(i["found"] for i in pattern) / len(pattern) if pattern else 1.0,
        "recall_same_kind": sum(i["kind_ok"] for i in planted) / len(planted),
        "per_kind": {k: (f, t, f / t) for k, (f, _, t) in sorted(per_kind.items())},
        "per_kind_same": {k: (s, t, s / t) for k, (_, s, t) in sorted(per_kind.items())},
        "precision_per_kind": {k: (g, n, g / n) for k, (g, n, _) in sorted(judged.items())},
        "precision_per_kind_typed": {k: (y, n, y / n) for k, (_, n, y) in sorted(judged.items())},
        "mistyped": mistyped,
        "candidates": len(candidates),
        "precision": true_candidates / len(candidates) if candidates else 1.0,
        "precision_oral": oral_judged[0] / oral_judged[1] if oral_judged[1] else 1.0,
        "candidates_oral": oral_judged[1],
        "traps_flagged": traps,
        "traps": sum(len(words) for words in data.get("not", {}).values()),
        "short_forms": len(short),
        "short_forms_grouped": grouped,
        "missed": [f"{i['source']}: {i['kind']}:{i['text']}" for i in planted if not i["found"]],
        "false_positives": false_positives,
        "seconds": seconds,
    }


def _find_all(text: str, needle: str, inside: str | None = None) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``needle`` (only those within an occurrence of ``inside``, when given)."""
    word = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    spans = [(m.start(), m.end()) for m in word.finditer(text)]
    if inside is not None:
        outer = _find_all(text, inside)
        spans = [(s, e) for s, e in spans if any(os <= s and e <= oe for os, oe in outer)]
    return spans


def _same_kind(found: str, planted: str) -> bool:
    places = {"LOC", "GPE"}
    return found == planted or (found in places and planted in places)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="a pipeline folder or package, 'blank' or 'default'")
    parser.add_argument("--planted", type=Path, default=PLANTED, help="a folder of transcripts with gold.json")
    args = parser.parse_args()
    if args.model == "blank":
        import spacy

        nlp, name = spacy.blank("nb"), "blank nb"
    else:
        from coder.nlp.loading import load_pipeline

        loaded = load_pipeline(None if args.model == "default" else args.model)
        nlp, name = loaded.nlp, f"{loaded.name} {loaded.version} ({loaded.origin})"
    result = evaluate(nlp, planted=args.planted)
    print(f"pipeline: {name}; {result['planted']} planted identifiers; check took {result['seconds']:.2f} s")
    precision = result["precision_per_kind"]
    for kind in sorted(set(result["per_kind"]) | set(precision), key=lambda k: list(KIND_NAMES).index(k)):
        found, total, share = result["per_kind"].get(kind, (0, 0, None))
        good, listed, exact = precision.get(kind, (0, 0, None))
        recall = "    -" if share is None else f"{share:5.2f}"
        exact = "    -" if exact is None else f"{exact:5.2f}"
        same = result["per_kind_same"].get(kind, (0, 0, None))[0]
        typed = result["precision_per_kind_typed"].get(kind, (0, 0, None))[0]
        print(f"  {kind:<8} recall {recall} ({found:>2}/{total:<2}, same kind {same:>2})   precision {exact} "
              f"({good:>2}/{listed:<2}, typed right {typed:>2})")  # fmt: skip
    print(f"  overall  recall {result['recall']:5.2f}   pattern kinds {result['recall_pattern_kinds']:.2f}   "
          f"same kind {result['recall_same_kind']:.2f}")  # fmt: skip
    print(f"  precision {result['precision']:.2f} ({result['candidates']} candidates); oral transcripts "
          f"{result['precision_oral']:.2f} ({result['candidates_oral']} candidates)")  # fmt: skip
    print(f"  traps flagged {len(result['traps_flagged'])}/{result['traps']}; lone first names and surnames under "
          f"their full name {result['short_forms_grouped']}/{result['short_forms']}")  # fmt: skip
    missed = result["missed"]
    if not ({"ner", "entity_ruler", "span_ruler"} & set(nlp.pipe_names)):  # no NER: only patterns can be found
        missed = [m for m in missed if m.split(": ", 1)[1].split(":")[0] in PATTERN_KINDS]
    if missed:
        print("missed:", "; ".join(missed))
    if result["false_positives"]:
        print("not planted:", "; ".join(result["false_positives"]))
    if result["mistyped"]:
        print("typed wrong:", "; ".join(result["mistyped"]))
    if result["traps_flagged"]:
        print("traps flagged:", "; ".join(result["traps_flagged"]))


if __name__ == "__main__":
    main()
