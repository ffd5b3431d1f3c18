"""The project file: the only package that speaks SQL.

``Project.create(path)`` / ``Project.open(path)`` give a project; its methods
read and write domain objects. Writes happen inside ``project.transaction()``
so that each user action commits whole or not at all.
"""

from coder.store.base import SUFFIX, now
from coder.store.codes import CodebookReport, CodesMixin
from coder.store.codings import CodingsMixin
from coder.store.sources import ReplaceReport, SourcesMixin


class Project(SourcesMixin, CodesMixin, CodingsMixin):
    """One coder project: one SQLite file."""


__all__ = ["Project", "SUFFIX", "now", "CodebookReport", "ReplaceReport"]
