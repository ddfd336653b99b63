"""The spreadsheet's tabs as one ``spreadsheets.get`` with a tight ``fields`` mask returns them:
sheet ids and grid sizes, which writes and ``prepare`` need. One request per run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

TABS_FIELDS: Final = (
    "sheets.properties(sheetId,title,sheetType,gridProperties(rowCount,columnCount,frozenRowCount))"
)


@dataclass(frozen=True)
class TabInfo:
    sheet_id: int
    title: str
    """The title as Google has it (may differ in case from the layout's name)."""
    rows: int
    columns: int
    frozen_rows: int = 0

    def grown(self, rows: int = 0, columns: int = 0) -> TabInfo:
        return replace(self, rows=self.rows + rows, columns=self.columns + columns)

    @property
    def size(self) -> tuple[int, int]:
        return self.rows, self.columns


def parse_tabs(spreadsheet: Mapping[str, Any]) -> dict[str, TabInfo]:
    """Grid tabs by title (chart sheets have no cells and are left out)."""
    tabs: dict[str, TabInfo] = {}
    for sheet in spreadsheet.get("sheets") or []:
        properties = sheet.get("properties") or {}
        if properties.get("sheetType", "GRID") != "GRID":
            continue
        grid = properties.get("gridProperties") or {}
        title = str(properties.get("title", ""))
        tabs[title] = TabInfo(
            sheet_id=int(properties.get("sheetId") or 0),
            title=title,
            rows=int(grid.get("rowCount") or 0),
            columns=int(grid.get("columnCount") or 0),
            frozen_rows=int(grid.get("frozenRowCount") or 0),
        )
    return tabs


def find_tab(tabs: Mapping[str, TabInfo], name: str) -> TabInfo | None:
    """The tab named ``name``: exactly, else ignoring case (Google titles are unique ignoring
    case, so an owner's ``stock`` is the Stock tab)."""
    if name in tabs:
        return tabs[name]
    wanted = name.casefold()
    return next((tab for title, tab in tabs.items() if title.casefold() == wanted), None)
