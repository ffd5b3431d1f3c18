"""NDT/UD sentences → spaCy ``DocBin`` files for training and evaluation.

Train: the NDT train split with its OBT tags converted to UD (coder.nlp.ndt.Converter) and its dependency trees
(for the parser that only teaches the shared tok2vec, see train.cfg). Dev and test: the UD files as they are (gold
UD tags, SpaceAfter). Dev is the UD dev file whole, as for the published ``nb_core_news_sm``, whose scores are on
it, so the two compare; test is looked at only for the scores in the finished pipeline's meta.
Sentences are grouped a few to a ``Doc`` so the sentence recognizer learns where sentences end.
"""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

from coder.nlp.ndt import Converter, Sentence, converter_from, guess_spaces, read_conll, read_split

PER_DOC = 10


def to_doc(
    vocab: Vocab, sentences: list[Sentence], tags: list[list[tuple[str, str]]] | None = None, *, trees: bool = False
) -> Doc:
    """One Doc of ``sentences``; ``tags`` replaces each token's (UPOS, features) when given. ``trees``: with the
    sentences' dependency trees (heads and relations as written in the file)."""
    words, spaces, pos, morphs, lemmas, starts, bio = [], [], [], [], [], [], []
    heads: list[int] = []
    deps: list[str] = []
    for k, sentence in enumerate(sentences):
        offset = len(words)
        for i, token in enumerate(sentence.tokens):
            if trees:
                heads.append(offset + token.head - 1 if token.head > 0 else offset + i)
                deps.append(token.deprel if token.head > 0 else "ROOT")
            upos, feats = tags[k][i] if tags is not None else (token.tag, token.feats)
            words.append(token.form)
            spaces.append(token.space_after)
            pos.append(upos)
            morphs.append("" if feats == "_" else feats)
            lemmas.append(token.lemma)
            starts.append(i == 0)
            bio.append(token.ner)
        if spaces:
            spaces[-1] = True  # sentences in a doc are separated by a space
    structure = {"heads": heads, "deps": deps} if trees else {"sent_starts": starts}  # trees imply the sentences
    doc = Doc(vocab, words=words, spaces=spaces, pos=pos, morphs=morphs, lemmas=lemmas, **structure)
    doc.ents = _entities(doc, bio)
    return doc


def _entities(doc: Doc, bio: list[str]) -> list[Span]:
    spans, start, label = [], None, ""
    for i, tag in enumerate([*bio, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            spans.append(Span(doc, start, i, label=label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return spans


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _write(vocab: Vocab, sentences: list[Sentence], path: Path) -> None:
    bin_ = DocBin(store_user_data=False)
    for group in _chunks(sentences, PER_DOC):
        bin_.add(to_doc(vocab, group))
    bin_.to_disk(path)


def write_corpus(data: Path, out: Path) -> dict[str, int]:
    """Write the corpus into ``out``; returns sentences per part.

    - ``train/ndt-train.spacy``: the NDT train split, OBT tags converted to UD, with its trees;
    - ``dev.spacy``: the UD dev file, on which the recipe chooses (best step, lemmatizer, name mentions);
    - ``test.spacy``: the UD test file.
    """
    (out / "train").mkdir(parents=True, exist_ok=True)
    vocab = Vocab()
    converter: Converter = converter_from(data)
    counts: dict[str, int] = {}

    train = read_split(data, "train")
    bin_ = DocBin(store_user_data=False)
    for group in _chunks(train, PER_DOC):
        for sentence in group:
            guess_spaces(sentence)
        tags = [[converter.convert(s, i) for i in range(len(s.tokens))] for s in group]
        bin_.add(to_doc(vocab, group, tags, trees=True))
    bin_.to_disk(out / "train" / "ndt-train.spacy")
    counts["train"] = len(train)

    for part, name in (("dev", "no_bokmaal-ud-dev.conllu"), ("test", "no_bokmaal-ud-test.conllu")):
        sentences = read_conll(data / "ud" / name)
        _write(vocab, sentences, out / f"{part}.spacy")
        counts[part] = len(sentences)
    return counts
