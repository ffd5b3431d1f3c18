"""REFI-QDA exchange with NVivo, ATLAS.ti, MAXQDA and QualCoder: ``.qdpx`` projects, ``.qdc`` codebooks.

Pure conversion, no SQL and no UI (``service.py`` joins it to the project file):

- ``model`` — the REFI project as plain objects, GUIDs and all;
- ``qde`` — QDA-XML written from and read into those objects;
- ``qdpx`` — the zip archive around ``project.qde`` and ``sources/``;
- ``positions`` — coder's offsets ↔ REFI positions (code points; CRLF; speaker labels);
- ``build`` — coder's domain objects → a REFI project; ``plan`` — a REFI project → what to save;
- ``guids`` — GUIDs that stay the same on every export.
"""
