"""Coding: every edit a researcher makes on codings, memos, the codebook and the quick keys 1–9
(``service.py``: one undoable action each)."""
