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
    return _Tree(text).node(value, "", 0)


class _Tree:
    """Builds nodes for a valid document's values, placed by json-source-map's positions."""

    def __init__(self, text):
        """Map every key and value of `text` to its position."""
        self.text, self.positions = text, json_source_map.calculate(text)

    def node(self, value, pointer, fallback):
        """The node for `value` at JSON pointer `pointer` (offset `fallback` if the map lacks it)."""
        entry = self.positions.get(pointer)
        offset = entry.value_start.position if entry else fallback
        if isinstance(value, _Pairs):
            return Node("object", [self.member(key, item, pointer, offset) for key, item in value], offset)
        if isinstance(value, list):
            return Node("array", [self.node(item, f"{pointer}/{i}", offset) for i, item in enumerate(value)], offset)
        if isinstance(value, str):
            return Node("string", value, offset)
        if isinstance(value, (bool, type(None))):
            return Node("literal", value, offset)
        return self.number(value, offset)

    def member(self, key, value, pointer, fallback):
        """One member of an object, its key's node placed where the key is written."""
        path = f"{pointer}/{key}"
        entry = self.positions.get(path)
        key_offset = entry.key_start.position if entry and entry.key_start else fallback
        return Member(key, Node("string", key, key_offset), self.node(value, path, key_offset))

    def number(self, value, offset):
        """A number node; NaN and Infinity, which json accepts but JSON does not, are errors."""
        word = NOT_A_NUMBER.match(self.text, offset)
        if word:
            raise syntax.JsonError(offset, f"text must be in double quotes: {word.group()}", f'write "{word.group()}"')
        return Node("number", value, offset)
