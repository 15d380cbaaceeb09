"""Policy variables such as ${aws:username}, replaced from the request (chapter 08 (How AWS really decides)).

From https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html:
- variables work only in policies whose Version is 2012-10-17; in older ones
  "${aws:username}" is a literal string;
- they may appear in Resource (after the fifth colon) and in the values of
  string, ARN and Bool conditions;
- ${*}, ${?} and ${$} stand for a literal *, ? and $;
- "${aws:userid, 'anonymous'}" gives a default for a key the request lacks;
- a key the request lacks (with no default) "causes the statement to be
  invalid": the statement then applies to nothing.
"""

import functools
import re

VARIABLES_VERSION = "2012-10-17"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class UnresolvedVariable(Exception):
    """A policy variable names a key the request does not carry, and has no default."""

    def __init__(self, name):
        super().__init__(f"${{{name}}} has no value in this request")
        self.name = name


def uses_variables(version):
    """True when a policy of this Version replaces ${...} variables."""
    return version == VARIABLES_VERSION


@functools.lru_cache(maxsize=4096)
def split_template(text):
    """A string as ("glob", text) and ("var", name, default) pieces; None when it has no ${...}."""
    if "${" not in text:
        return None
    pieces, start = [], 0
    for found in _VARIABLE.finditer(text):
        if found.start() > start:
            pieces.append(("glob", text[start : found.start()]))
        pieces.append(_variable_piece(found.group(1)))
        start = found.end()
    if start < len(text):
        pieces.append(("glob", text[start:]))
    return tuple(pieces)


def _variable_piece(inside):
    """The piece for the text between ${ and }: a special character or a key with its default."""
    if inside in _SPECIAL:
        return ("text", _SPECIAL[inside])
    with_default = _DEFAULT.match(inside)
    if with_default:
        return ("var", with_default.group(1), with_default.group(2))
    return ("var", inside.strip(), None)


def _lookup(name, default, context):
    """The single value of key `name` in the request context, else the default, else raise."""
    values = context.get(name.lower())
    if values is not None and len(values) == 1:
        return values[0]
    if default is not None:
        return default
    raise UnresolvedVariable(name)


def expand(text, context, enabled=True):
    """`text` with its variables replaced: a plain string, or a tuple of parts for wildcard use.

    Replaced values are literal ("text" parts): a * that came from a variable is no wildcard.
    """
    pieces = split_template(text) if enabled else None
    if pieces is None:
        return text
    parts = []
    for piece in pieces:
        if piece[0] == "var":
            parts.append(("text", _lookup(piece[1], piece[2], context)))
        else:
            parts.append(piece)
    return tuple(parts)


def plain(pattern):
    """A pattern (string or parts) as the plain string it spells, for exact comparisons."""
    return pattern if isinstance(pattern, str) else "".join(text for _, text in pattern)
