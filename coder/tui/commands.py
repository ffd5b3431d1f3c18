"""Every command of the app in the command palette (ctrl+p), in one provider."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (name, help, action on the app or screen)
COMMANDS: list[tuple[str, str, str]] = [
    ("Search all sources", "words and lemmas, ~ by meaning too; Enter jumps, a codes all hits (/)", "screen.search"),
    ("Retrieve coded passages", "every passage of the selected code, filtered by attributes (r)", "screen.retrieve"),
    (
        "More like this",
        "passages most like the coding in focus (in retrieval: the passage) not yet coded with its code (M)",
        "screen.more_like_this",
    ),
    (
        "Themes in a survey question",
        "a question's answers grouped by meaning; a theme becomes a code, its answers suggestions (t in Sources)",
        "screen.themes",
    ),
    (
        "Anonymisation check",
        "names, places, phone numbers, fødselsnummer … that slipped through; dismiss or pseudonymise (A)",
        "screen.anonymisation_check",
    ),
    (
        "Tables for the report",
        "code frequencies, codes × attribute with n and percent, co-occurrence; export .xlsx .csv .md (T)",
        "screen.tables",
    ),
    (
        "Whose codings",
        "show everyone's codings, one coder's, or where two coders differ (w)",
        "screen.coder_view",
    ),
    (
        "Intercoder agreement",
        "per code and overall: percent, Cohen's kappa, Krippendorff's alpha, spans, characters (I)",
        "screen.agreement",
    ),
    (
        "Consensus",
        "walk the coders' disagreements one by one: a/b take a coder's, k both, n neither, u undo (C)",
        "screen.consensus",
    ),
    (
        "Review suggestions",
        "the queue of suggestions one by one: a accept, x reject, space skip, u undo (R)",
        "screen.review",
    ),
    (
        "Accept the suggestion",
        "the highlighted one in the Suggested panel, for the segment at the cursor (a)",
        "screen.accept_suggestion",
    ),
    ("Reject the suggestion", "never suggested again for this segment (x)", "screen.reject_suggestion"),
    (
        "Next suggestion",
        "move the highlight in the Suggested panel (; or ctrl+↓, ctrl+↑ back)",
        "screen.next_suggestion",
    ),
    (
        "Accept all suggestions above the threshold in this source",
        "asks first, says how many; one action (ctrl+a)",
        "screen.accept_all",
    ),
    ("Pick a code for the selection", "fuzzy code picker (c)", "screen.pick"),
    ("Code in vivo", "a new code named by the selected words (v)", "screen.in_vivo"),
    ("Remove the coding at the cursor", "(delete, backspace)", "screen.uncode"),
    ("Change the code of the coding at the cursor", "(e)", "screen.recode"),
    ("Memo", "on the coding, segment, source or code in focus (m)", "screen.memo"),
    ("Mark as candidate quote", "the coding at the cursor (*)", "screen.quote"),
    ("Undo", "the last action, also after a restart (u)", "screen.undo"),
    ("Redo", "(ctrl+r)", "screen.redo"),
    ("New code", "under the selected code (n in the codebook)", "screen.new_code"),
    ("New top-level code", "(N in the codebook)", "screen.new_top_code"),
    ("Rename code", "the selected code (e in the codebook)", "screen.rename_code"),
    ("Describe code", "the selected code's description (d in the codebook)", "screen.describe_code"),
    ("Recolour code", "(k in the codebook)", "screen.recolour_code"),
    ("Move code under another", "(M in the codebook)", "screen.move_code"),
    ("Merge code into another", "codings follow (g in the codebook)", "screen.merge_code"),
    ("Delete code", "asks first, says how many codings go (x in the codebook)", "screen.delete_code"),
    ("Pin code to a number key", "(p in the codebook)", "screen.pin_code"),
    ("Filter sources", "by words or key=value (f)", "screen.filter"),
    ("Import files", "interviews and documents: .txt .md .docx .vtt .srt", "app.import_files"),
    ("Import a survey", "open-text answers from .csv or .xlsx; you confirm the columns", "app.import_survey"),
    ("Load a codebook", "YAML or JSON; adds and updates codes by id", "app.load_codebook"),
    ("Toggle light / dark theme", "(ctrl+t)", "app.toggle_dark"),
    ("Help: every key", "(?)", "app.help"),
    ("Quit", "(q)", "app.quit"),
]


class CoderCommands(Provider):
    async def discover(self) -> Hits:
        for name, help_text, action in COMMANDS:
            yield DiscoveryHit(name, partial(self.app.run_action, action, self.app.screen), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.run_action, action, self.app.screen),
                    help=help_text,
                )
