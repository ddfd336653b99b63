"""A spreadsheet's state: its properties, its tabs in order, and the ids it hands out.

Ids are derived from hashes rather than a random generator so that every test run sees the
same sheet ids and protected-range ids.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field, replace

from .grid import JsonObject, Sheet


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    shared: bool = True
    """False: the caller has no access, and every request answers 403."""
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    extra_properties: JsonObject = field(default_factory=dict)
    sheets: list[Sheet] = field(default_factory=list)
    issued_ids: int = 0

    def clone(self) -> Spreadsheet:
        return replace(
            self,
            extra_properties=copy.deepcopy(self.extra_properties),
            sheets=[sheet.clone() for sheet in self.sheets],
        )

    def properties_json(self) -> JsonObject:
        properties: JsonObject = {
            "title": self.title,
            "locale": self.locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": self.time_zone,
        }
        properties.update(copy.deepcopy(self.extra_properties))
        return properties

    def apply_properties_json(self, properties: JsonObject) -> None:
        self.title = str(properties.pop("title", ""))
        self.locale = str(properties.pop("locale", "en_US"))
        self.time_zone = str(properties.pop("timeZone", "Etc/GMT"))
        properties.pop("autoRecalc", None)
        self.extra_properties = properties

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((sheet for sheet in self.sheets if sheet.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((sheet for sheet in self.sheets if sheet.sheet_id == sheet_id), None)

    def index_of(self, sheet: Sheet) -> int:
        return self.sheets.index(sheet)

    def new_id(self) -> int:
        """A fresh positive 31-bit id, unique among this spreadsheet's sheets and ranges."""
        taken = {sheet.sheet_id for sheet in self.sheets} | {
            item["protectedRangeId"] for sheet in self.sheets for item in sheet.protected_ranges
        }
        while True:
            self.issued_ids += 1
            digest = hashlib.sha256(f"{self.spreadsheet_id}:{self.issued_ids}".encode()).digest()
            candidate = int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
            if candidate and candidate not in taken:
                return candidate

    def add_sheet(
        self,
        title: str,
        rows: int,
        cols: int,
        *,
        sheet_id: int | None = None,
        index: int | None = None,
    ) -> Sheet:
        sheet = Sheet(
            sheet_id=self.new_id() if sheet_id is None else sheet_id,
            title=title,
            row_count=rows,
            column_count=cols,
        )
        self.sheets.insert(len(self.sheets) if index is None else index, sheet)
        return sheet
