"""The merge steps for what other rows point at: B's coder names, the codebook, cases and attributes, sources
with their segments, and codings. Each step writes into C (the copy of A) and returns how B's ids map to C's,
which the steps of :mod:`coder.team.merge_annotations` follow; :func:`coder.team.service.merge_projects` runs
them in order inside one transaction.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import TYPE_CHECKING

from coder.errors import CoderError
from coder.model import Code, ordered
from coder.team.merge_plan import Conflict, MergePlan

if TYPE_CHECKING:
    from coder.store import Project


class ContentSteps(MergePlan):
    """Writes B's codebook, cases, sources and codings into C (one method per table group)."""

    def rename_b(self) -> Counter:
        """Apply the coder maps to B's rows in memory (B's file is never written); rows renamed per map."""
        counts: Counter = Counter()
        if not self.maps:
            return counts
        for table, col in (
            ("coding", "coder"),
            ("memo", "coder"),
            ("suggestion", "decided_by"),
            ("identifier_decision", "coder"),
            ("action", "coder"),
        ):
            for row in self.b_rows[table]:
                m = next((m for m in self.maps if row[col] == m.old and m.scope in ("", "B")), None)
                if m is not None:
                    row[col] = m.new
                    counts[m] += 1
        self.report.coders_b = dict(Counter(row["coder"] for row in self.b_rows["coding"]))
        return counts

    def codes(self, c: Project) -> None:
        mine = {r["id"]: r for r in c.rows_of("code")}
        position = max((r["position"] for r in mine.values()), default=-1) + 1
        b_codes = self.b_rows["code"]
        books = [Code(r["id"], r["label"], parent=r["parent_id"]) for r in b_codes]
        by_id = {r["id"]: r for r in b_codes}
        added: list[str] = []
        for code in ordered(books):
            row = by_id[code.id]
            if code.id in mine:
                if code.id in self.take_b_codes:
                    changes = {k: row[k] for k in ("label", "description", "colour", "keywords", "examples")}
                    c.raw_update("code", {"id": code.id}, changes)
                    self.changes += 1
                continue
            c.raw_insert(
                "code", {**{k: row[k] for k in row if k != "parent_id"}, "parent_id": None, "position": position}
            )
            position += 1
            added.append(code.id)
        for code_id in [*added, *sorted(self.take_b_codes)]:
            parent = by_id[code_id]["parent_id"]
            if parent is not None:
                c.raw_update("code", {"id": code_id}, {"parent_id": parent})
        if added or self.take_b_codes:
            self.changes += len(added)
            _check_tree({r["id"]: r["parent_id"] for r in c.rows_of("code")})
            version = int(c.setting("codebook_version") or 0) + 1
            c.set_setting("codebook_version", str(version))
        self.report.codes_added = added

    def cases(self, c: Project) -> dict[int, int]:
        """B case id → C case id; attributes merged."""
        mine = {r["name"]: r["id"] for r in c.rows_of("case")}
        mapping: dict[int, int] = {}
        for row in self.b_rows["case"]:
            if row["name"] not in mine:
                mine[row["name"]] = c.raw_insert("case", {"name": row["name"]})
                self.report.cases_added += 1
                self.changes += 1
            mapping[row["id"]] = mine[row["name"]]
        names = {v: k for k, v in mine.items()}
        attrs = {(r["case_id"], r["key"]): r for r in c.rows_of("attribute")}
        for row in self.b_rows["attribute"]:
            case_id = mapping[row["case_id"]]
            old = attrs.get((case_id, row["key"]))
            if old is None:
                c.raw_insert(
                    "attribute", {"case_id": case_id, "key": row["key"], "value": row["value"], "type": row["type"]}
                )
                self.report.attributes_added += 1
                self.changes += 1
            elif (old["value"], old["type"]) != (row["value"], row["type"]):
                kept, why = self.choice()
                self.report.conflicts.append(
                    Conflict("attribute", f"{names[case_id]} · {row['key']}", old["value"], row["value"], kept, why)
                )
                if kept == "B":
                    c.raw_update(
                        "attribute",
                        {"case_id": case_id, "key": row["key"]},
                        {"value": row["value"], "type": row["type"]},
                    )
                    self.changes += 1
        return mapping

    def sources(self, c: Project, cases: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
        """B source id → C source id and B segment id → C segment id; sources only in B copied."""
        r = self.report
        by_hash = {row["hash"]: row for row in c.rows_of("source")}
        names = {row["name"] for row in by_hash.values()}
        c_segments: dict[int, list[dict]] = {}
        for seg in c.rows_of("segment"):
            c_segments.setdefault(seg["source_id"], []).append(seg)
        b_segments: dict[int, list[dict]] = {}
        for seg in self.b_rows["segment"]:
            b_segments.setdefault(seg["source_id"], []).append(seg)
        nlp = {row["segment_id"]: row for row in self.b_rows["segment_nlp"]}
        source_map: dict[int, int] = {}
        segment_map: dict[int, int] = {}
        for row in self.b_rows["source"]:
            mine = by_hash.get(row["hash"])
            segs = b_segments.get(row["id"], [])
            if mine is not None:
                source_map[row["id"]] = mine["id"]
                r.sources_matched.append(mine["name"])
                ours = c_segments.get(mine["id"], [])
                spans = {(s["start"], s["end"]): s["id"] for s in ours}
                if [(s["start"], s["end"]) for s in ours] != [(s["start"], s["end"]) for s in segs]:
                    r.segmentation_differs.append(mine["name"])
                    r.notes.append(
                        f"«{mine['name']}» is segmented differently in the two files (another coder version?): "
                        f"{r.a.name}'s segments are kept; codings are offsets into the text and stay valid"
                    )
                starts = [s["start"] for s in ours]
                for seg in segs:
                    at = spans.get((seg["start"], seg["end"]))
                    if at is None and ours:
                        at = ours[max(0, bisect.bisect_right(starts, seg["start"]) - 1)]["id"]
                    if at is not None:
                        segment_map[seg["id"]] = at
                continue
            name = row["name"]
            if name in names:
                base, n = f"{name} ({r.b.stem})", 2
                name = base
                while name in names:
                    name, n = f"{base} {n}", n + 1
                r.sources_renamed.append((row["name"], name))
            names.add(name)
            new_id = c.raw_insert(
                "source",
                {
                    "kind": row["kind"],
                    "name": name,
                    "grp": row["grp"],
                    "text": row["text"],
                    "hash": row["hash"],
                    "case_id": cases.get(row["case_id"]) if row["case_id"] is not None else None,
                    "imported_at": row["imported_at"],
                    "meta": row["meta"],
                },
            )
            by_hash[row["hash"]] = {"id": new_id, "name": name}
            source_map[row["id"]] = new_id
            r.sources_added.append(name)
            self.changes += 1
            first = c.next_segment_id()
            for k, seg in enumerate(segs):
                seg_id = first + k
                c.raw_insert(
                    "segment",
                    {
                        "id": seg_id,
                        "source_id": new_id,
                        "ordinal": seg["ordinal"],
                        "start": seg["start"],
                        "end": seg["end"],
                        "speaker": seg["speaker"],
                        "t_start": seg["t_start"],
                        "t_end": seg["t_end"],
                        "case_id": cases.get(seg["case_id"]) if seg["case_id"] is not None else None,
                        "words": seg["words"],
                    },
                )
                c.index_segment(seg_id, row["text"][seg["start"] : seg["end"]])
                cached = nlp.get(seg["id"])
                if cached is not None:
                    c.copy_annotation(seg_id, cached["text_hash"], cached["model"], cached["data"])
                segment_map[seg["id"]] = seg_id
        return source_map, segment_map

    def codings(self, c: Project, sources: dict[int, int]) -> dict[int, int]:
        """B coding id → C coding id (the same coding, or the copy made). A copy keeps how it came (provenance); the
        same coding made the same way in both takes B's provenance where C's row has none (made before it was kept)."""
        r = self.report
        c_rows = {row["id"]: row for row in c.rows_of("coding")}
        have = {
            (row["source_id"], row["start"], row["end"], row["code_id"], row["coder"]): i for i, row in c_rows.items()
        }
        mapping: dict[int, int] = {}
        for row in self.b_rows["coding"]:
            key = (sources[row["source_id"]], row["start"], row["end"], row["code_id"], row["coder"])
            if key in have:
                r.codings_same += 1
                mine = c_rows.get(have[key])
                if mine and row["provenance"] and not mine["provenance"] and mine["origin"] == row["origin"]:
                    c.raw_update("coding", {"id": mine["id"]}, {"provenance": row["provenance"]})
                    mine["provenance"] = row["provenance"]
            else:
                have[key] = c.raw_insert(
                    "coding",
                    {
                        "source_id": key[0],
                        "start": row["start"],
                        "end": row["end"],
                        "code_id": row["code_id"],
                        "coder": row["coder"],
                        "origin": row["origin"],
                        "created_at": row["created_at"],
                        "status": row["status"],
                        "provenance": row["provenance"],
                    },
                )
                r.codings_added[row["coder"]] += 1
                self.changes += 1
            mapping[row["id"]] = have[key]
        return mapping


def _check_tree(parents: dict[str, str | None]) -> None:
    for start in parents:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                raise CoderError(f"the merged codebook would put code {start} under itself; align the codebooks first")
            seen.add(node)
            node = parents.get(node)
