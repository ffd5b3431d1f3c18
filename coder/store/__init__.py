"""The project file: the only package that speaks SQL.

``Project.create(path)`` / ``Project.open(path)`` give a project; its methods
read and write domain objects. Writes happen inside ``project.transaction()``
(imports) or ``project.action()`` (undoable user actions) so that each user
action commits whole or not at all.
"""

from coder.store.analysis import AnalysisMixin
from coder.store.base import SUFFIX, now
from coder.store.changes import Done, NothingToDo
from coder.store.codes import CodebookReport, CodeEditsMixin
from coder.store.codings import CodingsMixin, Retrieved
from coder.store.embeddings import EmbeddingsMixin
from coder.store.exchange import ExchangeMixin
from coder.store.identifiers import IdentifiersMixin
from coder.store.memos import Memo, MemosMixin
from coder.store.nlp_cache import NlpCacheMixin
from coder.store.quotes import CodedPassage, QuotesMixin
from coder.store.settings import SettingsMixin
from coder.store.sources import ReplaceReport, SourcesMixin
from coder.store.suggestions import SavedModel, SegmentText, SuggestionsMixin
from coder.store.team import TeamMixin


class Project(
    SettingsMixin,
    SourcesMixin,
    CodeEditsMixin,
    CodingsMixin,
    MemosMixin,
    EmbeddingsMixin,
    NlpCacheMixin,
    IdentifiersMixin,
    AnalysisMixin,
    SuggestionsMixin,
    QuotesMixin,
    ExchangeMixin,
    TeamMixin,
):
    """One coder project: one SQLite file."""


__all__ = [
    "Project",
    "SUFFIX",
    "now",
    "CodebookReport",
    "ReplaceReport",
    "Done",
    "NothingToDo",
    "Memo",
    "Retrieved",
    "CodedPassage",
    "SavedModel",
    "SegmentText",
]
