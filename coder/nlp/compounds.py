"""Norwegian compound splitter (work in progress: the contract is `CompoundSplitter.split` and `default_splitter`)."""

from __future__ import annotations

from functools import lru_cache


class CompoundSplitter:
    def split(self, word: str) -> list[str]:
        """The parts of `word` as base forms; `[word]` when it is not a compound."""
        return [word]


@lru_cache(maxsize=1)
def default_splitter() -> CompoundSplitter:
    return CompoundSplitter()
