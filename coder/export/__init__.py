"""Exports for the report: quotes (DOCX, Markdown, CSV, XLSX) and the respondent × code matrix.

- :mod:`coder.export.passages` is what an export is made of (``Quote``, ``Section``, ``QuoteExport``, the trace
  rows), shared by the code that chooses and the writers;
- :mod:`coder.export.quotes` gathers the quotes a chapter needs (codes, a filter, ★ marks) into a
  ``QuoteExport`` and hands it to the writer for the format asked for;
- :mod:`coder.export.attribution` renders ``(Kommunal PP-leder)`` from a template over the case's attributes;
- :mod:`coder.export.chapters` maps codes to the report's chapters;
- :mod:`coder.export.docx_writer` and :mod:`coder.export.tabular` are the writers;
- :mod:`coder.export.matrix` is the 0/1 respondent × code table for a statistics package;
- :mod:`coder.export.guard` lists identifiers the anonymisation check has not had reviewed in what is exported;
- :mod:`coder.export.report_text` is the cleanup assist for a quote's report text (pure);
- :mod:`coder.export.service` sets and clears report texts and the quote style (undoable actions).

No SQL here (the store reads) and no Textual (the TUI and the CLI call these).
"""
