"""The codebook panel: the code tree with colours, quick keys and counts, and the selected code's details.

Its editing keys (n, e, d, c, M, K, J, g, x, p; j/k move) are its own: the actions are in ``codebook_keys.py``."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree

from coder.coding import service as editing
from coder.model import Code
from coder.tui.literal import plain_text, swatch
from coder.tui.shorten import distinct
from coder.tui.widgets.codebook_keys import CodebookKeys
from coder.tui.widgets.suggestions import SuggestionsPanel


class CodebookPanel(CodebookKeys, Vertical):
    """Codes as a tree: ``1 ■ Kapasitet 3/42`` = quick key, colour, codings in this source / in all.

    The screen sets ``project`` and ``coder`` (attributes down); an edit posts :class:`CodebookKeys.Edited` up."""

    BINDINGS = [
        Binding("enter", "apply_selected", "apply"),
        Binding("n", "new_code", "new"),
        Binding("N", "new_top_code", "new top-level", show=False),
        Binding("e,f2", "rename_code", "rename"),
        Binding("d", "describe_code", "description", show=False),
        Binding("c", "recolour_code", "colour", show=False),
        Binding("j", "step(1)", "down", show=False),
        Binding("k", "step(-1)", "up", show=False),
        Binding("M", "move_code", "move under…", show=False),
        Binding("K", "shift_code(-1)", "move up", show=False),
        Binding("J", "shift_code(1)", "move down", show=False),
        Binding("g", "merge_code", "merge"),
        Binding("delete,x", "delete_code", "delete"),
        Binding("p", "pin_code", "pin 1-9"),
    ]

    class Highlighted(Message):
        def __init__(self, code_id: str | None) -> None:
            super().__init__()
            self.code_id = code_id

    class Chosen(Message):
        """Enter on a code: apply it to the reader's selection."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: list[Code] = []
        self.quick: list[str] = []
        self.here: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self.memos: set[str] = set()
        self.pinned: set[str] = set()
        self._drawn_width = 0  # the tree's width the labels were shortened for

    def compose(self) -> ComposeResult:
        tree: Tree[str | None] = Tree("Codes", id="code-tree")
        tree.show_root = False
        tree.guide_depth = 2
        tree.show_guides = False
        yield tree
        yield Static(id="code-detail")
        yield SuggestionsPanel(id="suggestions")  # hidden until the suggestion engine is ready

    @property
    def code_tree(self) -> Tree:
        return self.query_one("#code-tree", Tree)

    @property
    def selected(self) -> str | None:
        node = self.code_tree.cursor_node
        return node.data if node is not None else None

    def reload(self, here: dict[str, int], select: str | None = None) -> list[Code]:
        """Read the codebook from the project and draw it (``here``: codings per code in the open source)."""
        project = self.project
        codes = project.codebook().codes
        quick, pinned = editing.quick_codes(project), set(editing.pinned(project))
        self.set_codes(codes, quick, here, project.code_counts(), project.memo_targets("code"), pinned, select)
        return codes

    def set_codes(
        self,
        codes: list[Code],
        quick: list[str],
        here: dict[str, int],
        total: dict[str, int],
        memos: set[str],
        pinned: set[str],
        select: str | None = None,
    ) -> None:
        self.codes, self.quick, self.here, self.total = codes, quick, here, total
        self.memos, self.pinned = memos, pinned
        tree = self.code_tree
        keep = select or self.selected
        tree.clear()
        children: dict[str | None, list[Code]] = {}
        known = {c.id for c in codes}
        for code in codes:
            children.setdefault(code.parent if code.parent in known else None, []).append(code)
        target = None
        names = self._names(codes, children)
        self._drawn_width = self.code_tree.scrollable_content_region.width

        def add(node, parent: str | None) -> None:
            nonlocal target
            for code in children.get(parent, []):
                kids = children.get(code.id)
                label = self._label(code, names[code.id])
                child = node.add(label, data=code.id, expand=True) if kids else node.add_leaf(label, data=code.id)
                if code.id == keep:
                    target = child
                if kids:
                    add(child, code.id)

        add(tree.root, None)
        if target is not None:
            self.call_after_refresh(tree.move_cursor, target)
        elif codes:
            tree.cursor_line = 0
        self._show_detail()

    def _counts(self, code_id: str) -> str:
        here, total = self.here.get(code_id, 0), self.total.get(code_id, 0)
        return (f" {here}/{total}" if here else f" ·/{total}") if total else ""

    def _names(self, codes: list[Code], children: dict[str | None, list[Code]]) -> dict[str, str]:
        """Each code's label as its row has room for it, the rows told apart (coder/tui/shorten.py): under
        «Samarbeid og samhandling» the rows read «…skole», «…barnehage», not four times «Samarbeid med». The row
        costs its indent (2 a level, 2 more for ▼), the key and swatch (4), the counts and the memo mark."""
        width = self.code_tree.scrollable_content_region.width
        labels = {c.id: plain_text(c.label) for c in codes}
        if width <= 0:
            return labels
        depth: dict[str, int] = {}

        def walk(parent: str | None, level: int) -> None:
            for code in children.get(parent, []):
                depth[code.id] = level
                walk(code.id, level + 1)

        walk(None, 0)
        shown = [c for c in codes if c.id in depth]
        rooms = [
            width
            - 2 * depth[c.id]
            - (2 if c.id in children else 0)
            - 4
            - len(self._counts(c.id))
            - (2 if c.id in self.memos else 0)
            for c in shown
        ]
        parents = [labels.get(c.parent) if c.parent else None for c in shown]
        short = distinct([labels[c.id] for c in shown], [max(r, 3) for r in rooms], parents)
        return labels | {c.id: name for c, name in zip(shown, short, strict=True)}

    def _label(self, code: Code, name: str | None = None) -> Text:
        label = Text()
        key = str(self.quick.index(code.id) + 1) if code.id in self.quick else " "
        label.append(key + " ", "bold" if code.id in self.pinned else "dim")
        label.append("■ ", swatch(code.colour))
        label.append(name if name is not None else plain_text(code.label))
        if counts := self._counts(code.id):
            label.append(counts, "dim")
        if code.id in self.memos:
            label.append(" ✎", "dim")
        return label

    def on_resize(self) -> None:
        self.call_after_refresh(self._relabel)

    def _relabel(self) -> None:
        """The rows' room changed: shorten the labels for it, in place (a rebuilt tree would move its cursor)."""
        width = self.code_tree.scrollable_content_region.width
        if not self.codes or width == self._drawn_width:
            return
        self._drawn_width = width
        by_id = {c.id: c for c in self.codes}
        children: dict[str | None, list[Code]] = {}
        for code in self.codes:
            children.setdefault(code.parent if code.parent in by_id else None, []).append(code)
        names = self._names(self.codes, children)
        nodes = list(self.code_tree.root.children)
        while nodes:
            node = nodes.pop()
            nodes.extend(node.children)
            if node.data in by_id:
                node.set_label(self._label(by_id[node.data], names[node.data]))

    def _show_detail(self) -> None:
        detail = self.query_one("#code-detail", Static)
        code = next((c for c in self.codes if c.id == self.selected), None)
        if code is None:
            detail.update(Text("No codes yet: n adds one, or load a codebook (ctrl+p).", "dim"))
            return
        text = Text()
        text.append("■ ", swatch(code.colour))
        text.append(plain_text(code.label), "bold")
        if code.id in self.pinned:
            text.append("  pinned", "dim")
        if code.description:
            text.append("\n" + plain_text(code.description, multiline=True))
        if code.keywords:
            text.append("\n" + plain_text(", ".join(code.keywords)), "dim italic")
        detail.update(text)

    @on(Tree.NodeHighlighted, "#code-tree")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self._show_detail()
        self.post_message(self.Highlighted(event.node.data))

    def action_step(self, step: int) -> None:
        tree = self.code_tree
        tree.action_cursor_down() if step > 0 else tree.action_cursor_up()

    def action_apply_selected(self) -> None:
        if self.selected:
            self.post_message(self.Chosen(self.selected))

    @on(Tree.NodeSelected, "#code-tree")
    def _chosen(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Chosen(event.node.data))
