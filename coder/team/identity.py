"""Who is coding: the name every coding, memo, decision and logged action records.

The name is, in this order: the ``--coder NAME`` given to a command (or the TUI), the project's setting
``coder`` (``coder whoami PROJECT --set NAME``: the name of whoever codes this copy), the environment
variable ``CODER_NAME``, else the user name of the operating system (:func:`coder.ingest.service.default_coder`).
The setting belongs to a copy, not to the team: a merge keeps it only when both copies name the same coder.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from coder.errors import CoderError

if TYPE_CHECKING:
    from coder.store import Project

SETTING = "coder"
ENVIRONMENT = "CODER_NAME"
CONSENSUS = "consensus"  # the coder name agreed codings are recorded under (setting consensus_coder changes it)
CONSENSUS_SETTING = "consensus_coder"


def clean(name: str) -> str:
    """A coder name as stored: inner whitespace collapsed; refused when empty or holding a comma (the
    ``--coders A,B`` lists split on commas)."""
    value = " ".join(name.split())
    if not value:
        raise CoderError("a coder name cannot be empty")
    if "," in value:
        raise CoderError(f"«{value}»: a coder name cannot hold a comma (lists of coders are split on commas)")
    return value


def current(project: Project | None = None, given: str | None = None) -> str:
    """The coder's name: ``given``, else the project's setting, else ``$CODER_NAME``, else the OS user."""
    if given and given.strip():
        return clean(given)
    if project is not None:
        stored = project.setting(SETTING)
        if stored:
            return stored
    env = os.environ.get(ENVIRONMENT, "").strip()
    if env:
        return clean(env)
    from coder.ingest.service import default_coder

    return default_coder()


def source_of(project: Project | None = None, given: str | None = None) -> str:
    """Where :func:`current` found the name, in words (for ``coder whoami``)."""
    if given and given.strip():
        return "given with --coder"
    if project is not None and project.setting(SETTING):
        return f"the project's setting (coder whoami {project.path.name} --set …)"
    if os.environ.get(ENVIRONMENT, "").strip():
        return f"the environment variable {ENVIRONMENT}"
    return "the user name of the operating system"


def set_coder(project: Project, name: str | None, by: str | None = None) -> str | None:
    """Name the coder of this copy of the project (None forgets the name); one undoable action."""
    value = clean(name) if name is not None else None
    who = by or value or current(project)
    with project.action("setting", f"coder of this copy: {value or 'not set'}", who):
        project.put_setting(SETTING, value)
    return value


def consensus_name(project: Project) -> str:
    """The coder name consensus codings are recorded under (default «consensus»)."""
    return project.setting(CONSENSUS_SETTING) or CONSENSUS
