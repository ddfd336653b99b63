"""The Settings rows of the intake lane: who may send, and whether AI parsing is on."""

from __future__ import annotations

import pytest

from sheets_bot.domain.inbound import parse_allowlist, sender_allowed
from sheets_bot.ports import Cell, Grid
from sheets_bot.sheet.layout import SETTINGS, load_layout
from sheets_bot.sheet.settings import read_settings
from sheets_bot.sheet.table import Table


def settings_table(rows: list[list[str]]) -> Table:
    grid: Grid = [["Setting", "Value"]]
    grid.extend(list[Cell](row) for row in rows)
    return Table.from_grid(load_layout().tab(SETTINGS), grid)


def test_allowlist_entries() -> None:
    assert parse_allowlist(" Sam@Shop.example; @Supplier.example  jo@x.example,") == (
        "sam@shop.example",
        "@supplier.example",
        "jo@x.example",
    )
    assert parse_allowlist("none") == ()
    assert parse_allowlist("") == ()


@pytest.mark.parametrize("bad", ["sam", "@localhost", "a@b@c.example"])
def test_allowlist_refuses_what_is_not_an_address_or_domain(bad: str) -> None:
    with pytest.raises(ValueError, match="is not an address or an @domain"):
        parse_allowlist(f"ok@shop.example, {bad}")


def test_the_owner_is_always_allowed() -> None:
    assert sender_allowed("Owner@Shop.example", (), "owner@shop.example")
    assert not sender_allowed("someone@shop.example", (), "owner@shop.example")
    assert not sender_allowed("", ("@shop.example",), None)


def test_settings_rows_are_read_and_a_bad_one_is_a_located_problem() -> None:
    settings, problems = read_settings(
        settings_table([["Allowed senders", "@shop.example, sam"], ["AI parsing", "Yes"]])
    )
    assert settings.allowed_senders == ()
    assert settings.ai_parsing is True
    [problem] = problems
    assert (problem.row, problem.column, problem.value) == (2, "Value", "@shop.example, sam")
    assert "'sam' is not an address or an @domain" in problem.message

    settings, problems = read_settings(settings_table([["AI parsing", "maybe"]]))
    assert settings.ai_parsing is False
    assert "must be yes or no" in problems[0].message


def test_new_sheets_get_the_intake_settings_with_safe_defaults() -> None:
    defaults = {setting.key: setting.value for setting in load_layout().settings}
    assert (defaults["Allowed senders"], defaults["AI parsing"]) == ("none", "no")
    settings, problems = read_settings(settings_table([[k, v] for k, v in defaults.items()]))
    assert problems == []
    assert (settings.allowed_senders, settings.ai_parsing) == ((), False)
