"""Matching a request against policy patterns: IAM's wildcards and single-or-list elements (chapter 01).

In IAM policies `*` matches any run of characters and `?` exactly one; actions compare
ignoring case, ARNs case-sensitively. An element such as Action may hold one value or
a list of them.
"""

import functools
import re


def as_list(value):
    """A policy element as a list (IAM allows a single value or a list)."""
    return value if isinstance(value, list) else [value]


@functools.lru_cache(maxsize=1024)
def _pattern(pattern, ignore_case):
    """The compiled regular expression for an IAM wildcard pattern."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard_match(pattern, value, ignore_case=False):
    """True when `value` matches the IAM wildcard `pattern` (* and ?)."""
    return _pattern(pattern, ignore_case).fullmatch(value) is not None
