"""The project's codebook in the project file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from coder.model import Code, Codebook, ordered, plain
from coder.store.changes import ChangesMixin


@dataclass
class CodebookReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the project, not in the file: kept with their codings


def _cleaned(code: Code) -> Code:
    """``code`` as the project keeps it, its texts plain (:func:`coder.model.plain`): a file with a control
    character in a label is then no update at every import."""
    return Code(
        code.id,
        plain(code.label),
        plain(code.description, multiline=True),
        plain(code.colour),
        code.parent,
        [plain(k) for k in code.keywords],
        [plain(e, multiline=True) for e in code.examples],
    )


def _code_text(code: Code) -> dict:
    """A code's text columns as the project keeps them: plain, the lists as JSON."""
    code = _cleaned(code)
    return {
        "label": code.label,
        "description": code.description,
        "colour": code.colour,
        "keywords": json.dumps(code.keywords, ensure_ascii=False),
        "examples": json.dumps(code.examples, ensure_ascii=False),
    }


class CodesMixin(ChangesMixin):
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
                **_code_text(code),
                "position": position,
            }
            old = existing.get(code.id)
            if old is None:
                report.added.append(code.id)
                row["position"] = base + position
                self.db["code"].insert(row)
            elif asdict(old) != asdict(_cleaned(code)):
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


class CodeEditsMixin(CodesMixin):
    """Codebook edits made in the app: each call is part of an undoable action."""

    def code(self, code_id: str) -> Code:
        for code in self.codebook().codes:
            if code.id == code_id:
                return code
        raise KeyError(f"code {code_id}")

    def add_code(self, code: Code) -> None:
        position = self.conn.execute("SELECT coalesce(max(position), -1) + 1 FROM code").fetchone()[0]
        self._insert(
            "code",
            {
                "id": code.id,
                "parent_id": code.parent,
                **_code_text(code),
                "position": position,
            },
        )

    def update_code(self, code_id: str, **changes) -> None:
        """Change ``label``, ``description``, ``colour``, ``keywords``, ``examples``, ``parent_id`` or ``position``."""
        for key in ("label", "colour", "description"):
            if key in changes:
                changes[key] = plain(changes[key], multiline=key == "description")
        for key in ("keywords", "examples"):
            if key in changes:
                cleaned = [plain(t, multiline=key == "examples") for t in changes[key]]
                changes[key] = json.dumps(cleaned, ensure_ascii=False)
        self._update("code", code_id, changes)

    def code_children(self, code_id: str | None) -> list[str]:
        if code_id is None:
            rows = self.conn.execute("SELECT id FROM code WHERE parent_id IS NULL ORDER BY position, id")
        else:
            rows = self.conn.execute("SELECT id FROM code WHERE parent_id = ? ORDER BY position, id", (code_id,))
        return [r[0] for r in rows]

    def descendants(self, code_id: str) -> list[str]:
        out, todo = [], [code_id]
        while todo:
            for child in self.code_children(todo.pop()):
                out.append(child)
                todo.append(child)
        return out

    def delete_code(self, code_id: str) -> int:
        """Delete a code, its codings, memo and quote marks; its children move up to its parent.
        Returns how many codings went."""
        parent = self._row("code", code_id)["parent_id"]
        for child in self.code_children(code_id):
            self._update("code", child, {"parent_id": parent})
        codings = [r[0] for r in self.conn.execute("SELECT id FROM coding WHERE code_id = ?", (code_id,))]
        for coding_id in codings:
            self.remove_coding(coding_id)  # type: ignore[attr-defined]
        for (memo_id,) in self.conn.execute(
            "SELECT id FROM memo WHERE target_kind = 'code' AND target_id = ?", (code_id,)
        ).fetchall():
            self._delete("memo", memo_id)
        self._delete("code", code_id)
        return len(codings)

    def merge_codes(self, source_id: str, target_id: str) -> int:
        """Fold code ``source_id`` into ``target_id``: its codings, children and memo follow;
        a coding the target already has on the same span is not doubled. Returns codings moved."""
        if source_id == target_id:
            raise ValueError("a code cannot be merged into itself")
        if target_id in self.descendants(source_id):
            raise ValueError("a code cannot be merged into one of its own sub-codes")
        moved = 0
        for coding_id, src, start, end, coder in self.conn.execute(
            'SELECT id, source_id, start, "end", coder FROM coding WHERE code_id = ?', (source_id,)
        ).fetchall():
            if self.find_coding(src, start, end, target_id, coder) is not None:  # type: ignore[attr-defined]
                self.remove_coding(coding_id)  # type: ignore[attr-defined]
            else:
                self._update("coding", coding_id, {"code_id": target_id})
                moved += 1
        for child in self.code_children(source_id):
            self._update("code", child, {"parent_id": target_id})
        memos = self.conn.execute(
            "SELECT id, text FROM memo WHERE target_kind = 'code' AND target_id = ?", (source_id,)
        ).fetchall()
        target_memo = self.conn.execute(
            "SELECT id, text FROM memo WHERE target_kind = 'code' AND target_id = ?", (target_id,)
        ).fetchone()
        for memo_id, text in memos:
            if target_memo is None:
                self._update("memo", memo_id, {"target_id": target_id})
                target_memo = (memo_id, text)
            else:
                self._update("memo", target_memo[0], {"text": plain(f"{target_memo[1]}\n\n{text}", multiline=True)})
                self._delete("memo", memo_id)
        self._delete("code", source_id)
        return moved

    def move_code(self, code_id: str, parent: str | None) -> None:
        """Make ``code_id`` a child of ``parent`` (None: a top-level code), last among its siblings."""
        if parent == code_id or (parent is not None and parent in self.descendants(code_id)):
            raise ValueError("a code cannot be moved under itself or its own sub-codes")
        position = self.conn.execute("SELECT coalesce(max(position), -1) + 1 FROM code").fetchone()[0]
        self._update("code", code_id, {"parent_id": parent, "position": position})

    def shift_code(self, code_id: str, step: int) -> bool:
        """Move a code up (-1) or down (+1) among its siblings; False at either end."""
        parent = self._row("code", code_id)["parent_id"]
        siblings = self.code_children(parent)
        i = siblings.index(code_id)
        j = i + step
        if not 0 <= j < len(siblings):
            return False
        siblings[i], siblings[j] = siblings[j], siblings[i]
        for position, sibling in enumerate(siblings):
            base = self._row("code", sibling)["position"]
            if base != position:
                self._update("code", sibling, {"position": position})
        return True
