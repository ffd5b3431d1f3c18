"""The learned layer: a spaCy ``textcat_multilabel`` trained on the researcher's own decisions.

The model is a bag of words (``TextCatBOW``) over :func:`coder.suggest.features.features`: base forms, compound
parts and the rule layer's codes. It trains in seconds on a CPU from the cached annotations, with no pipeline run:
its documents are made straight from the feature words. A label a segment has no decision for is *missing*, not
negative: spaCy's multilabel loss masks it, so a coding of «kapasitet» says nothing about «mandat».
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import spacy
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

MODEL = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 1,
    "no_output_layer": False,
    "length": 2**16,  # hashed features: plenty for one project's words, 4 bytes × labels each
}
EPOCHS = 30  # for a few dozen decisions; more decisions need fewer passes (see epochs_for)
EXAMPLES_SEEN = 12_000  # about this many examples per training, so retraining on thousands of decisions stays quick
DROPOUT = 0.1
BATCH = 16
MIN_POSITIVE = 3  # a code needs this many positive and negative examples before the model speaks for it
MIN_NEGATIVE = 3


def epochs_for(n: int) -> int:
    """Passes over ``n`` examples: 30 for a few hundred, down to 6 for thousands."""
    return max(6, min(EPOCHS, round(EXAMPLES_SEEN / max(n, 1))))


@dataclass
class Item:
    """One training example: the feature words of a segment and what the researcher decided per code (1/0)."""

    words: list[str]
    labels: dict[str, float]


class LearnedLayer:
    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = list(codes)
        self.nlp = spacy.blank("nb")
        self.textcat = self.nlp.add_pipe("textcat_multilabel", config={"model": MODEL, "threshold": 0.5})
        for code in self.codes:
            self.textcat.add_label(code)
        self.known: set[str] = set()  # codes with enough examples to predict
        self.counts: dict[str, tuple[int, int]] = {}  # code → (positives, negatives) it was trained on

    def _doc(self, words: list[str]) -> Doc:
        return Doc(self.nlp.vocab, words=words)

    def train(self, items: Sequence[Item], epochs: int | None = None, seed: int = 0) -> LearnedLayer:
        epochs = epochs_for(len(items)) if epochs is None else epochs
        batch = min(64, max(BATCH, len(items) // 40))
        fix_random_seed(seed)
        rng = random.Random(seed)
        examples = []
        for item in items:
            doc = self._doc(item.words)
            cats = {c: v for c, v in item.labels.items() if c in self.textcat.labels}
            examples.append(Example.from_dict(doc, {"cats": cats}))
        for code in self.codes:
            pos = sum(1 for i in items if i.labels.get(code) == 1.0)
            neg = sum(1 for i in items if i.labels.get(code) == 0.0)
            self.counts[code] = (pos, neg)
        self.known = {c for c, (p, n) in self.counts.items() if p >= MIN_POSITIVE and n >= MIN_NEGATIVE}
        if not examples:
            return self
        optimizer = self.nlp.initialize(lambda: examples)
        for _ in range(epochs):
            rng.shuffle(examples)
            for part in minibatch(examples, size=batch):
                self.nlp.update(part, drop=DROPOUT, sgd=optimizer)
        return self

    def predict(self, words_list: Sequence[list[str]]) -> list[dict[str, float]]:
        """Per segment, the probability of each code the model knows (codes with too few examples are left out)."""
        if not self.known:
            return [{} for _ in words_list]
        docs = [self._doc(words) for words in words_list]
        out = []
        for doc in self.textcat.pipe(docs, batch_size=256):
            out.append({c: float(p) for c, p in doc.cats.items() if c in self.known})
        return out

    # -- saved with the project --------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return self.nlp.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, codes: Sequence[str], known: set[str], counts: dict[str, tuple[int, int]]):
        layer = cls(codes)
        layer.nlp.from_bytes(data, exclude=["vocab"])
        layer.textcat = layer.nlp.get_pipe("textcat_multilabel")
        layer.known = set(known)
        layer.counts = dict(counts)
        return layer
