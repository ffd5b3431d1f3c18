"""coder: code Norwegian qualitative data in the terminal, offline."""

__version__ = "0.1.0"
