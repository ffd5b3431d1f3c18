"""What a suggestion is and why it was made: the shapes every part of the suggestion engine hands around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: How a word matched a code's keyword, strongest first:
#: ``lemma`` (the word's base form is the keyword's, or the words are the same), ``phrase`` (a keyword of several
#: words, matched on base forms), ``compound`` (the keyword is a part of a compound: «tidspress» → press),
#: ``fuzzy`` (a spelling variant: «kompetanse-løftet», «kappasitet»), ``description`` (a rare word of the code's
#: label or description, weak evidence).
MatchKind = Literal["lemma", "phrase", "compound", "modifier", "derived", "fuzzy", "description"]


@dataclass(frozen=True)
class Match:
    """One matched word or phrase: ``text[start:end]`` of the segment is what matched ``term`` of the codebook."""

    start: int
    end: int
    term: str
    kind: MatchKind
    strength: float


@dataclass
class CodeScore:
    """One code for one segment: the rule layer's and the learned layer's scores, and the combined one.

    ``score`` is calibrated (an estimate of how likely the researcher is to accept it) and ``threshold`` is the
    code's own: ``score >= threshold`` is a suggestion worth showing first.
    """

    code_id: str
    score: float
    threshold: float = 0.5
    rule: float = 0.0
    learned: float | None = None
    matches: list[Match] = field(default_factory=list)
    semantic: float | None = None  # the semantic layer's z-score: how much nearer the code than usual
    prior: float = 0.0  # before any calibration: what the semantic layer adds to the order (not to the score)
    calibrated: bool = False  # the score comes from a calibration fitted on decisions (else it is the rule score)
    asked: str | None = None  # an open suggestion the researcher asked for (a theme's answer): what it is, in words
    similar: list[tuple[int, float]] = field(default_factory=list)  # (segment id, similarity) coded with this code

    @property
    def order(self) -> float:
        """What a queue ranks by: the score, plus the semantic layer's prior while no calibration exists (the rules
        keep the yes/no decision until then, the meaning already ranks what they miss)."""
        return self.score + self.prior

    @property
    def above(self) -> bool:
        return self.score >= self.threshold

    @property
    def uncertainty(self) -> float:
        """How much a decision on it would teach the model: highest near the threshold and when the layers disagree.
        Before a calibration exists it is measured on :attr:`order`, so a passage the meaning puts well above the
        usual (no keyword, rule score 0) is as worth asking about as a weak keyword match."""
        closeness = 1.0 - min(1.0, abs(self.order - self.threshold) * 2)
        disagreement = abs(self.rule - self.learned) if self.learned is not None else 0.0
        return closeness + disagreement
