"""The command line's shared parts: the ``coder`` group, the ``export`` group and the helpers every command uses.

A leaf: it imports no other module of ``coder.cli``. Each command module imports what it needs from here and
registers its commands on ``main`` (or ``export``) when ``coder/cli/__init__.py`` imports it — spaCy's
``cli/_util.py`` habit. Exit codes: 0 success, 1 an input error (``error: FILE[:LINE]: what is wrong``),
2 a usage error (click's own).

Nothing a command echoes reaches the terminal with a control character or an escape sequence in it, even from a
project an older coder wrote: while a command runs, ``click.echo`` is :func:`echo`, which shows every text plain
(:func:`coder.model.plain`). One place instead of every call; click's progress bars write their own cursor codes
through click's own ``echo`` and keep them.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coder import __version__
from coder.errors import CoderError
from coder.model import plain
from coder.project import service

if TYPE_CHECKING:
    from coder.store import Project


_click_echo = click.utils.echo


def echo(message: object = None, file=None, nl: bool = True, err: bool = False, color: bool | None = None) -> None:
    """``click.echo`` with the text plain: line breaks and tabs stay, control characters and escapes go."""
    if isinstance(message, str):
        message = plain(message, multiline=True)
    _click_echo(message, file=file, nl=nl, err=err, color=color)


@contextmanager
def plain_output() -> Iterator[None]:
    """Every ``click.echo`` of a command is :func:`echo` while the command runs."""
    before, click.echo = click.echo, echo
    try:
        yield
    finally:
        click.echo = before


class Group(click.Group):
    """Turns the errors users cause into one line on stderr and exit code 1; shows every text plain."""

    def invoke(self, ctx: click.Context):
        with plain_output():
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CoderError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:  # `coder … | head`: the reader has what it wanted
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing of the unfinished step was saved", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("CODER_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"error: unexpected failure ({type(exc).__name__}: {exc}); "
                "nothing of the unfinished step was saved. Run with CODER_DEBUG=1 for details.",
                err=True,
            )
            ctx.exit(1)


class CalledAs(click.Command):
    """A command registered in two groups (``coder tables`` and ``coder export tables``): the examples in its help,
    written ``coder NAME …``, are shown with the path it was called by, so each one can be copied as it stands."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        written = self.help
        if written:
            self.help = written.replace(f"coder {self.name} ", f"{ctx.command_path} ")
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = written


def project_path(value: str, must_exist: bool = True) -> Path:
    """``ppt`` finds ``ppt.coder``; a new project without a suffix gets one."""
    path = Path(value)
    if must_exist:
        if not path.exists() and not path.suffix and path.with_suffix(service.SUFFIX).exists():
            return path.with_suffix(service.SUFFIX)
        return path
    return path if path.suffix else path.with_suffix(service.SUFFIX)


def open_project(value: str) -> Project:
    """The project a command names (``ppt`` finds ``ppt.coder``). While another coder process holds its write lock,
    a write waits and says so once on stderr; after the store's patience, a clear error (never a traceback)."""
    path = project_path(value)
    told: list[float] = []

    def busy(waited: float) -> None:
        if not told:
            click.echo(f"{path}: the project is busy ({project.busy_with}) — waiting…", err=True)
        told.append(waited)

    project = service.open_project(path, on_busy=busy)
    return project


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coder")
def main() -> None:
    """coder: code Norwegian interviews and open-text answers, offline, in the terminal."""


@main.group()
def export() -> None:
    """Write what the project holds for a report or another program (quotes, tables, REFI-QDA)."""


def print_rows(rows: list[tuple[str, str]]) -> None:
    """Label/value rows aligned, values wrapped to the terminal (80 columns when unknown)."""
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    pad = max((len(label) for label, _ in rows), default=0) + 2
    for label, value in rows:
        lines = textwrap.wrap(plain(str(value)), width - pad, break_on_hyphens=False) or [""]
        click.echo(f"{label:<{pad}}{lines[0]}".rstrip())
        for line in lines[1:]:
            click.echo(" " * pad + line)


def warn(text: str) -> None:
    """``warning: …`` on stderr, wrapped to the terminal like the rows above it."""
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    click.echo(
        textwrap.fill(f"warning: {plain(text)}", width, subsequent_indent=" " * 9, break_on_hyphens=False), err=True
    )


def current_coder(project: Project | None = None, given: str | None = None) -> str:
    """Who is coding: ``given`` (--coder), else the project's setting, else $CODER_NAME, else the OS user."""
    from coder.team.identity import current

    return current(project, given)
