"""Wildcards, ARNs and lists, as IAM matches them (chapter 08 (How AWS really decides)).

Rules, from AWS's documentation:
- Action: "*" and "?" wildcards, and action names are case-insensitive
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
- Resource: ARNs are case-sensitive; wildcards work within each colon-separated
  segment, and a "*" that ends a segment may run past the colons after it
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
- ArnLike/ArnEquals: "Each of the six colon-delimited components of the ARN is
  checked separately and each can include multi-character match wildcards (*) or
  single-character match wildcards (?)"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).

A pattern is either a plain string or, after policy variables were replaced, a
tuple of parts: ("glob", text) keeps its wildcards, ("text", text) is literal.
"""

import functools
import re

ARN_SEGMENTS = 6


def as_list(value):
    """`value` as a list: None -> [], a string or dict -> [value], a list unchanged."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _glob_regex(text):
    """The regular-expression source for a glob text: * any run, ? one character."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def _parts_regex(parts):
    """The regular-expression source for a pattern given as parts."""
    return "".join(_glob_regex(t) if kind == "glob" else re.escape(t) for kind, t in parts)


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern, ignore_case=False):
    """A compiled, anchored regex for a wildcard pattern (a string or a tuple of parts)."""
    source = _glob_regex(pattern) if isinstance(pattern, str) else _parts_regex(pattern)
    return re.compile(source, (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL)


def wildcard_match(pattern, value, ignore_case=False):
    """True when `value` matches `pattern`, whose * matches any run and ? one character."""
    return compile_pattern(pattern, ignore_case).fullmatch(value) is not None


def has_wildcard(text):
    """True when a plain string holds * or ?."""
    return "*" in text or "?" in text


def split_parts(parts, sep=":", maxsplit=ARN_SEGMENTS - 1):
    """Split a pattern given as parts at `sep` (only inside glob parts' text) into segments."""
    segments, current = [], []
    for kind, text in parts:
        pieces = text.split(sep) if kind == "glob" else [text]
        for i, piece in enumerate(pieces):
            if i and len(segments) < maxsplit:
                segments.append(tuple(current))
                current = []
            elif i:
                current.append((kind, sep))
            current.append((kind, piece))
    segments.append(tuple(current))
    return segments


def as_parts(pattern):
    """A pattern as a tuple of parts (a plain string is one glob part)."""
    return (("glob", pattern),) if isinstance(pattern, str) else tuple(pattern)


def _parts_text(parts):
    """The text of a pattern given as parts, with glob parts as written."""
    return "".join(text for _, text in parts)


@functools.lru_cache(maxsize=4096)
def _arn_segments(pattern):
    """A pattern's segments, or None when it has fewer than six (it is then matched whole)."""
    segments = split_parts(as_parts(pattern))
    return segments if len(segments) == ARN_SEGMENTS else None


def arn_match(pattern, arn):
    """True when `arn` matches `pattern` segment by segment (Resource and ArnLike rules)."""
    if pattern == "*":
        return True
    segments = _arn_segments(pattern)
    values = arn.split(":", ARN_SEGMENTS - 1)
    if segments is None or len(values) != ARN_SEGMENTS:
        return _short_pattern_match(pattern, arn)
    return all(compile_pattern(seg).fullmatch(val) for seg, val in zip(segments, values, strict=True))


def covers_whole_service(pattern, service):
    """True when a Resource names every resource of `service`: "*", or all of it, e.g. "arn:aws:s3:::*".

    How a statement covers an action that acts on no resource (see statements.py).
    """
    text = _parts_text(as_parts(pattern))
    if text and not text.strip("*"):
        return True
    values = text.split(":", ARN_SEGMENTS - 1)
    if len(values) != ARN_SEGMENTS or values[0] != "arn":
        return False
    _, partition, named, region, account, resource = values
    return (
        wildcard_match(partition, "aws")
        and wildcard_match(named, service, ignore_case=True)
        and all(not value.strip("*") for value in (region, account))
        and bool(resource)
        and not resource.strip("*")
    )


def _short_pattern_match(pattern, arn):
    """A pattern of fewer than six segments matches only when its final * runs past the colons."""
    text = _parts_text(as_parts(pattern))
    if not text.endswith("*"):
        return False
    return compile_pattern(pattern).fullmatch(arn) is not None


def _tokens(text):
    """A glob text as tokens: '*', '?' or a literal character (prefixed with '=')."""
    return tuple(c if c in "*?" else "=" + c for c in text)


@functools.lru_cache(maxsize=4096)
def _pattern_tokens(pattern):
    """A pattern (string or parts) as glob tokens, literal parts' * and ? kept literal."""
    tokens = []
    for kind, text in as_parts(pattern):
        tokens.extend(_tokens(text) if kind == "glob" else ("=" + c for c in text))
    return tuple(tokens)


def globs_intersect(a, b):
    """True when some string matches both glob patterns `a` and `b`."""
    return _intersect(_pattern_tokens(a), _pattern_tokens(b))


@functools.lru_cache(maxsize=4096)
def _intersect(a, b):
    """Whether token sequences `a` and `b` share a matching string (dynamic programming)."""
    reach = {(0, 0)}
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if i == len(a) and j == len(b):
            return True
        for step in _intersect_steps(a, b, i, j):
            if step not in reach:
                reach.add(step)
                todo.append(step)
    return False


def _intersect_steps(a, b, i, j):
    """The states reachable in one step from (i, j) when intersecting two token sequences."""
    steps = []
    if i < len(a) and a[i] == "*":
        steps += [(i + 1, j)] + ([(i, j + 1)] if j < len(b) else [])
    if j < len(b) and b[j] == "*":
        steps += [(i, j + 1)] + ([(i + 1, j)] if i < len(a) else [])
    if i < len(a) and j < len(b) and "*" not in (a[i], b[j]):
        if a[i] == "?" or b[j] == "?" or a[i] == b[j]:
            steps.append((i + 1, j + 1))
    return steps


def glob_covers(general, specific):
    """True when every string matching glob `specific` also matches glob `general`.

    `specific`'s wildcards are read as symbols that only a wildcard of `general`
    can stand for: a * only by a *, a ? by a ? or a *. That test never says yes
    wrongly; it may say no for unusual pairs whose union of matches is exact.
    """
    symbols = _pattern_tokens(specific)
    return _covers(_pattern_tokens(general), symbols)


@functools.lru_cache(maxsize=4096)
def _covers(g, s):
    """Whether general tokens `g` match every string of specific tokens `s`."""
    if not g:
        return not s
    if g[0] == "*":
        return any(_covers(g[1:], s[k:]) for k in range(len(s) + 1))
    if not s or s[0] == "*":
        return False
    if g[0] == "?":
        return _covers(g[1:], s[1:])
    return g[0] == s[0] and _covers(g[1:], s[1:])


def _segmented(pattern):
    """A pattern's ARN segments, or None when it is not a six-segment ARN pattern."""
    return _arn_segments(pattern) if pattern != "*" else None


def arn_patterns_intersect(policy_pattern, request_pattern):
    """True when some ARN matches both the policy's pattern and the request's pattern."""
    a, b = _segmented(policy_pattern), _segmented(request_pattern)
    if a is None or b is None:
        return globs_intersect(policy_pattern, request_pattern)
    return all(globs_intersect(x, y) for x, y in zip(a, b, strict=True))


def arn_pattern_covers(policy_pattern, request_pattern):
    """True when every ARN the request's pattern stands for matches the policy's pattern."""
    if policy_pattern == "*":
        return True
    a, b = _segmented(policy_pattern), _segmented(request_pattern)
    if a is None or b is None:
        return glob_covers(policy_pattern, request_pattern)
    return all(glob_covers(x, y) for x, y in zip(a, b, strict=True))
