"""Keyword matching on surface forms: what "auto-code by text search" in a QDA program does, the yardstick.

A keyword matches at the start of a word, case-insensitively (``kapasitet`` finds ``kapasiteten`` and
``kapasitetsproblemer`` but not ``overkapasitet``); a code is predicted on any hit, ranked by its number of hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from coder.model import Code
from coder.suggest.evidence import CodeScore, Match


class SurfaceKeywords:
    def __init__(self, codes: Iterable[Code]) -> None:
        self.patterns: list[tuple[str, str, re.Pattern[str]]] = []
        for code in codes:
            for keyword in dict.fromkeys(k.strip() for k in code.keywords if k.strip()):
                self.patterns.append((code.id, keyword, re.compile(r"(?<!\w)" + re.escape(keyword), re.IGNORECASE)))

    def score(self, text: str, annotation: dict | None = None) -> list[CodeScore]:
        found: dict[str, list[Match]] = {}
        for code_id, keyword, pattern in self.patterns:
            for m in pattern.finditer(text):
                found.setdefault(code_id, []).append(Match(m.start(), m.end(), keyword, "lemma", 1.0))
        order = {code_id: i for i, (code_id, _, _) in enumerate(self.patterns)}
        scores = [
            CodeScore(c, float(len(ms)), threshold=1.0, rule=float(len(ms)), matches=ms) for c, ms in found.items()
        ]
        scores.sort(key=lambda s: (-s.score, order[s.code_id]))
        return scores
