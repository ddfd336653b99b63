"""Field masks: the ``fields`` query parameter (partial responses) and the ``fields`` of
update requests (``updateSheetProperties``, ``repeatCell`` ...).

Syntax: ``a,b(c,d)``, ``a/b``, ``a.b`` and ``*``. A mask parses to a tree: each key maps to
the mask below it, and an empty tree means "the whole field".
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any, Final

from . import discovery
from .errors import FieldViolation, invalid_argument

MaskTree = dict[str, "MaskTree"]

_TOKEN: Final = re.compile(r"[A-Za-z0-9_]+|\*|[,/.()]")


class MaskSyntaxError(ValueError):
    """The mask is not well formed."""


def parse(mask: str) -> MaskTree:
    """``sheets(properties(title),data.rowData)`` -> ``{"sheets": {"properties": {...}, ...}}``."""
    tokens = _tokenize(mask)
    tree, position = _parse_list(tokens, 0)
    if position != len(tokens):
        raise MaskSyntaxError(mask)
    return tree


def paths(tree: MaskTree, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The leaf paths of a tree: ``{"a": {"b": {}, "c": {}}}`` -> ``[("a","b"), ("a","c")]``."""
    if not tree:
        return [prefix] if prefix else []
    found: list[tuple[str, ...]] = []
    for key, child in tree.items():
        found.extend(paths(child, (*prefix, key)))
    return found


def selects(tree: MaskTree, path: tuple[str, ...]) -> bool:
    """Whether the mask keeps anything at or below ``path``."""
    node = tree
    for key in path:
        if not node:
            return True
        if "*" in node and not node["*"]:
            return True
        child = node.get(key, node.get("*"))
        if child is None:
            return False
        node = child
    return True


def apply(value: Any, tree: MaskTree) -> Any:
    """Keep only what the mask selects (lists are masked element by element)."""
    if not tree:
        return value
    if isinstance(value, list):
        return [apply(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    if "*" in tree:
        wildcard = tree["*"]
        return {key: apply(item, tree.get(key, wildcard)) for key, item in value.items()}
    return {key: apply(value[key], child) for key, child in tree.items() if key in value}


def check_response_mask(mask: str, response_schema: str) -> MaskTree:
    """Parse a ``fields`` parameter and check it names real fields of the response.

    Google answers a mask naming no field with a generic 400 whose detail names the path.
    """
    try:
        tree = parse(mask)
    except MaskSyntaxError:
        raise _bad_mask(mask) from None
    bad = unknown_path(tree, discovery.schema(response_schema))
    if bad is not None:
        raise _bad_mask(bad)
    return tree


def unknown_path(tree: MaskTree, node: Mapping[str, Any]) -> str | None:
    """The first path of ``tree`` the schema has no field for, dotted; ``None`` if all exist."""
    target = discovery.resolve(node)
    while target.get("type") == "array":
        target = discovery.resolve(target.get("items", {}))
    properties: Mapping[str, Any] = target.get("properties", {})
    for key, child in tree.items():
        if key == "*":
            continue
        if key not in properties:
            return key
        below = unknown_path(child, properties[key]) if child else None
        if below is not None:
            return f"{key}.{below}"
    return None


def _bad_mask(path: str) -> Exception:
    description = (
        f"Error expanding 'fields' parameter. Cannot find matching fields for path '{path}'."
    )
    return invalid_argument(
        "Request contains an invalid argument.", [FieldViolation(path, description)]
    )


def _tokenize(mask: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(mask):
        match = _TOKEN.match(mask, position)
        if match is None:
            raise MaskSyntaxError(mask)
        tokens.append(match.group())
        position = match.end()
    return tokens


def _parse_list(tokens: list[str], position: int) -> tuple[MaskTree, int]:
    tree: MaskTree = {}
    while True:
        position = _parse_item(tokens, position, tree)
        if position < len(tokens) and tokens[position] == ",":
            position += 1
            continue
        return tree, position


def _parse_item(tokens: list[str], position: int, tree: MaskTree) -> int:
    names: list[str] = []
    while True:
        if position >= len(tokens) or not _is_name(tokens[position]):
            raise MaskSyntaxError("".join(tokens))
        names.append(tokens[position])
        position += 1
        if position < len(tokens) and tokens[position] in ("/", "."):
            position += 1
            continue
        break
    below: MaskTree = {}
    if position < len(tokens) and tokens[position] == "(":
        below, position = _parse_list(tokens, position + 1)
        if position >= len(tokens) or tokens[position] != ")":
            raise MaskSyntaxError("".join(tokens))
        position += 1
    _merge(tree, names, below)
    return position


def _merge(tree: MaskTree, names: list[str], below: MaskTree) -> None:
    node = tree
    for index, name in enumerate(names):
        last = index == len(names) - 1
        if name in node and not node[name]:
            return
        if last:
            if not below:
                node[name] = {}
            else:
                existing = node.setdefault(name, {})
                for key, child in below.items():
                    _merge(existing, [key], child)
            return
        node = node.setdefault(name, {})


def _is_name(text: str) -> bool:
    return text == "*" or text[0].isalnum() or text[0] == "_"


def copy_masked(target: dict[str, Any], source: Mapping[str, Any], mask: MaskTree) -> None:
    """Copy each masked path of ``source`` into ``target``, removing it from ``target`` where
    ``source`` has nothing: how update requests with a ``fields`` mask behave."""
    for path in paths(mask):
        if path == ("*",):
            target.clear()
            target.update(copy.deepcopy(dict(source)))
            continue
        value: Any = source
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        node = target
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = copy.deepcopy(value)


def prune(value: Any) -> Any:
    """Drop what proto3 JSON leaves out of responses: nulls, ``false``, empty strings, lists
    and objects (numbers stay, since many Sheets integers are optional and 0 is meaningful)."""
    if isinstance(value, dict):
        pruned = {key: prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if not _is_default(item)}
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


def _is_default(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)
