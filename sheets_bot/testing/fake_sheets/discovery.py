"""The official Sheets v4 discovery document, read from the installed google-api-python-client.

The document is not copied into this repository: it is found through the package's import
spec (without importing it) and parsed once per process. It is the source of truth for which
fields a request body may carry, their JSON types and enums, and each method's query
parameters and request/response schemas.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

_DOCUMENT: Final = Path("discovery_cache", "documents", "sheets.v4.json")


class DiscoveryUnavailable(RuntimeError):
    """google-api-python-client (a dev dependency) is not installed."""


@dataclass(frozen=True)
class Method:
    """One REST method as the discovery document describes it."""

    method_id: str
    http_method: str
    parameters: Mapping[str, Mapping[str, Any]]
    """The method's own parameters and the API-wide ones (``fields``, ``alt`` ...)."""
    request_schema: str | None
    response_schema: str | None


@functools.cache
def document() -> Mapping[str, Any]:
    """The parsed discovery document (cached for the life of the process)."""
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or not spec.submodule_search_locations:
        raise DiscoveryUnavailable(
            "the Sheets fake validates requests against the discovery document shipped with "
            "google-api-python-client; install the dev extras (pip install -e '.[dev]')"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / _DOCUMENT
        if path.is_file():
            return cast(Mapping[str, Any], json.loads(path.read_text(encoding="utf-8")))
    raise DiscoveryUnavailable(f"google-api-python-client ships no {_DOCUMENT}")


def schema(name: str) -> Mapping[str, Any]:
    """A named schema (``ValueRange``, ``Request`` ...)."""
    return cast(Mapping[str, Any], document()["schemas"][name])


def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a ``{"$ref": ...}`` to the schema it names; other nodes are returned as they are."""
    ref = node.get("$ref")
    return schema(ref) if isinstance(ref, str) else node


def schema_name(node: Mapping[str, Any]) -> str | None:
    """The id of the message type a node stands for, if it is a named schema."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        return ref
    identifier = node.get("id")
    return identifier if isinstance(identifier, str) else None


@functools.cache
def method(method_id: str) -> Method:
    """``spreadsheets.values.batchUpdate`` -> its parameters and schemas."""
    doc = document()
    node: Mapping[str, Any] = doc
    *resources, name = method_id.split(".")
    for resource in resources:
        node = node["resources"][resource]
    raw = node["methods"][name]
    parameters = {**doc.get("parameters", {}), **raw.get("parameters", {})}
    request = raw.get("request")
    response = raw.get("response")
    return Method(
        method_id=method_id,
        http_method=raw["httpMethod"],
        parameters=parameters,
        request_schema=request["$ref"] if request else None,
        response_schema=response["$ref"] if response else None,
    )
