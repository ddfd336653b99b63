"""The LearnerStates contract, run against the blob store on a folder (one machine), on
versioned S3 (moto) and the in-memory fake: nothing before the first save, the last save
given back exactly, a damaged or other-version state refused with where it is kept."""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws.s3_blobs import S3Blobs
from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.domain.forecast import DemandFilter
from sheets_bot.domain.learned_demand import ItemDemand, LearnedDemand, UnreadableState
from sheets_bot.ports import Blobs, LearnerStates
from sheets_bot.services.learner_states import BlobLearnerStates, learner_key
from sheets_bot.testing.memory_learner import MemoryLearnerStates
from tests.aws.moto_support import REGION, aws_session

BUCKET = "sheets-bot-test-learning"
SHEET = "sheet-1"
DAY = date(2026, 12, 6)


def _satisfies_the_port() -> None:
    """Never called: mypy checks all three are LearnerStates."""
    _folder: LearnerStates = BlobLearnerStates(FolderBlobs(Path("b")), SHEET)
    _memory: LearnerStates = MemoryLearnerStates()


@pytest.fixture
def s3_blobs() -> Iterator[Blobs]:
    with mock_aws():
        client = aws_session().client("s3")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield S3Blobs(client, BUCKET)


Damage = Callable[[bytes], None]
"""Replaces the stored blob with the given bytes."""


@pytest.fixture(params=["folder", "s3", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[LearnerStates, Damage]:
    if request.param == "memory":
        memory = MemoryLearnerStates()

        def damage_memory(data: bytes) -> None:
            memory.data = data

        return memory, damage_memory
    blobs: Blobs = (
        FolderBlobs(tmp_path / "blobs")
        if request.param == "folder"
        else request.getfixturevalue("s3_blobs")
    )

    def damage(data: bytes) -> None:
        blobs.put(learner_key(SHEET), data, "application/octet-stream")

    return BlobLearnerStates(blobs, SHEET), damage


def learned(items: int, through: date = DAY, seed: int = 1) -> LearnedDemand:
    rng = random.Random(seed)  # noqa: S311 - a reproducible history, not a secret
    kept = {}
    for n in range(items):
        demand = DemandFilter()
        for _ in range(rng.randint(1, 120)):
            demand.update(rng.choice([0, 0, 1, 3, 12]) * 1.0, rng.random() < 0.05)
        kept[f"sku-{n}"] = ItemDemand(through - timedelta(days=n % 4), demand)
    return LearnedDemand(through, kept)


def test_nothing_is_kept_before_the_first_save(store: tuple[LearnerStates, Damage]) -> None:
    states, _ = store

    assert states.load() is None


def test_the_last_save_is_given_back_exactly(store: tuple[LearnerStates, Damage]) -> None:
    states, _ = store
    states.save(learned(50, seed=1))
    state = learned(80, DAY + timedelta(days=1), seed=2)

    states.save(state)
    back = states.load()

    assert back is not None
    assert back.through == state.through
    assert list(back.items) == list(state.items)
    for sku, entry in state.items.items():
        assert back.items[sku].through == entry.through
        assert back.items[sku].demand.to_state() == entry.demand.to_state()
        assert back.items[sku].demand.forecast() == entry.demand.forecast()


def test_each_load_is_a_fresh_copy(store: tuple[LearnerStates, Damage]) -> None:
    """The check advances the filters it loaded in place; what is kept changes only by save."""
    states, _ = store
    states.save(learned(3))
    first = states.load()
    assert first is not None
    first.items["sku-0"].demand.update(100.0)

    again = states.load()

    assert again is not None
    assert again.items["sku-0"].demand.to_state() == learned(3).items["sku-0"].demand.to_state()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a learned-demand state"),
        (b"half a blob", "not a learned-demand state"),
        (
            zlib.compress(
                json.dumps(
                    {
                        "format": "sheets-bot learned demand",
                        "layout": "v0;days",
                        "width": 2,
                        "through": "2026-12-06",
                        "skus": [],
                    }
                ).encode()
                + b"\n"
            ),
            "saved by another version",
        ),
    ],
)
def test_a_state_that_cannot_be_read_is_refused_with_where_it_is(
    store: tuple[LearnerStates, Damage], data: bytes, reason: str
) -> None:
    states, damage = store
    states.save(learned(2))
    damage(data)

    with pytest.raises(UnreadableState, match=reason) as refused:
        states.load()

    assert str(refused.value).startswith("the learned demand ")
    assert "cannot be used" in str(refused.value)
    if isinstance(states, BlobLearnerStates):
        assert learner_key(SHEET) in str(refused.value)
    states.save(learned(1))  # a save replaces it
    assert states.load() is not None


def test_the_blob_lives_under_learning_of_its_sheet(s3_blobs: Blobs) -> None:
    BlobLearnerStates(s3_blobs, SHEET).save(learned(1))
    BlobLearnerStates(s3_blobs, "other").save(learned(2))

    assert s3_blobs.list("") == ["learning/other/demand.bin", "learning/sheet-1/demand.bin"]
    state = BlobLearnerStates(s3_blobs, SHEET).load()
    assert state is not None and list(state.items) == ["sku-0"]
