"""The Dashboard's formulas, expanded from the layout's templates.

A template names columns as ``{Tab.Header}``; each becomes that column's data rows, found by
header text when the sheet calculates::

    OFFSET(Stock!$A$2,0,MATCH("Move",Stock!$1:$1,0)-1,ROWS(Stock!$A:$A)-1,1)

``OFFSET`` from ``A2`` by the header's position, as tall as the tab's grid: it stays inside
the grid in Google Sheets (which refuses references past it) and works the same in
LibreOffice and Excel. Everything in a formula comes from ``layout.toml`` and is checked here
against the layout (known tab, known header, no quote in either), so it is a formula of the
bot's own making.
"""

from __future__ import annotations

import re
from typing import Final

from sheets_bot.ports import BotFormula, SeedRows
from sheets_bot.sheet.layout import Layout, normalise_header

_PLACEHOLDER: Final = re.compile(r"\{([^{}.]+)\.([^{}]+)\}")
_SAFE_TAB: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def column_range(tab: str, header: str) -> str:
    return f'OFFSET({tab}!$A$2,0,MATCH("{header}",{tab}!$1:$1,0)-1,ROWS({tab}!$A:$A)-1,1)'


def expand(template: str, layout: Layout) -> str:
    """``COUNTIF({Stock.Move},"urgent")`` -> the formula, with its leading ``=``.
    ``ValueError`` naming a placeholder whose tab or header the layout does not have."""

    def replace(match: re.Match[str]) -> str:
        tab, header = match.group(1).strip(), match.group(2).strip()
        try:
            spec = layout.tab(tab)
        except KeyError:
            raise ValueError(f"dashboard formula {template!r}: no tab {tab!r}") from None
        names = {normalise_header(column.name): column.name for column in spec.columns}
        if normalise_header(header) not in names:
            raise ValueError(f"dashboard formula {template!r}: {tab} has no column {header!r}")
        if not _SAFE_TAB.fullmatch(tab) or '"' in header:
            raise ValueError(f"dashboard formula {template!r}: {tab}.{header} needs quoting")
        return column_range(tab, names[normalise_header(header)])

    expanded = _PLACEHOLDER.sub(replace, template)
    if "{" in expanded or "}" in expanded:
        raise ValueError(f"dashboard formula {template!r} has a malformed placeholder")
    return "=" + expanded


def figure_rows(layout: Layout) -> dict[str, SeedRows]:
    """Label and formula rows for every tab of the layout that declares figures."""
    return {
        spec.name: [
            [figure.label, BotFormula(expand(figure.formula, layout))] for figure in spec.figures
        ]
        for spec in layout.tabs
        if spec.figures
    }
