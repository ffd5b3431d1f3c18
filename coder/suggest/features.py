"""What the learned layer reads of a segment: its content words as base forms, the parts of its compounds, and
which codes the rule layer found evidence for (so the model learns how far to trust each code's keywords)."""

from __future__ import annotations

import re
from collections.abc import Iterable

CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV", "NUM"})
MIN_LEN = 3
_WORD = re.compile(r"\w+(?:-\w+)*")
#: Frequent words that carry no theme (the pipeline tags some of them as content words).
STOP = frozenset(
    "være ha bli få gjøre kunne skulle ville måtte si gå komme ta se sånn også bare mye mange noe noen veldig "
    "jo nok litt ikke lang stor god annen ny egen hel mer mest".split()
)


def features(text: str, annotation: dict | None, rule_codes: Iterable[str] = ()) -> list[str]:
    """The feature words of one segment (never empty: a segment without any is ``<tom>``)."""
    words: list[str] = []
    if annotation and annotation.get("t") is not None:
        for start, end, lemma, pos, *_ in annotation["t"]:
            if pos in CONTENT_POS or (not pos and text[start:end].isalpha()):
                word = (lemma or text[start:end]).lower()
                if len(word) >= MIN_LEN and word not in STOP:
                    words.append(word)
        for _index, *parts in annotation.get("c", ()):
            words.extend(p.lower() for p in parts if len(p) >= MIN_LEN)
    else:
        words = [w.lower() for w in _WORD.findall(text) if len(w) >= MIN_LEN and w.lower() not in STOP]
    words.extend(f"regel:{code_id}" for code_id in sorted(set(rule_codes)))
    return words or ["<tom>"]
