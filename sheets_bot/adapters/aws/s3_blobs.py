"""``Blobs`` in an S3 bucket with versioning on: every put keeps the one before, so the
15-minute Stock snapshots add up to the stock history.

Keys follow the same rule as the local folder's (``check_key``). Requests: ``put`` and ``get``
one each; ``list`` one per 1,000 keys.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from sheets_bot.adapters.local.folder_blobs import check_key

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

UNVERSIONED = "null"
"""The version id S3 reports for an object in a bucket without versioning."""


class S3Blobs:
    """The ``Blobs`` port over ``bucket``."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self.bucket = bucket

    def __repr__(self) -> str:
        return f"S3Blobs(bucket={self.bucket!r})"

    def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store ``data``; the new version's id (``"null"`` if the bucket is not versioned)."""
        response = self._client.put_object(
            Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type
        )
        return response.get("VersionId") or UNVERSIONED

    def get(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise KeyError(f"no blob {key!r} in s3://{self.bucket}") from None
            raise
        with response["Body"] as body:
            return body.read()

    def list(self, prefix: str) -> builtins.list[str]:
        keys: builtins.list[str] = []
        for page in self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            keys.extend(entry["Key"] for entry in page.get("Contents", []))
        return sorted(keys)
