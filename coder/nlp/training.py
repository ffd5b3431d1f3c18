"""The training recipe of the bundled pipeline: NDT → spaCy corpus → ``spacy train`` → a finished pipeline.

``train_pipeline(data, out)`` is what ``coder model train --data DIR --out DIR`` runs:

1. ``out/corpus/``: the ``.spacy`` files (coder.nlp.corpus): train = the NDT train split with OBT tags mapped to UD
   and its trees; dev = the UD dev file; test = the UD test file;
2. ``out/training/``: ``spacy train coder/nlp/train.cfg`` (model-best is kept by the dev score);
3. ``out/pipeline/``: model-best without the parser that only taught the tok2vec, with the domain tokenizer
   (coder.nlp.tokenizer), the name, licences, sources and the dev and **test** scores in its meta — the
   directory that ships as ``coder/nlp/model``.

Everything is seeded; on the same machine a rerun gives the same scores (across machines within a few tenths).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from coder.errors import CoderError

CONFIG = Path(__file__).with_name("train.cfg")
NAME = "coder_ndt"  # spaCy prefixes the language: the package name is nb_coder_ndt
VERSION = "1.2.0"  # 1.0.0: NDT train; 1.1.0: + half of UD dev; 1.2.0: NDT train, a parser teaching the tok2vec

#: The published nb_core_news_sm 3.7.0 (meta.json "performance"), the floor our pipeline must reach. These are
#: scores on the UD **dev** file: its per-type entity recalls are k/n with n exactly the dev file's entity counts
#: (PER 512/611, ORG 333/404, GPE_LOC 199/259, PROD 63/162, LOC 54/109, DRV 60/79, GPE_ORG 30/55, EVT 4/9), and
#: no whole k fits the test file's counts. So our dev scores are the ones to set beside them.
REFERENCE = {"pos_acc": 0.9674, "morph_acc": 0.9532, "lemma_acc": 0.969, "ents_f": 0.7519}

#: Nouns and adjectives of the codebook's domain, inflected → lemma; kept in the meta as a check of its own.
DOMAIN_LEMMAS = {
    "henvisningene": "henvisning",
    "henvisninger": "henvisning",
    "kapasiteten": "kapasitet",
    "mandatet": "mandat",
    "sakkyndige": "sakkyndig",
    "vurderingene": "vurdering",
    "tjenesten": "tjeneste",
    "skolene": "skole",
    "barnehagene": "barnehage",
    "utfordringene": "utfordring",
    "kommunene": "kommune",
    "lederne": "leder",
    "ventetiden": "ventetid",
    "rådgiverne": "rådgiver",
    "tiltakene": "tiltak",
    "foreldrene": "forelder",
}

SOURCES = [
    {
        "name": "Norwegian Dependency Treebank (NDT), Bokmål",
        "author": "Solberg, Skjærholt, Øvrelid, Hagen and Johannessen (2014), LREC",
        "license": "CC0 1.0 (annotations)",
    },
    {
        "name": "UD Norwegian Bokmål",
        "author": "Øvrelid and Hohle (2016), LREC",
        "license": "CC BY-SA 4.0",
    },
    {
        "name": "NorNE: Norwegian named entities",
        "author": "Jørgensen, Aasmoe, Ruud Jørgensen, Kutuzov, Øvrelid and Velldal (2020), LREC",
        "license": "CC0 1.0 (annotations)",
    },
]


def check_data(data: Path) -> None:
    """Fail with a message naming the folder when it is not the NDT/NorNE data this recipe expects."""
    if not data.is_dir():
        raise CoderError(f"{data}: no such folder")
    for need in ("splits.tsv", "ndt", "ud/no_bokmaal-ud-dev.conllu", "ud/no_bokmaal-ud-test.conllu"):
        if not (data / need).exists():
            raise CoderError(f"{data}: {need} is missing (expected the NDT Bokmål data with NorNE and UD dev/test)")


def train_pipeline(data: Path, out: Path, echo: Callable[[str], None] = print) -> dict:
    """Run the whole recipe; returns the scores written into the pipeline's meta."""
    from spacy.cli.train import train as spacy_train

    from coder.nlp.corpus import write_corpus

    data, out = Path(data), Path(out)
    check_data(data)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    echo(f"1/3 converting {data} → {out / 'corpus'}")
    counts = write_corpus(data, out / "corpus")
    echo("    sentences: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    echo(f"2/3 training with {CONFIG.name} → {out / 'training'}")
    overrides = {"paths.train": str(out / "corpus/train"), "paths.dev": str(out / "corpus/dev.spacy")}
    spacy_train(CONFIG, out / "training", overrides=overrides, use_gpu=-1)
    minutes = (time.monotonic() - started) / 60
    echo(f"3/3 finishing → {out / 'pipeline'}")
    scores = finish(out / "training/model-best", out / "corpus", out / "pipeline", minutes=minutes)
    for split in ("dev", "test"):
        echo(f"{split}: " + json.dumps({k: v for k, v in scores[split].items() if k != "ents_per_type"}))
    return scores


def evaluate(nlp, corpus_file: Path) -> dict[str, float]:
    """UPOS, morphology, lemma, sentence and entity scores of ``nlp`` on a ``.spacy`` file."""
    from spacy.training import Corpus

    examples = list(Corpus(str(corpus_file))(nlp))
    scores = nlp.evaluate(examples)
    keys = ("pos_acc", "morph_acc", "lemma_acc", "sents_f", "ents_p", "ents_r", "ents_f")
    out = {k: round(float(scores[k]), 4) for k in keys if scores.get(k) is not None}
    out["ents_per_type"] = {
        label: {k: round(float(v), 4) for k, v in s.items()} for label, s in (scores.get("ents_per_type") or {}).items()
    }
    return out


def domain_lemmas(nlp) -> dict[str, object]:
    """How many of :data:`DOMAIN_LEMMAS` come out right, each word in a short sentence of its own."""
    wrong = {}
    for form, lemma in DOMAIN_LEMMAS.items():
        doc = nlp(f"Vi snakket om {form} i går.")
        got = next((t.lemma_ for t in doc if t.text == form), None)
        if got != lemma:
            wrong[form] = got
    return {"correct": len(DOMAIN_LEMMAS) - len(wrong), "total": len(DOMAIN_LEMMAS), "wrong": wrong}


def choose_lemmatizer(nlp, model_dir: Path, dev: Path) -> dict[str, object]:
    """Score the three lemmatizers on dev and keep the best in ``nlp``: the trained edit trees alone, spaCy's
    rule lemmatizer with the Ordbank tables (instead of them), or the edit trees checked against Ordbank."""
    import spacy

    scored: dict[str, float] = {"edit_tree": evaluate(nlp, dev)["lemma_acc"]}
    rule_nlp = spacy.load(model_dir, exclude=["trainable_lemmatizer"])
    rule_nlp.add_pipe("lemmatizer", config={"mode": "rule"}, after="morphologizer").initialize()
    scored["rule_ordbank"] = evaluate(rule_nlp, dev)["lemma_acc"]
    nlp.add_pipe("coder_ordbank_lemmas", after="trainable_lemmatizer")
    scored["edit_tree+ordbank"] = evaluate(nlp, dev)["lemma_acc"]
    best = max(scored, key=scored.get)
    if best != "edit_tree+ordbank":
        nlp.remove_pipe("coder_ordbank_lemmas")
    if best == "rule_ordbank":
        raise CoderError(f"the rule lemmatizer scored best on dev ({scored}): change train.cfg to use it")
    return {"chosen": best, "lemma_acc": scored}


def choose_mentions(nlp, dev: Path) -> dict[str, object]:
    """Keep coder_name_mentions after the NER when it scores better on dev (it has, by 1–2 points)."""
    without = evaluate(nlp, dev)["ents_f"]
    nlp.add_pipe("coder_name_mentions", after="ner")
    with_mentions = evaluate(nlp, dev)["ents_f"]
    if with_mentions <= without:
        nlp.remove_pipe("coder_name_mentions")
    return {"kept": with_mentions > without, "ents_f": {"ner": without, "ner+name_mentions": with_mentions}}


def finish(model_dir: Path, corpus: Path, dest: Path, *, minutes: float | None = None) -> dict:
    """Turn spaCy's model-best into the pipeline coder ships: tokenizer, meta, scores on test."""
    import spacy

    from coder.nlp.tokenizer import customize_tokenizer

    nlp = spacy.load(model_dir)
    if "parser" in nlp.pipe_names:  # trained only to teach the shared tok2vec (see train.cfg)
        nlp.remove_pipe("parser")
    customize_tokenizer(nlp)
    choice = choose_lemmatizer(nlp, model_dir, corpus / "dev.spacy")
    mentions = choose_mentions(nlp, corpus / "dev.spacy")
    scores = {"dev": evaluate(nlp, corpus / "dev.spacy"), "test": evaluate(nlp, corpus / "test.spacy")}
    scores["domain_lemmas"] = domain_lemmas(nlp)
    nlp.meta.update(
        {
            "name": NAME,
            "version": VERSION,
            "description": (
                "Norwegian Bokmål pipeline of coder: tok2vec, morphologizer (UPOS + features), edit-tree lemmatizer, "
                "sentence recognizer, NER (NorNE types). Trained offline from NDT + NorNE by coder.nlp.training, "
                "with a dependency parser (not shipped) teaching the shared tok2vec."
            ),
            "author": "coder",
            "license": "MIT (model); training annotations CC0 1.0 (NDT, NorNE)",
            "sources": SOURCES,
            "performance": {k: v for k, v in scores["test"].items() if k != "ents_per_type"},
            "coder": {
                "scores_split": "test (UD Norwegian Bokmål test = NDT test split); dev = UD dev, where the "
                "published nb_core_news_sm figures are measured",
                "dev": scores["dev"],
                "test_ents_per_type": scores["test"]["ents_per_type"],
                "domain_lemmas": scores["domain_lemmas"],
                "lemmatizer_dev": choice,
                "name_mentions_dev": mentions,
                "train_minutes": round(minutes, 1) if minutes is not None else None,
                "reference_nb_core_news_sm": REFERENCE,
            },
        }
    )
    for key in ("train", "dev"):  # this machine's folders are no business of the user's
        nlp.config["paths"][key] = None
    nlp.to_disk(dest)
    return scores
