"""``LearnerStates`` in memory, for tests and benchmarks: the state is kept encoded, as the
blob adapters keep it, so a test sees what a real store gives back (a fresh copy each load,
the same exact numbers)."""

from __future__ import annotations

from sheets_bot.domain.learned_demand import LearnedDemand, UnreadableState, decode, encode


class MemoryLearnerStates:
    def __init__(self, data: bytes | None = None) -> None:
        self.data = data
        """The blob as saved (a test may damage it)."""
        self.saves = 0

    def load(self) -> LearnedDemand | None:
        if self.data is None:
            return None
        try:
            return decode(self.data)
        except UnreadableState as error:
            raise UnreadableState(f"the learned demand (memory) cannot be used: {error}") from None

    def save(self, state: LearnedDemand) -> None:
        self.data = encode(state)
        self.saves += 1
