"""Which codes go in which chapter of the report: a YAML file, kept in the project as a setting.

The file is a list of chapters, each with a title and its codes (a code's sub-codes come with it)::

    - tittel: 4 Kapasitet og ventetid
      koder: [kapasitet, henvisninger]
    - tittel: 5 Kompetanseløftet
      koder: [kompetanseloftet]

``title``/``codes`` work as well as ``tittel``/``koder``; a mapping ``{title: [codes]}`` too. A quote goes in the
first chapter that lists its first code (or an ancestor of it). The setting ``quote_chapters`` holds the same
list as JSON; ``coder export quotes --chapters FILE`` uses a file for one export, and ``coder quote-style
PROJECT --chapters FILE`` makes it the project's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coder.errors import InputError

SETTING = "quote_chapters"


@dataclass
class Chapter:
    title: str
    codes: list[str]
    line: int | None = field(default=None, compare=False)  # where it is in the file, for messages


def load_chapters(path: Path) -> list[Chapter]:
    """Read a chapters file; InputError naming the file and line when it makes no sense."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InputError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line) from None
    if node is None:
        raise InputError(path, "no chapters in it")
    chapters: list[Chapter] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            chapters.append(Chapter(str(key.value).strip(), _codes(path, value), key.start_mark.line + 1))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                raise InputError(path, "each chapter needs a title and codes (tittel: …, koder: […])", line)
            fields = {str(k.value).strip().casefold(): v for k, v in item.value}
            title = fields.get("tittel") or fields.get("title")
            codes = fields.get("koder") or fields.get("codes")
            if title is None or not isinstance(title, yaml.ScalarNode) or not str(title.value).strip():
                raise InputError(path, "a chapter without a title (tittel: …)", line)
            if codes is None:
                raise InputError(path, f"chapter «{title.value}» lists no codes (koder: […])", line)
            chapters.append(Chapter(str(title.value).strip(), _codes(path, codes), line))
    else:
        raise InputError(path, "expected a list of chapters (- tittel: …, koder: […])", node.start_mark.line + 1)
    if not chapters:
        raise InputError(path, "no chapters in it")
    return chapters


def _codes(path: Path, node) -> list[str]:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        values = [node.value]
    elif isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        values = [n.value for n in node.value]
    else:
        raise InputError(path, "codes are a list of code ids: [kapasitet, ventetid]", line)
    codes = [str(v).strip() for v in values if str(v).strip()]
    if not codes:
        raise InputError(path, "a chapter with no codes", line)
    return codes


def check_codes(chapters: Iterable[Chapter], known: Iterable[str], path: Path | str) -> None:
    """InputError at the first code the project does not have."""
    ids = set(known)
    for chapter in chapters:
        for code in chapter.codes:
            if code not in ids:
                raise InputError(path, f"chapter «{chapter.title}»: no code '{code}' in the project", chapter.line)


def to_setting(chapters: Iterable[Chapter]) -> str:
    return json.dumps([{"title": c.title, "codes": c.codes} for c in chapters], ensure_ascii=False)


def from_setting(value: str | None) -> list[Chapter]:
    if not value:
        return []
    return [Chapter(item["title"], list(item["codes"])) for item in json.loads(value)]
