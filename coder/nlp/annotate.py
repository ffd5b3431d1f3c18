"""Each segment's tokens, lemmas, compound parts, entities and sentences, as a small JSON-able dict.

Computed once per segment by a background worker (TUI) or ``coder annotate`` (CLI) and kept in the project's
NLP cache, so search by lemma, suggestions and the anonymisation check never wait for the pipeline. No SQL and
no Textual here: :func:`refresh` talks to the cache through the small :class:`Cache` protocol that
``coder.store.Project`` implements.

One annotation (``FORMAT`` 1), offsets are Python ``str`` indices into the segment's own text::

    {"t": [[start, end, lemma, pos], ...],      # every non-space token; pos is the UPOS tag ("" if untagged)
     "c": [[token_index, part, part, ...], ...],  # compound parts of noun/adjective/verb lemmas (compounds only)
     "e": [[start, end, label], ...],            # named entities, when the pipeline has NER
     "s": [0, 57, ...]}                          # sentence starts, when the pipeline finds sentences

The surface text is never repeated: ``text[start:end]``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

FORMAT = 1  # bump when the shape of an annotation changes: every cached row becomes stale
SPLIT_POS = frozenset({"NOUN", "ADJ", "VERB"})  # whose lemmas are split into compound parts
MIN_COMPOUND = 6  # shorter words are not looked up in the splitter ("skole" is no compound)


class Splitter(Protocol):
    def split(self, word: str) -> list[str]: ...


def text_hash(text: str) -> str:
    """A short fingerprint of a segment's text: the cache row is stale when it no longer matches.
    ``coder.store.nlp_cache.text_hash`` must stay the same function (a test checks it)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def model_key(name: str, version: str, components: str = "") -> str:
    """What a cache row was made with: pipeline name and version (and a short fingerprint of its components), and
    the annotation format. A different pipeline (or format) makes every row stale."""
    return f"{name}@{version}{'/' + components if components else ''}/f{FORMAT}"


def pipeline_key(nlp) -> str:
    """:func:`model_key` of a loaded spaCy pipeline, from its meta and its components (so a blank pipeline and an
    unnamed trained one, both ``pipeline 0.0.0``, differ). The worker, ``coder annotate`` and every reader of the
    cache use this one key."""
    meta = nlp.meta
    components = hashlib.blake2b("+".join(nlp.pipe_names).encode(), digest_size=3).hexdigest()
    return model_key(f"{meta.get('lang', '')}_{meta.get('name', '')}", str(meta.get("version", "")), components)


def annotate(nlp, texts: Iterable[str], splitter: Splitter | None = None, batch_size: int = 64) -> Iterator[dict]:
    """One annotation (see the module docstring) per text, in order. ``splitter``: compound parts (None: none)."""
    parts_of: dict[str, list[str] | None] = {}  # lemma → its parts (None: not a compound); a corpus repeats words
    has_ner = "ner" in nlp.pipe_names
    for doc in nlp.pipe(texts, batch_size=batch_size):
        tokens = []
        compounds = []
        sentences: list[int] | None = [] if doc.has_annotation("SENT_START") else None
        pending = True  # the next word starts a sentence (a sentence's leading spaces are not its start)
        for token in doc:
            if sentences is not None and token.is_sent_start:
                pending = True
            if token.is_space:
                continue
            if pending and sentences is not None:
                sentences.append(token.idx)
                pending = False
            lemma = token.lemma_ or token.lower_
            pos = token.pos_
            start = token.idx
            if (
                splitter is not None
                and (pos in SPLIT_POS or (not pos and token.is_alpha))
                and len(lemma) >= MIN_COMPOUND
            ):
                key = lemma.lower()
                parts = parts_of.get(key, False)
                if parts is False:
                    found = splitter.split(key)
                    parts = found if len(found) > 1 else None
                    parts_of[key] = parts
                if parts:
                    compounds.append([len(tokens), *parts])
            tokens.append([start, start + len(token.text), lemma, pos])
        data: dict = {"t": tokens}
        if compounds:
            data["c"] = compounds
        if has_ner or doc.has_annotation("ENT_IOB"):
            data["e"] = [[e.start_char, e.end_char, e.label_] for e in doc.ents]
        if sentences is not None:
            data["s"] = sentences
        yield data


# -- the background job: stale segments in, annotations out ------------------------------------------


class Cache(Protocol):
    """What :func:`refresh` needs of a project (``coder.store.Project`` has it)."""

    def stale_segments(self, model_key: str, limit: int | None = None) -> list[tuple[int, str]]: ...

    def save_annotations(self, model_key: str, rows: Sequence[tuple[int, str, dict]]) -> None: ...


@dataclass
class Progress:
    done: int  # segments annotated so far
    total: int  # segments that were stale when the job started
    tokens: int = 0
    seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


def refresh(
    cache: Cache,
    nlp,
    key: str,
    splitter: Splitter | None = None,
    batch: int = 64,
    stale: list[tuple[int, str]] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Progress:
    """Annotate every stale segment and save the annotations ``batch`` segments per transaction (a killed job
    loses at most one batch). ``stale``: the segments to do, when the caller has asked already."""
    if stale is None:
        stale = cache.stale_segments(key)
    progress = Progress(0, len(stale))
    began = time.perf_counter()
    rows: list[tuple[int, str, dict]] = []
    texts = (text for _, text in stale)
    for (segment_id, text), data in zip(stale, annotate(nlp, texts, splitter, batch_size=batch), strict=True):
        rows.append((segment_id, text, data))
        progress.tokens += len(data["t"])
        if len(rows) >= batch:
            if cancelled():
                break
            cache.save_annotations(key, rows)
            progress.done += len(rows)
            rows = []
            progress.seconds = time.perf_counter() - began
            if on_progress:
                on_progress(progress)
    else:
        if rows:
            cache.save_annotations(key, rows)
            progress.done += len(rows)
    progress.seconds = time.perf_counter() - began
    if on_progress and not cancelled():
        on_progress(progress)
    return progress


# -- which pipeline -------------------------------------------------------------------------------------


def load(setting: str | None = None):
    """The project's pipeline by the loading order of ``coder.nlp.loading`` (``.nlp``, ``.name``, ``.version``,
    ``.warning``); loaded once per process and shared with the anonymisation check."""
    from coder.nlp.loading import load_pipeline

    return load_pipeline(setting)


def loaded_key(loaded) -> str:
    """The cache key of what :func:`load` returned: :func:`pipeline_key` of its pipeline."""
    return pipeline_key(loaded.nlp)


def splitter() -> Splitter | None:
    """The compound splitter (its lexicon is loaded once per process)."""
    from coder.nlp.compounds import default_splitter

    return default_splitter()
