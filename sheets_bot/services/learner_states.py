"""The ``LearnerStates`` port over ``Blobs``: one blob per sheet, replaced once a shop day.

``learning/<sheet id>/demand.bin`` holds every item's demand filter
(``sheets_bot.domain.learned_demand.encode``): about 1.2 MB for 20,000 items, 3 MB for
50,000 (``benchmarks/check_speed.py`` measures it and the time to save and load it). On S3
the bucket keeps old versions; the template expires those of ``learning/`` after a week, so
a bad day can be rolled back and the versions do not add up.

What it costs: one GET when the check learns, one PUT when it folded a day in.
"""

from __future__ import annotations

from typing import Final

from sheets_bot.domain.learned_demand import LearnedDemand, UnreadableState, decode, encode
from sheets_bot.ports import Blobs

CONTENT_TYPE: Final = "application/octet-stream"
PREFIX: Final = "learning"
"""The blobs' top folder (the daily check may write only there and read ``history/``)."""


def learner_key(sheet_id: str) -> str:
    return f"{PREFIX}/{sheet_id}/demand.bin"


class BlobLearnerStates:
    """``LearnerStates`` of one sheet in ``blobs`` (a folder locally, S3 on AWS)."""

    def __init__(self, blobs: Blobs, sheet_id: str) -> None:
        self.blobs = blobs
        self.key = learner_key(sheet_id)

    def __repr__(self) -> str:
        return f"BlobLearnerStates({self.blobs!r}, {self.key!r})"

    def load(self) -> LearnedDemand | None:
        try:
            data = self.blobs.get(self.key)
        except KeyError:
            return None
        try:
            return decode(data)
        except UnreadableState as error:
            raise UnreadableState(
                f"the learned demand {self.key} cannot be used: {error}"
            ) from None

    def save(self, state: LearnedDemand) -> None:
        self.blobs.put(self.key, encode(state), CONTENT_TYPE)
