"""Codebook files: read, validate and write them.

A codebook is a YAML file (``codebooks/ppt.yaml`` is the model) or the same
structure in JSON: a name, a version and a list of codes, each with ``id``,
``label``, ``description``, ``colour``, ``parent``, ``keywords`` and
``examples``. Every validation error names the file, the code and its line.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import yaml

from coder.errors import InputError
from coder.ingest.decode import read_text
from coder.model import Code, Codebook

_ID = re.compile(r"[a-z0-9][a-z0-9_\-]*")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
FIELDS = ("id", "label", "description", "colour", "parent", "keywords", "examples")
MAX_DEPTH = 50
"""The deepest a code tree may nest (a top-level code is level 1). Real codebooks have three or four levels;
a file with more than fifty is not a codebook, and a tree hundreds of levels deep would exhaust the stack of
whatever walks it (the REFI-QDA reader and writer, the codebook panel)."""
# Used when a code has no colour: distinct hues that read on dark and light themes.
PALETTE = [
    "#c0392b",
    "#2980b9",
    "#27ae60",
    "#8e44ad",
    "#d35400",
    "#16a085",
    "#b7950b",
    "#7f8c8d",
    "#e84393",
    "#0984e3",
    "#6ab04c",
    "#a0522d",
]


def slug(label: str) -> str:
    """``Tidlig innsats / tett på`` → ``tidlig_innsats_tett_pa``."""
    ascii_ = (
        unicodedata.normalize("NFKD", label.replace("æ", "ae").replace("ø", "o").replace("Æ", "Ae").replace("Ø", "O"))
        .encode("ascii", "ignore")
        .decode()
    )
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_") or "kode"


class _Loader(yaml.SafeLoader):
    """Safe YAML without aliases: ``*name`` repeats a value without its bytes in the file, so a small file could
    make a codebook of gigabytes (one long description repeated in every code). Codebooks never need them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a codebook", mark)
        return super().compose_node(parent, index)


class _Dumper(yaml.SafeDumper):
    """Writes a value that occurs twice out twice, never as an alias (which :class:`_Loader` refuses)."""

    def ignore_aliases(self, data) -> bool:
        return True


def load_codebook(path: Path) -> Codebook:
    text, _ = read_text(path)
    lines: dict[int, int] = {}
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"not valid JSON: {exc.msg}", exc.lineno) from None
        except RecursionError:
            raise InputError(path, "not a codebook: its JSON is nested too deeply to read") from None
    else:
        try:
            data = yaml.load(text, Loader=_Loader)
            lines = _entry_lines(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            raise InputError(path, f"not valid YAML: {problem}", mark.line + 1 if mark else None) from None
        except RecursionError:
            raise InputError(path, "not a codebook: its YAML is nested too deeply to read") from None
    return parse_codebook(data, path, lines)


def _entry_lines(text: str) -> dict[int, int]:
    """Line number of each entry in the ``codes`` list, for error messages."""
    root = yaml.compose(text, Loader=_Loader)
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == "codes" and isinstance(value, yaml.SequenceNode):
            return {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return {}


def parse_codebook(data: object, path: Path | str, lines: dict[int, int] | None = None) -> Codebook:
    lines = lines or {}
    if isinstance(data, list):
        data = {"codes": data}
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise InputError(path, "a codebook needs a 'codes' list")
    codes: list[Code] = []
    where: dict[str, str] = {}
    for i, entry in enumerate(data["codes"]):
        line = lines.get(i)
        label_of = f"entry {i + 1}"
        if not isinstance(entry, dict):
            raise InputError(path, f"{label_of} is not a mapping of fields", line)
        unknown = set(entry) - set(FIELDS)
        if unknown:
            raise InputError(
                path, f"{label_of}: unknown field {sorted(unknown)[0]!r} (fields: {', '.join(FIELDS)})", line
            )
        label = _text(entry.get("label") or entry.get("id"), path, f"{label_of}: label", line)
        if not label:
            raise InputError(path, f"{label_of} has neither id nor label", line)
        code_id = str(entry.get("id") or slug(label))
        label_of = f"code {code_id!r}"
        if not _ID.fullmatch(code_id):
            raise InputError(path, f"{label_of}: an id has lowercase letters a-z, digits, '_' or '-'", line)
        if code_id in where:
            raise InputError(path, f"{label_of}: duplicate id (first at {where[code_id]})", line)
        where[code_id] = f"line {line}" if line else f"entry {i + 1}"
        colour = entry.get("colour") or PALETTE[i % len(PALETTE)]
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
            raise InputError(path, f"{label_of}: bad colour {colour!r} (use #rrggbb)", line)
        if len(colour) == 4:
            colour = "#" + "".join(c * 2 for c in colour[1:])
        codes.append(
            Code(
                id=code_id,
                label=label,
                description=_text(entry.get("description"), path, f"{label_of}: description", line),
                colour=colour.lower(),
                parent=str(entry["parent"]) if entry.get("parent") is not None else None,
                keywords=_strings(entry.get("keywords"), path, f"{label_of}: keywords", line),
                examples=_strings(entry.get("examples"), path, f"{label_of}: examples", line),
            )
        )
    by_id = {c.id: c for c in codes}
    for i, code in enumerate(codes):
        if code.parent is not None and code.parent not in by_id:
            raise InputError(path, f"code {code.id!r}: unknown parent {code.parent!r}", lines.get(i))
        seen = {code.id}
        parent = code.parent
        while parent is not None:
            if parent in seen:
                raise InputError(path, f"code {code.id!r}: its parents form a cycle ({' → '.join(seen)})", lines.get(i))
            seen.add(parent)
            if len(seen) > MAX_DEPTH:
                what = f"code {code.id!r} is nested more than {MAX_DEPTH} levels deep (coder reads up to {MAX_DEPTH})"
                raise InputError(path, what, lines.get(i))
            parent = by_id[parent].parent
    name = data.get("name") or Path(str(path)).stem
    version = data.get("version", 1)
    if not isinstance(version, int):
        raise InputError(path, f"version must be a whole number, not {version!r}")
    return Codebook(str(name), codes, version)


def _text(value: object, path: Path | str, what: str, line: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise InputError(path, f"{what} must be text", line)


def _strings(value: object, path: Path | str, what: str, line: int | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise InputError(path, f"{what} must be a list of words or phrases", line)


def dump_codebook(codebook: Codebook, path: Path) -> None:
    """Write ``codebook`` as YAML (or JSON for a ``.json`` path), every field spelled out."""
    data = {
        "name": codebook.name,
        "version": codebook.version,
        "codes": [
            {
                "id": c.id,
                "label": c.label,
                "description": c.description,
                "colour": c.colour,
                "parent": c.parent,
                "keywords": c.keywords,
                "examples": c.examples,
            }
            for c in codebook.codes
        ],
    }
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    header = "# coder codebook: edit freely; load with 'coder codebook PROJECT --load FILE'\n"
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + text, encoding="utf-8")
