"""The merge steps for what follows the codings and segments, and for the rest of the file: quotes, memos,
suggestion and anonymisation decisions, settings (consensus decisions among them), the log, and notes on coder
names. Each step is handed the id maps of :mod:`coder.team.merge_steps` and writes into C, reporting what
differs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from coder.model import CONSENSUS_PREFIX
from coder.team.identity import SETTING as CODER_SETTING
from coder.team.merge_plan import Conflict, MergePlan, mapped_name, similar_names

if TYPE_CHECKING:
    from coder.store import Project

#: settings that belong to one researcher's copy or to the file itself: never reported as differences
PERSONAL = {
    "theme",
    "quick_slots",
    "recent_codes",
    "pinned_codes",
    "created_at",
    "codebook_version",
    "codebook_name",
    "anonymise_salt",
    "anonymise_allow",
    CODER_SETTING,
}


class AnnotationSteps(MergePlan):
    """Writes B's quotes, memos, decisions, settings and log into C (one method per table group)."""

    def quotes(self, c: Project, codings: dict[int, int]) -> None:
        mine = {row["coding_id"]: row for row in c.rows_of("quote")}
        for row in self.b_rows["quote"]:
            coding_id = codings.get(row["coding_id"])
            if coding_id is None:
                continue
            old = mine.get(coding_id)
            if old is None:
                c.raw_insert(
                    "quote", {"coding_id": coding_id, "report_text": row["report_text"], "marked": row["marked"]}
                )
                self.report.quotes_added += 1
                self.changes += 1
                continue
            changes = {}
            if row["marked"] and not old["marked"]:
                changes["marked"] = 1
            if row["report_text"] and row["report_text"] != old["report_text"]:
                if not old["report_text"] or self.prefer == "b":
                    changes["report_text"] = row["report_text"]
                if old["report_text"]:
                    kept, why = self.choice()
                    self.report.conflicts.append(
                        Conflict(
                            "report text",
                            f"coding {coding_id}",
                            _short(old["report_text"]),
                            _short(row["report_text"]),
                            kept,
                            why,
                        )
                    )
            if changes:
                c.raw_update("quote", {"coding_id": coding_id}, changes)
                self.report.quotes_added += 1
                self.changes += 1

    def memos(self, c: Project, sources: dict, segments: dict, codings: dict) -> None:
        r = self.report
        mine: dict[tuple[str, str], dict] = {}
        for row in c.rows_of("memo"):
            mine.setdefault((row["target_kind"], row["target_id"]), row)
        for row in self.b_rows["memo"]:
            kind, target = row["target_kind"], row["target_id"]
            text = row["text"]
            mapped = {"source": sources, "segment": segments, "coding": codings}.get(kind)
            if mapped is not None:
                new = mapped.get(int(target)) if target.isdigit() else None
                if new is None:  # a memo on something B no longer has: kept on the project, saying so
                    kind, target, text = "project", "", f"({kind} {target} in {r.b.name}) {text}"
                else:
                    target = str(new)
            old = mine.get((kind, target))
            if old is None:
                new_id = c.raw_insert(
                    "memo",
                    {
                        "target_kind": kind,
                        "target_id": target,
                        "text": text,
                        "coder": row["coder"],
                        "updated_at": row["updated_at"],
                    },
                )
                mine[(kind, target)] = {"id": new_id, "text": text}
                r.memos_added += 1
            elif text in old["text"]:
                r.memos_same += 1
                continue
            elif old["text"] in text:
                c.raw_update(
                    "memo", {"id": old["id"]}, {"text": text, "coder": row["coder"], "updated_at": row["updated_at"]}
                )
                old["text"] = text
                r.memos_extended += 1
            else:
                joined = f"{old['text']}\n\n— {row['coder']}, {row['updated_at'][:10]}:\n{text}"
                c.raw_update("memo", {"id": old["id"]}, {"text": joined})
                old["text"] = joined
                r.memos_joined += 1
            self.changes += 1

    def decisions(self, c: Project, segments: dict[int, int]) -> None:
        mine = {(row["segment_id"], row["code_id"]): row for row in c.rows_of("suggestion")}
        fields = ("score", "evidence", "decision", "decided_by", "decided_at")
        for row in self.b_rows["suggestion"]:
            if row["decision"] is None:
                continue  # open suggestions are the engine's cache, computed again
            segment = segments.get(row["segment_id"])
            if segment is None:
                continue
            old = mine.get((segment, row["code_id"]))
            values = {k: row[k] for k in fields}
            if old is None:
                c.raw_insert("suggestion", {"segment_id": segment, "code_id": row["code_id"], **values})
            elif old["decision"] is None:
                c.raw_update("suggestion", {"id": old["id"]}, values)
            elif old["decision"] == row["decision"]:
                continue
            else:
                kept, why = self.choice()
                where = f"segment {segment} · {row['code_id']}"
                self.report.conflicts.append(
                    Conflict("suggestion decision", where, old["decision"], row["decision"], kept, why)
                )
                if kept == "A":
                    continue
                c.raw_update("suggestion", {"id": old["id"]}, values)
            self.report.decisions_added += 1
            self.changes += 1

    def identifiers(self, c: Project) -> None:
        rows = self.b_rows["identifier_decision"]
        if not rows:
            return
        mine_salt, b_salt = c.setting("anonymise_salt"), self.b.setting("anonymise_salt")
        mine = {(row["kind"], row["text_hash"]): row for row in c.rows_of("identifier_decision")}
        if mine_salt is None and not mine and b_salt is not None:
            c.set_setting("anonymise_salt", b_salt)  # A never hashed an identifier: take B's salt with its decisions
            mine_salt = b_salt
        if mine_salt != b_salt:
            dismissed = [row["text"] for row in rows if row["decision"] == "dismissed" and row["text"]]
            self.report.notes.append(
                f"{len(rows)} anonymisation decisions of {self.report.b.name} were made with another salt (the two "
                "files were not copies of one project) and are not carried over"
                + (f"; dismiss again: {', '.join(sorted(set(dismissed))[:10])}" if dismissed else "")
            )
            return
        for row in rows:
            old = mine.get((row["kind"], row["text_hash"]))
            if old is None:
                c.raw_insert("identifier_decision", {k: row[k] for k in row if k != "id"})
                self.report.identifiers_added += 1
                self.changes += 1
            elif old["decision"] != row["decision"]:
                self.report.conflicts.append(
                    Conflict(
                        "anonymisation decision",
                        f"{row['kind']} {row['text'] or '(hashed)'}",
                        old["decision"],
                        row["decision"],
                        "A",
                        "a pseudonymisation cannot be merged away",
                    )
                )

    def settings(self, c: Project, segments: dict[int, int]) -> None:
        r = self.report
        theirs = {row["key"]: row["value"] for row in self.b_rows["setting"]}
        mine = {row["key"]: row["value"] for row in c.rows_of("setting")}
        allow = sorted(
            set(json.loads(mine.get("anonymise_allow", "[]"))) | set(json.loads(theirs.get("anonymise_allow", "[]")))
        )
        if (
            allow
            and json.dumps(allow, ensure_ascii=False) != mine.get("anonymise_allow")
            and set(allow) != set(json.loads(mine.get("anonymise_allow", "[]")))
        ):
            c.set_setting("anonymise_allow", json.dumps(allow, ensure_ascii=False))
            self.changes += 1
        if mine.get(CODER_SETTING) and mine.get(CODER_SETTING) != theirs.get(CODER_SETTING):
            c.drop_setting(CODER_SETTING)
            r.notes.append(
                f"the copies name different coders ({mine[CODER_SETTING]}, {theirs.get(CODER_SETTING) or 'none'}): "
                f"{r.out.name} names none; each sets theirs with coder whoami {r.out.name} --set NAME"
            )
            self.changes += 1
        for key, value in theirs.items():
            if key.startswith(CONSENSUS_PREFIX):
                self.consensus_setting(c, key, value, mine, segments)
            elif key not in PERSONAL and key in mine and mine[key] != value:
                r.notes.append(f"setting {key} differs: {r.a.name}'s kept")
            elif key not in PERSONAL and key not in mine:
                c.set_setting(key, value)
                self.changes += 1

    def consensus_setting(self, c: Project, key: str, value: str, mine: dict, segments: dict[int, int]) -> None:
        parts = key.split("|")
        if len(parts) != 4 or not parts[2].isdigit() or int(parts[2]) not in segments:
            return
        new_key = "|".join([parts[0], parts[1], str(segments[int(parts[2])]), parts[3]])
        if new_key not in mine:
            c.set_setting(new_key, value)
            self.report.consensus_added += 1
            self.changes += 1
        elif mine[new_key] != value and json.loads(mine[new_key]).get("choice") != json.loads(value).get("choice"):
            self.report.conflicts.append(
                Conflict(
                    "consensus decision",
                    new_key.split("|", 2)[2],
                    json.loads(mine[new_key]).get("choice"),
                    json.loads(value).get("choice"),
                    "A",
                    "the first file's",
                )
            )

    def actions(self, c: Project) -> None:
        have = {(row["at"], row["coder"], row["kind"], _label(row["payload"])) for row in c.rows_of("action")}
        for row in self.b_rows["action"]:
            if row["undone"] != 0:
                continue  # undone actions did not happen
            key = (row["at"], row["coder"], row["kind"], _label(row["payload"]))
            if key in have:
                continue
            have.add(key)
            c.copy_action(row["at"], row["coder"], row["kind"], {"label": key[3], "merged_from": self.report.b.name})
            self.report.actions_copied += 1
            self.changes += 1

    def coder_notes(self, c: Project, sources: dict[int, int]) -> None:
        r = self.report
        names = set(r.coders_a) | set(r.coders_b)
        for x, y in similar_names(names):
            r.notes.append(f"«{x}» and «{y}» may be one person: join them with --map-coder '{x}={y}'")
        shared = set(sources.values())
        a_keys: dict[str, set] = {}
        b_keys: dict[str, set] = {}
        for row in self.a.rows_of("coding"):
            if row["source_id"] in shared:
                name = mapped_name(row["coder"], self.maps, "A")
                a_keys.setdefault(name, set()).add((row["source_id"], row["start"], row["end"], row["code_id"]))
        for row in self.b_rows["coding"]:
            key = (sources[row["source_id"]], row["start"], row["end"], row["code_id"])
            if key[0] in shared:
                b_keys.setdefault(row["coder"], set()).add(key)
        for name in sorted(set(a_keys) & set(b_keys)):
            if a_keys[name] - b_keys[name] and b_keys[name] - a_keys[name]:
                r.notes.append(
                    f"«{name}» coded the same sources differently in both files: kept as one coder's codings. If two "
                    f"people coded as «{name}», name one of them: --map-coder 'B:{name}=NAME'"
                )


def _label(payload: str) -> str:
    try:
        return str(json.loads(payload).get("label", ""))
    except (ValueError, AttributeError):
        return ""


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
