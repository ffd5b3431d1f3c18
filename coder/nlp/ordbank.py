"""Norsk Ordbank full-form tables (from spacy-lookups-data), and the lemma check built on them.

spacy-lookups-data ships Norsk Ordbank's Bokmål paradigms as ``nb_lemma_exc``: for each of noun, verb, adj and
adv a map *form → [lemma, …]* (half a million noun forms). coder uses them twice: the compound splitter takes
its lexicon from them, and :class:`OrdbankLemmas` corrects the trainable lemmatizer.

Why a check after the edit-tree lemmatizer: on the dev split the edit tree alone gets 97.2 % of lemmas; its
errors are mostly non-words from a wrong tree (``hjernen → hjern``, ``stabilitet → stabilite``). When its
lemma is not a lemma Ordbank knows for that part of speech, the form is looked up (whole, then its longest
known tail, which handles compounds Ordbank lacks: ``fiskerisonen → fiskeri + sone``). That gives 98.1 %
on dev; applying it to proper nouns made things worse, so they are left alone.
"""

from __future__ import annotations

import functools
import gzip
import json
import sys
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from coder.nlp import diskcache
from coder.nlp.stateless import Stateless

#: UPOS → the Ordbank table that holds its forms.
TABLE_OF = {"NOUN": "noun", "VERB": "verb", "AUX": "verb", "ADJ": "adj", "ADV": "adv"}
MIN_TAIL = 4  # a compound's known tail has at least this many letters …
MIN_HEAD = 2  # … and what comes before it at least this many


def exc_file() -> Path:
    """Norsk Ordbank's full forms per part of speech, as spacy-lookups-data ships them."""
    import spacy_lookups_data

    return Path(spacy_lookups_data.__file__).parent / "data" / "nb_lemma_exc.json.gz"


def _build(path: Path) -> dict[str, dict[str, str]]:
    """Each table as *form → its first lemma*; strings interned, so the 615,000 forms take ~100 MB, not ~350."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        tables = json.load(handle)
    return {
        table: {sys.intern(form): sys.intern(found[0]) for form, found in entries.items() if found}
        for table, entries in tables.items()
    }


@functools.cache
def forms() -> dict[str, dict[str, str]]:
    """``{"noun": {form: lemma}, "verb": …, "adj": …, "adv": …}``.

    Read from the table once (a few seconds) and kept as a pickle in ``~/.cache/coder`` (read in well under a
    second); without a writable cache it is simply built each time."""
    path = exc_file()
    stat = path.stat()
    cached = diskcache.cache_dir() / f"nb-ordbank-forms-{stat.st_size}-{int(stat.st_mtime)}.pickle"
    built = diskcache.load(cached)
    if built is None:
        built = _build(path)
        diskcache.save(cached, built)
    return built


@functools.cache
def lemmas() -> dict[str, frozenset[str]]:
    """The lemmas Ordbank knows, per table."""
    return {table: frozenset(entries.values()) for table, entries in forms().items()}


def ordbank_lemma(form: str, table: str) -> str | None:
    """The Ordbank lemma of ``form`` in ``table``, or of its longest known tail; None if neither is known."""
    entries = forms().get(table, {})
    found = entries.get(form) or entries.get(form.lower())
    if found:
        return found
    low = form.lower()
    for cut in range(MIN_HEAD, len(low) - MIN_TAIL + 1):
        found = entries.get(low[cut:])
        if found:
            return low[:cut] + found
    return None


class OrdbankLemmas(Stateless):
    """Pipeline component: replace a lemma Ordbank does not know by the one it gives for the form."""

    def __call__(self, doc: Doc) -> Doc:
        known = lemmas()
        for token in doc:
            table = TABLE_OF.get(token.pos_)
            if table is None:
                continue
            lemma = token.lemma_
            if lemma in known[table] or lemma.lower() in known[table]:
                continue
            better = ordbank_lemma(token.text, table)
            if better:
                token.lemma_ = better
        return doc


@Language.factory(
    "coder_ordbank_lemmas",
    assigns=["token.lemma"],
    requires=["token.pos", "token.lemma"],
    default_score_weights={"lemma_acc": 1.0},
)
def make_ordbank_lemmas(nlp: Language, name: str) -> OrdbankLemmas:
    """Registered with spaCy here and through the ``spacy_factories`` entry point, so a plain ``spacy.load``
    of the bundled pipeline finds it without importing coder first."""
    return OrdbankLemmas()
