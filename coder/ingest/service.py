"""Bring files into a project: read them all with ``ingest``, then save them with
``store`` in one transaction. A file that cannot be read stops the whole import
before anything is written, so a failed import leaves the project as it was.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import InputError
from coder.ingest import read_source
from coder.ingest.attributes import attributes_for, read_sidecar, typed
from coder.ingest.survey import read_survey
from coder.model import ImportedSource, SourceKind
from coder.store import Project, ReplaceReport

Progress = Callable[[Path], None]


def default_coder() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "coder"


@dataclass
class ImportReport:
    added: list[ImportedSource] = field(default_factory=list)
    replaced: list[tuple[ImportedSource, ReplaceReport]] = field(default_factory=list)
    unchanged: list[ImportedSource] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sources(self) -> list[ImportedSource]:
        return self.added + [s for s, _ in self.replaced]


def read_files(
    paths: Iterable[Path],
    attributes: Path | None = None,
    kind: SourceKind | None = None,
    progress: Progress | None = None,
) -> list[ImportedSource]:
    """Read every file (no database involved); attach sidecar attributes."""
    table = read_sidecar(attributes) if attributes else None
    items = []
    for path in paths:
        item = read_source(path, kind)
        if table is not None:
            row = attributes_for(table, path)
            if row is None:
                if not item.attributes:  # a file with its own front matter needs no row: it has its attributes
                    item.notes.append(f"{path.name}: no row in {attributes.name}; imported without attributes")
            else:
                row = dict(row)
                for key in ("tittel", "title"):
                    if row.get(key):
                        item.name = item.case = row.pop(key)
                    row.pop(key, None)
                if row.get("case"):
                    item.case = row.pop("case")
                given = {a.key for a in typed(row)}
                item.attributes = [a for a in item.attributes if a.key not in given] + typed(row)
        items.append(item)
        if progress:
            progress(path)
    return items


def save(
    project: Project, items: list[ImportedSource], replace: bool = False, coder: str | None = None
) -> ImportReport:
    """Save read sources in one transaction, refusing (or, with ``replace``, updating)
    content already in the project."""
    coder = coder or default_coder()
    report = ImportReport()
    to_add: list[ImportedSource] = []
    to_replace: list[tuple[int, ImportedSource]] = []
    seen: dict[str, ImportedSource] = {}
    names: dict[str, ImportedSource] = {}
    for item in items:
        digest = item.content_hash()
        if digest in seen:
            raise InputError(item.path, f"has the same content as {seen[digest].path}: import it once")
        seen[digest] = item
        if item.name in names:
            raise InputError(item.path, f"has the same source name {item.name!r} as {names[item.name].path}")
        names[item.name] = item
        same = project.source_by_hash(digest)
        by_name = project.source_by_name(item.name)
        if same is not None:
            if not replace:
                raise InputError(item.path, f"already imported as source {same[1]!r} (same content); nothing imported")
            report.unchanged.append(item)
        elif by_name is not None:
            if not replace:
                raise InputError(
                    item.path,
                    f"a source named {item.name!r} already exists with other text; "
                    "use --replace to update it (codings on unchanged text are kept)",
                )
            to_replace.append((by_name[0], item))
        else:
            to_add.append(item)
        report.notes.extend(item.notes)
    with project.transaction():
        ids = project.add_sources(to_add)
        for source_id, item in to_replace:
            report.replaced.append((item, project.replace_source(source_id, item)))
        if ids or to_replace:
            project.log(
                "import",
                {
                    "added": ids,
                    "replaced": [i for i, _ in to_replace],
                    "files": sorted({Path(i.path).name for i in to_add + [i for _, i in to_replace]}),
                },
                coder,
            )
    report.added = to_add
    return report


def import_files(
    project: Project,
    paths: list[Path],
    attributes: Path | None = None,
    kind: SourceKind | None = None,
    replace: bool = False,
    coder: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    return save(project, read_files(paths, attributes, kind, progress), replace, coder)


@dataclass
class SurveyReport(ImportReport):
    respondents: int = 0
    answers: dict[str, int] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)


def import_survey(
    project: Project,
    path: Path,
    id_column: str,
    text_columns: list[str],
    attribute_columns: list[str] = (),
    sheet: str | None = None,
    replace: bool = False,
    coder: str | None = None,
) -> SurveyReport:
    survey = read_survey(path, id_column, text_columns, list(attribute_columns), sheet)
    base = save(project, survey.sources, replace, coder)
    return SurveyReport(
        base.added,
        base.replaced,
        base.unchanged,
        base.notes + survey.notes,
        survey.respondents,
        survey.answers,
        survey.empty,
    )
