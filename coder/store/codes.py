"""The project's codebook in the project file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from coder.codebook import ordered
from coder.model import Code, Codebook
from coder.store.base import ProjectBase


@dataclass
class CodebookReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the project, not in the file: kept with their codings


class CodesMixin(ProjectBase):
    def codebook(self) -> Codebook:
        rows = self.conn.execute(
            "SELECT id, label, description, colour, parent_id, keywords, examples FROM code ORDER BY position, id"
        )
        codes = [Code(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6])) for r in rows]
        name = self.setting("codebook_name") or self.path.stem
        return Codebook(name, codes, int(self.setting("codebook_version") or 0))

    def code_counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT code_id, count(*) FROM coding GROUP BY code_id"))

    def merge_codebook(self, codebook: Codebook) -> CodebookReport:
        """Add and update codes by id (call inside a transaction). Codes not in
        ``codebook`` stay, with their codings. The codebook version goes up on any change."""
        existing = {c.id: c for c in self.codebook().codes}
        report = CodebookReport()
        base = len(existing)
        for position, code in enumerate(ordered(codebook.codes)):
            row = {
                "id": code.id,
                "parent_id": code.parent,
                "label": code.label,
                "description": code.description,
                "colour": code.colour,
                "keywords": json.dumps(code.keywords, ensure_ascii=False),
                "examples": json.dumps(code.examples, ensure_ascii=False),
                "position": position,
            }
            old = existing.get(code.id)
            if old is None:
                report.added.append(code.id)
                row["position"] = base + position
                self.db["code"].insert(row)
            elif asdict(old) != asdict(code):
                report.updated.append(code.id)
                row.pop("position")
                self.db["code"].update(code.id, row)
            else:
                report.unchanged.append(code.id)
        ids = {c.id for c in codebook.codes}
        report.kept = [i for i in existing if i not in ids]
        if report.added or report.updated:
            version = int(self.setting("codebook_version") or 0) + 1
            self.set_setting("codebook_version", str(version))
        if not self.setting("codebook_name"):
            self.set_setting("codebook_name", codebook.name)
        return report
