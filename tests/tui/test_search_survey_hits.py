"""A search hit in a survey answer says who answered: the respondent and their attributes, not only the question."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.conftest import survey_project
from tests.tui.pilot import drive, keys

ANSWERS = ["Ventetiden er for lang hos oss.", "Vi har godt samarbeid.", "Lang ventetid i hele fylket."]


def test_survey_hits_name_the_respondent_and_attributes(tmp_path):
    survey_project(tmp_path, ANSWERS, kind="Interkommunal").close()

    async def script(app, pilot):
        await keys(pilot, "slash")
        await pilot.press(*"ventetid")
        await keys(pilot, "enter")
        listing = app.screen.query_one("#search-hits", OptionList)
        return [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]

    shown = drive(tmp_path / "p.coder", script)
    heads = [line.split("\n")[0] for line in shown]
    assert len(heads) == 2 and all(h.startswith("svar") for h in heads), heads
    assert sorted(h.split(" · ")[1] for h in heads) == ["R1", "R3"], heads
    assert all(h.split(" · ")[2] == "Interkommunal" for h in heads), heads
