"""The digest's list of items whose learned numbers are unsure: which items, in which order,
the cap, the reasons read back from Stock 'Numbers used', and both parts of the email."""

from __future__ import annotations

from dataclasses import replace

from sheets_bot.domain.digest import UNSURE_SHOWN, DigestData, UnsureItem, unsure_to_show
from sheets_bot.domain.learning import unsure_note, unsure_reasons
from tests.unit.test_digest import SCRIPT, bodies, compose, quiet_day

LITTLE = "little history (29 days, 28 with sales)"
OUTS = "3 stock-out days in the last 28: their demand is a lower bound"


def item(sku: str, *, move: str = "", in_draft: bool = False, sure: bool = False) -> UnsureItem:
    return UnsureItem(sku, f"Item {sku}", () if sure else (LITTLE,), in_draft, move)


def skus(items: tuple[UnsureItem, ...]) -> list[str]:
    return [i.sku for i in items]


# ---------------------------------------------------------------- the data


def test_drafted_items_first_then_other_due_ones_urgent_before_reorder() -> None:
    candidates = [
        item("R1", move="reorder"),
        item("U1", move="urgent"),
        item("D1", move="reorder", in_draft=True),
        item("R2", move="reorder"),
        item("D2", move="urgent", in_draft=True),
        item("U2", move="urgent"),
    ]
    shown, more = unsure_to_show(candidates, limit=10)
    assert skus(shown) == ["D2", "D1", "U1", "U2", "R1", "R2"]
    assert more == 0


def test_sure_items_and_items_neither_drafted_nor_due_add_nothing() -> None:
    candidates = [
        item("SURE", move="urgent", in_draft=True, sure=True),
        item("WATCH", move="watch"),
        item("STOCKED", move="stocked"),
        item("PAUSED", move="paused"),
        item("DRAFTED", move="stocked", in_draft=True),
        item("DUE", move="reorder"),
    ]
    shown, more = unsure_to_show(candidates)
    assert skus(shown) == ["DRAFTED", "DUE"]
    assert more == 0
    assert unsure_to_show([item("SURE", move="urgent", sure=True)]) == ((), 0)


def test_the_list_is_capped_and_the_rest_counted() -> None:
    candidates = [item(f"R{n}", move="reorder") for n in range(UNSURE_SHOWN + 3)]
    candidates.append(item("LAST-BUT-DRAFTED", move="reorder", in_draft=True))
    shown, more = unsure_to_show(candidates)
    assert len(shown) == UNSURE_SHOWN
    assert shown[0].sku == "LAST-BUT-DRAFTED"  # the cap keeps the most useful
    assert skus(shown[1:]) == [f"R{n}" for n in range(UNSURE_SHOWN - 1)]
    assert more == 4
    assert unsure_to_show(candidates, limit=0) == ((), UNSURE_SHOWN + 4)


def test_the_reasons_read_back_from_numbers_used_as_the_check_writes_it() -> None:
    for reasons in [(LITTLE,), (LITTLE, OUTS), ("demand changed from smooth to lumpy",)]:
        cell = f"learned rate ({unsure_note(reasons)})"
        assert unsure_reasons(cell) == reasons
        assert unsure_reasons(f"learned ({unsure_note(reasons)}) ") == reasons
    assert unsure_reasons("learned") == ()
    assert unsure_reasons("typed rate (12 of 28 days of history)") == ()
    assert unsure_reasons("") == ()


# ---------------------------------------------------------------- the email


def unsure_day(count: int) -> DigestData:
    candidates = [
        UnsureItem("COF-ESP-1K", "Espresso beans 1kg", (LITTLE, OUTS), True, "urgent"),
        *(item(f"R{n}", move="reorder") for n in range(count - 1)),
    ]
    shown, more = unsure_to_show(candidates)
    return replace(quiet_day(), unsure=shown, unsure_more=more)


def test_both_parts_list_the_unsure_items_with_their_reasons() -> None:
    data = unsure_day(2)
    assert not data.is_quiet_day
    text, page = bodies(compose(data))
    section = text.split("Unsure numbers\n", 1)[1]
    assert f"- Espresso beans 1kg (SKU COF-ESP-1K), in a draft: {LITTLE}; {OUTS}" in section
    assert f"- Item R0 (SKU R0), reorder, no draft yet: {LITTLE}" in section
    assert "more (see Stock" not in text
    assert "Unsure numbers</h2>" in page
    assert "Espresso beans 1kg" in page and "SKU COF-ESP-1K" in page
    assert f"{LITTLE}; {OUTS}" in page
    assert "in a draft" in page and "reorder, no draft yet" in page


def test_a_long_list_ends_with_and_n_more_in_both_parts() -> None:
    text, page = bodies(compose(unsure_day(UNSURE_SHOWN + 2)))
    assert "... and 2 more (see Stock 'Numbers used')" in text
    assert "... and 2 more (see Stock &#x27;Numbers used&#x27;)" in page
    assert text.count(", reorder, no draft yet: ") == UNSURE_SHOWN - 1


def test_no_unsure_items_no_section() -> None:
    text, page = bodies(compose(replace(unsure_day(1), unsure=(), unsure_more=0)))
    assert "Unsure numbers" not in text
    assert "Unsure numbers" not in page


def test_untrusted_names_and_reasons_are_escaped() -> None:
    data = replace(quiet_day(), unsure=(UnsureItem(SCRIPT, SCRIPT, (SCRIPT,), True, "urgent"),))
    _, page = bodies(compose(data))
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page
