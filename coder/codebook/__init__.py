"""The codebook: its files (``files.py``: YAML/JSON read, validated, written) and ``service.load_into``, the one
way a codebook file — YAML, JSON or REFI-QDA ``.qdc`` — enters a project."""
