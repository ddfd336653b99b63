"""The Blobs contract, run against the local folder and S3 with versioning (moto), then what is
particular to each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws.s3_blobs import UNVERSIONED, S3Blobs
from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.ports import Blobs
from tests.aws.moto_support import REGION, aws_session

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

BUCKET = "sheets-bot-test-blobs"
SNAPSHOT = b'{"Stock": [["SKU", "On hand"], ["BEAN-1KG", 7]]}'
JSON = "application/json"


def _satisfies_the_port() -> None:
    """Never called: mypy checks that both adapters are structurally Blobs."""
    _folder: Blobs = FolderBlobs(Path("blobs"))
    _s3: Blobs = S3Blobs(aws_session().client("s3"), BUCKET)


@pytest.fixture
def s3() -> Iterator[S3Client]:
    with mock_aws():
        client = aws_session().client("s3")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


@pytest.fixture(params=["folder", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Blobs]:
    if request.param == "folder":
        yield FolderBlobs(tmp_path / "state" / "blobs")
    else:
        yield S3Blobs(request.getfixturevalue("s3"), BUCKET)


def test_what_is_put_is_got(blobs: Blobs) -> None:
    version = blobs.put("snapshots/stock/2026-11-23T0900Z.json", SNAPSHOT, JSON)

    assert version
    assert blobs.get("snapshots/stock/2026-11-23T0900Z.json") == SNAPSHOT


def test_any_bytes_round_trip(blobs: Blobs) -> None:
    data = bytes(range(256)) * 40 + b"\r\n\x00"

    blobs.put("inbound/raw.eml", data, "message/rfc822")

    assert blobs.get("inbound/raw.eml") == data


def test_a_second_put_is_a_new_version_and_get_returns_it(blobs: Blobs) -> None:
    first = blobs.put("snapshots/stock/latest.json", SNAPSHOT, JSON)
    second = blobs.put("snapshots/stock/latest.json", b"{}", JSON)

    assert second != first
    assert blobs.get("snapshots/stock/latest.json") == b"{}"
    assert blobs.list("snapshots/") == ["snapshots/stock/latest.json"]


def test_an_empty_blob_is_a_blob(blobs: Blobs) -> None:
    blobs.put("empty", b"", "text/plain")

    assert blobs.get("empty") == b""
    assert blobs.list("") == ["empty"]


def test_a_missing_key_is_a_key_error(blobs: Blobs) -> None:
    with pytest.raises(KeyError, match=r"snapshots/none\.json"):
        blobs.get("snapshots/none.json")


def test_list_is_sorted_and_matches_the_prefix_as_text(blobs: Blobs) -> None:
    for key in ("snapshots/stock/b.json", "snapshots/stock/a.json", "snapshots/stocktake.csv"):
        blobs.put(key, b"x", JSON)
    blobs.put("inbound/1.eml", b"x", "message/rfc822")

    assert blobs.list("snapshots/stock/") == ["snapshots/stock/a.json", "snapshots/stock/b.json"]
    assert blobs.list("snapshots/stock") == [
        "snapshots/stock/a.json",
        "snapshots/stock/b.json",
        "snapshots/stocktake.csv",
    ]
    assert blobs.list("") == [
        "inbound/1.eml",
        "snapshots/stock/a.json",
        "snapshots/stock/b.json",
        "snapshots/stocktake.csv",
    ]
    assert blobs.list("nothing/") == []


def test_a_new_store_lists_nothing(blobs: Blobs) -> None:
    assert blobs.list("") == []


@pytest.mark.parametrize(
    "key",
    ["", "../outside", "/etc/passwd", "a//b", "a/./b", "a/../b", ".hidden", "a\\b", "dir/", "a b"],
)
def test_keys_that_are_not_plain_relative_paths_are_refused(blobs: Blobs, key: str) -> None:
    with pytest.raises(ValueError, match="not a blob key"):
        blobs.put(key, b"x", JSON)
    with pytest.raises(ValueError, match="not a blob key"):
        blobs.get(key)

    assert blobs.list("") == []


# --- the folder -----------------------------------------------------------------------------


def test_folder_keys_are_files_and_nothing_else_is_left(tmp_path: Path) -> None:
    folder = tmp_path / "blobs"
    FolderBlobs(folder).put("snapshots/stock/a.json", SNAPSHOT, JSON)

    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "snapshots",
        "snapshots/stock",
        "snapshots/stock/a.json",
    ]
    assert (folder / "snapshots" / "stock" / "a.json").read_bytes() == SNAPSHOT


def test_folder_ignores_files_that_are_not_keys(tmp_path: Path) -> None:
    blobs = FolderBlobs(tmp_path)
    blobs.put("a.json", SNAPSHOT, JSON)
    (tmp_path / ".put-leftover.tmp").write_bytes(b"half")

    assert blobs.list("") == ["a.json"]


def test_folder_version_is_the_digest_of_the_data(tmp_path: Path) -> None:
    blobs = FolderBlobs(tmp_path)

    assert blobs.put("a", SNAPSHOT, JSON) == blobs.put("b", SNAPSHOT, JSON)


# --- S3 -------------------------------------------------------------------------------------


def test_s3_keeps_every_version_with_its_content_type(s3: S3Client) -> None:
    blobs = S3Blobs(s3, BUCKET)
    first = blobs.put("snapshots/stock.json", SNAPSHOT, JSON)
    second = blobs.put("snapshots/stock.json", b"{}", JSON)

    versions = s3.list_object_versions(Bucket=BUCKET, Prefix="snapshots/")["Versions"]

    assert sorted(version["VersionId"] for version in versions) == sorted([first, second])
    old = s3.get_object(Bucket=BUCKET, Key="snapshots/stock.json", VersionId=first)
    assert old["Body"].read() == SNAPSHOT
    assert old["ContentType"] == JSON


def test_s3_without_versioning_reports_the_null_version(s3: S3Client) -> None:
    s3.create_bucket(Bucket="plain", CreateBucketConfiguration={"LocationConstraint": REGION})

    assert S3Blobs(s3, "plain").put("a", b"x", JSON) == UNVERSIONED
