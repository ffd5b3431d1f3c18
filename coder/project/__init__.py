"""Project files as the two faces (``cli/``, ``tui/``) get them: created, opened, opened for work under the lock."""
