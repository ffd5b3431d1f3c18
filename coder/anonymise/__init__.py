"""The anonymisation check (issue 4, item 5): candidate identifiers in the project's sources, and the two
decisions on each — dismiss (remembered) or pseudonymise (replaced everywhere by a consistent tag).

``detect`` finds identifiers that have a shape (e-mail, phone, fødselsnummer, date of birth, address);
``fnr`` checks fødselsnummer; ``allow`` is the default allow-list; ``pseudonyms`` holds the tags and the
offset arithmetic; ``candidates`` finds the candidates (``run_check``); ``check`` decides on them (dismiss,
pseudonymise, allow) and is the service the CLI (``coder check``) and the TUI call, re-exporting the finding.
"""
