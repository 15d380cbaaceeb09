"""Reading policy JSON with the position of every key and value (chapter 01).

The standard library's json module parses the text (for invalid text,
helpers.policy.syntax says what is wrong and where); PyPI's json-source-map gives
the offset of every key and value of the valid document. This module joins the two
into a tree of nodes that know where they start, so the linter's messages can point
at a line and column. (json-source-map keeps one position per key path: for a key
written twice in one object, both members get the later one's position.)
"""
import json
import re
from dataclasses import dataclass

import json_source_map

from helpers.policy import syntax

NOT_A_NUMBER = re.compile(r"-?Infinity|NaN")


@dataclass
class Node:
    """A parsed JSON value: kind, Python value (members/items for containers), offset."""

    kind: str
    value: object
    offset: int


@dataclass
class Member:
    """One "key": value pair of a JSON object, with the key's own node."""

    key: str
    key_node: Node
    value: Node


class _Pairs(list):
    """An object's (key, value) pairs in order, a key written twice kept twice."""


def plain(node):
    """The ordinary Python value of a parsed node."""
    if node.kind == "object":
        return {m.key: plain(m.value) for m in node.value}
    if node.kind == "array":
        return [plain(item) for item in node.value]
    return node.value


def parse(text):
    """Parse JSON text into position-carrying nodes; raise syntax.JsonError if invalid."""
    try:
        value = json.loads(text, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as error:
        raise syntax.explain(text, error) from None
    return _node(text, value, "", json_source_map.calculate(text), 0)


def _node(text, value, pointer, positions, fallback):
    """The node for `value` found at JSON pointer `pointer` (offset `fallback` if the map lacks it)."""
    entry = positions.get(pointer)
    offset = entry.value_start.position if entry else fallback
    if isinstance(value, _Pairs):
        return Node("object", [_member(text, key, item, pointer, positions, offset) for key, item in value], offset)
    if isinstance(value, list):
        items = [_node(text, item, f"{pointer}/{i}", positions, offset) for i, item in enumerate(value)]
        return Node("array", items, offset)
    if isinstance(value, str):
        return Node("string", value, offset)
    if isinstance(value, (bool, type(None))):
        return Node("literal", value, offset)
    return _number(text, value, offset)


def _member(text, key, value, pointer, positions, fallback):
    """One member of an object, its key's node placed where the key is written."""
    path = f"{pointer}/{key}"
    entry = positions.get(path)
    key_offset = entry.key_start.position if entry and entry.key_start else fallback
    return Member(key, Node("string", key, key_offset), _node(text, value, path, positions, key_offset))


def _number(text, value, offset):
    """A number node; NaN and Infinity, which json accepts but JSON does not, are errors."""
    word = NOT_A_NUMBER.match(text, offset)
    if word:
        raise syntax.JsonError(offset, f"text must be in double quotes: {word.group()}", f'write "{word.group()}"')
    return Node("number", value, offset)
