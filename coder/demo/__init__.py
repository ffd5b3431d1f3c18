"""The demo project (``coder demo``), built by ``service.py`` from the corpus and codebook that ship with coder."""
