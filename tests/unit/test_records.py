"""``with_changes``: the same record ``dataclasses.replace`` builds, or the record itself."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field, replace
from decimal import Decimal
from functools import cached_property

import pytest

from sheets_bot.domain.models import Item, ItemStatus
from sheets_bot.domain.records import with_changes

ITEM = Item(
    sku="COF-1",
    name="Coffee",
    supplier="Bean Bros",
    on_hand=3.0,
    daily_sales=1.5,
    lead_time_days=None,
    safety_buffer=0.0,
    pack_size=6,
    unit_cost=Decimal("4.20"),
    min_order=None,
    max_order=None,
    status=ItemStatus.ACTIVE,
    row=2,
)


def test_no_change_is_the_record_itself() -> None:
    assert with_changes(ITEM, supplier="Bean Bros", unit_cost=Decimal("4.20")) is ITEM


def test_a_change_is_what_replace_builds() -> None:
    changed = with_changes(ITEM, lead_time_days=4.0, supplier="Bean Bros Ltd")
    expected = replace(ITEM, lead_time_days=4.0, supplier="Bean Bros Ltd")
    assert changed == expected
    assert hash(changed) == hash(expected)
    assert vars(changed) == vars(expected)
    assert ITEM.lead_time_days is None  # the original is untouched
    with pytest.raises(AttributeError):
        changed.sku = "other"  # type: ignore[misc]


def test_an_equal_value_of_another_type_is_a_change() -> None:
    changed = with_changes(ITEM, on_hand=3)
    assert type(changed.on_hand) is int


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises((TypeError, AttributeError)):
        with_changes(ITEM, colour="red")


@dataclass(frozen=True)
class _Checked:
    value: int
    doubled: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")
        object.__setattr__(self, "doubled", self.value * 2)


@dataclass(frozen=True)
class _WithInitVar:
    value: int
    scale: InitVar[int] = 1


@dataclass(frozen=True)
class _Cached:
    value: int

    @cached_property
    def squared(self) -> int:
        return self.value**2


def test_records_with_their_own_construction_go_through_replace() -> None:
    assert with_changes(_Checked(2), value=5).doubled == 10
    with pytest.raises(ValueError, match="negative"):
        with_changes(_Checked(2), value=-1)
    assert with_changes(_WithInitVar(1), value=3) == _WithInitVar(3)
    cached = _Cached(3)
    assert cached.squared == 9
    assert with_changes(cached, value=4).squared == 16
