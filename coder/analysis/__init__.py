"""Analysis for the report: tables of code frequencies, codes × an attribute, code co-occurrence.

- ``tables.py`` — the table objects and how a report prints their numbers (pure: counts in, table out);
- ``service.py`` — one table from a project: resolves sources, attribute and filter, asks the store to count;
- ``formats.py`` — a table as Markdown, CSV (``;`` and decimal comma for Norwegian Excel) or XLSX.
"""
