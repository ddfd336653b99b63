"""Load the declarative sheet layout shipped in ``sheet_templates/layout.toml``."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def normalise_header(text: object) -> str:
    """Header text as compared: case- and space-insensitive (``" on  Hand"`` == ``"On hand"``)."""
    return " ".join(str(text).split()).casefold()


class ColumnSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    owner: bool
    required: bool = False
    optional: bool = False
    editable: bool = False
    note: str = ""
    width: int | None = None
    """Characters wide when the bot formats the column; ``None``: fits the header."""
    format: Literal["", "money", "days"] = ""
    wrap: bool = False

    @property
    def chars(self) -> int:
        """The width the bot gives the column, in characters."""
        return self.width if self.width is not None else max(10, min(40, len(self.name) + 4))

    @property
    def bot_owned(self) -> bool:
        return not self.owner


class DropdownSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    column: str
    values: tuple[str, ...]
    strict: bool = True


class FigureSpec(BaseModel):
    """One Dashboard row: a label and a formula template (see ``sheet/dashboard.py``)."""

    model_config = ConfigDict(frozen=True)

    label: str
    formula: str


class TabSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    id: str | None = None
    columns: tuple[ColumnSpec, ...]
    dropdowns: tuple[DropdownSpec, ...] = ()
    figures: tuple[FigureSpec, ...] = ()
    """Rows of label and formula ``init`` writes into the tab when it is empty."""

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> ColumnSpec:
        wanted = normalise_header(name)
        for column in self.columns:
            if normalise_header(column.name) == wanted:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


class SettingDefault(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    value: str


class Layout(BaseModel):
    model_config = ConfigDict(frozen=True)

    tabs: tuple[TabSpec, ...] = Field(alias="tab")
    settings: tuple[SettingDefault, ...] = Field(alias="setting")
    currency: str = "USD"
    """The shop's currency (ISO 4217) for money formats: ``prepare`` formats with it. Not in
    the file: ``init`` sets it from the Settings tab (``with_currency``)."""

    def with_currency(self, currency: str) -> Layout:
        return self.model_copy(update={"currency": currency})

    def tab(self, name: str) -> TabSpec:
        for tab in self.tabs:
            if tab.name == name:
                return tab
        raise KeyError(f"the layout has no tab {name!r}")


@cache
def load_layout() -> Layout:
    text = resources.files("sheet_templates").joinpath("layout.toml").read_text(encoding="utf-8")
    return Layout.model_validate(tomllib.loads(text))


STOCK = "Stock"
SUPPLIERS = "Suppliers"
DRAFTS = "Drafts"
ORDERS = "Orders"
PROPOSED = "Proposed"
SETTINGS = "Settings"
AUDIT = "Audit"
DASHBOARD = "Dashboard"
