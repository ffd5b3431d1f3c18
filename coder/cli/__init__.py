"""The command line (``coder …``): thin commands over the services, one module per command group.

This file only imports the command modules so that they register themselves on ``main``; the group and the
shared helpers are in :mod:`coder.cli.common`. No module outside ``coder/cli/`` imports this package.
"""

from coder.cli import (  # noqa: F401  (each registers its commands on main)
    chapter,
    check,
    codebook,
    nlp,
    project,
    quotes,
    refi,
    suggest,
    tables,
    team,
    themes,
)
from coder.cli.common import main

__all__ = ["main"]
