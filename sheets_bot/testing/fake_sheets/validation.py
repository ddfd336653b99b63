"""Check request bodies and query parameters against the discovery document, like Google's
front end does before the Sheets backend sees a request.

Messages follow Google's wording: an unknown field is
``Invalid JSON payload received. Unknown name "x" at 'data[0]': Cannot find field.`` and a
value of the wrong type is ``Invalid value at 'data[0].major_dimension' (TYPE_ENUM), "ROW"``
(field paths in snake_case, as Google writes them). ``null`` is accepted anywhere a field may
appear, as proto3 JSON parsing treats it as "not set"; gspread relies on that.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from . import discovery
from .errors import FieldViolation, invalid_argument

_TYPE_NAMES: Final[dict[tuple[object, object], str]] = {
    ("integer", "int32"): "TYPE_INT32",
    ("integer", "uint32"): "TYPE_UINT32",
    ("string", "int64"): "TYPE_INT64",
    ("string", "uint64"): "TYPE_UINT64",
    ("number", "double"): "TYPE_DOUBLE",
    ("number", "float"): "TYPE_FLOAT",
    ("boolean", None): "TYPE_BOOL",
    ("string", None): "TYPE_STRING",
}
_INTEGER_TEXT: Final = re.compile(r"^-?[0-9]+$")
_NUMBER_TEXT: Final = re.compile(r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")


def check_body(schema_name: str, body: Any) -> None:
    """Raise a 400 naming every field of ``body`` the schema does not allow."""
    violations = _check(body, discovery.schema(schema_name), [])
    if violations:
        raise invalid_argument("\n".join(v.description for v in violations), violations)


def check_query(method: discovery.Method, query: Mapping[str, Sequence[str]]) -> None:
    """Raise a 400 for an unknown query parameter or a value of the wrong type or enum."""
    violations: list[FieldViolation] = []
    for name, values in query.items():
        spec = method.parameters.get(name)
        if spec is None or spec.get("location") != "query":
            message = (
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                f"parameter. Field '{name}' could not be found in request message."
            )
            violations.append(FieldViolation(name, message))
            continue
        for value in values if spec.get("repeated") else values[:1]:
            if not _query_value_ok(spec, value):
                message = f"Invalid value at '{_snake(name)}' ({_type_name(spec)}), \"{value}\""
                violations.append(FieldViolation(_snake(name), message))
    if violations:
        raise invalid_argument("\n".join(v.description for v in violations), violations)


def parse_json_body(raw: bytes | str | None) -> Any:
    """The request body as JSON (``{}`` when there is none)."""
    if raw is None or raw in (b"", ""):
        return {}
    try:
        return json.loads(raw)
    except ValueError as error:
        raise invalid_argument(
            f"Invalid JSON payload received. Unexpected token.\n{error}"
        ) from error


def _query_value_ok(spec: Mapping[str, Any], value: str) -> bool:
    enum = spec.get("enum")
    if enum is not None:
        return value in enum
    kind = spec.get("type")
    if kind == "boolean":
        return value.lower() in ("true", "false", "1", "0")
    if kind == "integer":
        return bool(_INTEGER_TEXT.match(value))
    return True


def _check(value: Any, node: Mapping[str, Any], path: list[str | int]) -> list[FieldViolation]:
    if value is None:
        return []
    target = discovery.resolve(node)
    kind = target.get("type")
    if kind == "any":
        return []
    if kind == "array":
        item = target.get("items", {})
        if not isinstance(value, list):
            return [_invalid_value(path, item, value)]
        violations: list[FieldViolation] = []
        for index, element in enumerate(value):
            if element is None and discovery.resolve(item).get("type") != "any":
                violations.append(_invalid_value([*path, index], item, element))
            else:
                violations.extend(_check(element, item, [*path, index]))
        return violations
    if kind == "object":
        return _check_object(value, node, target, path)
    if _scalar_ok(target, value):
        return []
    return [_invalid_value(path, target, value)]


def _check_object(
    value: Any, node: Mapping[str, Any], target: Mapping[str, Any], path: list[str | int]
) -> list[FieldViolation]:
    if not isinstance(value, dict):
        return [_invalid_value(path, node, value)]
    violations: list[FieldViolation] = []
    properties: Mapping[str, Any] = target.get("properties", {})
    extra = target.get("additionalProperties")
    for key, child in value.items():
        if key in properties:
            violations.extend(_check(child, properties[key], [*path, key]))
        elif isinstance(extra, Mapping):
            violations.extend(_check(child, extra, [*path, key]))
        else:
            where = f" at '{_format_path(path)}'" if path else ""
            message = (
                f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.'
            )
            violations.append(FieldViolation(_format_path([*path, key]), message))
    return violations


def _scalar_ok(target: Mapping[str, Any], value: Any) -> bool:
    kind = target.get("type")
    enum = target.get("enum")
    if enum is not None:
        return (isinstance(value, str) and value in enum) or (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(enum)
        )
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer" or (kind == "string" and target.get("format") in ("int64", "uint64")):
        if isinstance(value, bool):
            return False
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) or (
            isinstance(value, str) and bool(_INTEGER_TEXT.match(value))
        )
    if kind == "number":
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return not (isinstance(value, float) and math.isnan(value))
        return isinstance(value, str) and (
            value in ("NaN", "Infinity", "-Infinity") or bool(_NUMBER_TEXT.match(value))
        )
    if kind == "string":
        return isinstance(value, str)
    return True


def _invalid_value(path: list[str | int], node: Mapping[str, Any], value: Any) -> FieldViolation:
    where = _format_path(path)
    return FieldViolation(
        where, f"Invalid value at '{where}' ({_type_name(node)}), {json.dumps(value)}"
    )


def _type_name(node: Mapping[str, Any]) -> str:
    message = discovery.schema_name(node)
    if message is not None:
        return f"type.googleapis.com/google.apps.sheets.v4.{message}"
    if node.get("enum") is not None:
        return "TYPE_ENUM"
    kind = node.get("type")
    return _TYPE_NAMES.get((kind, node.get("format")), f"TYPE_{str(kind).upper()}")


def _format_path(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + _snake(part)
    return text


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
