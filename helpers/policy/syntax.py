"""Saying in words what is wrong with invalid policy JSON, and where (chapter 01).

The standard library's json module finds the first syntax error and its offset, but
words it for programmers ("Expecting property name enclosed in double quotes") and,
for a trailing or a missing comma, points at the token after the mistake. No library
says "comments are not allowed" or "JSON strings use double quotes", so this module
turns json's error into the mistake a learner made -- a comment, a trailing comma,
single quotes, a missing comma, text without quotes -- at the place to fix.
"""

import json
import re
import unicodedata

BOM = "\ufeff"
BOM_HINT = "save the file as UTF-8 without BOM (Windows editors often add one)"
BAREWORD = re.compile(r"[A-Za-z_][A-Za-z0-9_:*./-]*")
LAST_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"\s*$')
WHITESPACE = " \t\n\r"
COMMENT_STARTS = ("//", "/*", "#")


class JsonError(Exception):
    """A JSON syntax error at a character offset, with a hint for fixing it."""

    def __init__(self, offset, message, hint=""):
        """Remember where the error is, what it is and how to fix it."""
        super().__init__(message)
        self.offset, self.message, self.hint = offset, message, hint


def explain(text, error):
    """The JsonError that says what json's `error` in `text` means for a policy's author."""
    pos, message = error.pos, error.msg
    if text.startswith(COMMENT_STARTS, pos):
        return JsonError(pos, "comments are not allowed in JSON", "JSON has no comments: delete it")
    if message.startswith("Unexpected UTF-8 BOM"):
        return JsonError(0, "the text starts with a byte-order mark (BOM)", BOM_HINT)
    if message.startswith(("Unterminated string", "Invalid control character", "Invalid \\")):
        return _string_error(text, pos, message)
    if message == "Extra data":
        return JsonError(pos, "extra text after the end of the JSON document", "a policy is exactly one { ... } object")
    if message.startswith("Expecting ':' delimiter"):
        return JsonError(pos, f'expected : after the key "{_last_key(text, pos)}"', 'write "Key": value')
    if message.startswith("Expecting ',' delimiter"):
        return _after_item(text, pos)
    comma = _comma_before(text, pos)
    if comma is not None and text[pos : pos + 1] in "]}":
        closer = text[pos]
        return JsonError(comma, f"trailing comma before {closer}", f"remove the comma before {closer}")
    wanted = "a value" if message.startswith("Expecting value") else 'a "key" in double quotes'
    return unexpected(text, pos, wanted)


def _string_error(text, pos, message):
    """Why the string at or before `pos` is invalid."""
    if message.startswith("Unterminated"):
        return JsonError(pos, "unterminated string", 'close it with "')
    if message.startswith("Invalid control") and text[pos] in "\r\n":
        return JsonError(
            text.rfind('"', 0, pos), "string runs past the end of the line", 'close it with " on the same line'
        )
    if message.startswith("Invalid control"):
        return JsonError(pos, "control character inside a string", "delete it")
    return JsonError(pos, "invalid escape in a string", r"write \\ for a backslash")


def _last_key(text, pos):
    """The key (the last string) before `pos`."""
    match = LAST_STRING.search(text, 0, pos)
    try:
        return json.loads(match.group()) if match else "?"
    except json.JSONDecodeError:
        return match.group(1)


def _comma_before(text, pos):
    """The offset of a comma just before `pos` (whitespace aside), or None."""
    before = _skip_back(text, pos)
    return before - 1 if before and text[before - 1] == "," else None


def _skip_back(text, pos):
    """The offset just after the last non-whitespace character before `pos`."""
    while pos > 0 and text[pos - 1] in WHITESPACE:
        pos -= 1
    return pos


def _after_item(text, pos):
    """The mistake after an item of an object or array: a missing comma, or mismatched brackets."""
    closer = _closer_at(text, pos)
    ch = text[pos : pos + 1]
    if ch and (ch in "\"{['-" or ch.isalnum()):
        return JsonError(_skip_back(text, pos), "missing comma", "add , between the two items")
    if ch in ("}", "]"):
        return JsonError(
            pos, f"expected , or {closer} but found {ch}", "the brackets do not pair up: { with } and [ with ]"
        )
    return unexpected(text, pos, f", or {closer}")


def _closer_at(text, pos):
    """The bracket that closes the innermost object or array open at `pos` ("}" or "]")."""
    stack, in_string, escaped = [], False, False
    for ch in text[:pos]:
        if in_string:
            in_string, escaped = (ch != '"' or escaped), (ch == "\\" and not escaped)
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else "}"


def unexpected(text, pos, wanted):
    """A JsonError for whatever stands at `pos` where `wanted` was expected."""
    ch = text[pos : pos + 1]
    if ch == "":
        return JsonError(pos, f"unexpected end of file: expected {wanted}", "a closing } or ] is probably missing")
    if ch == "'":
        return JsonError(pos, "JSON strings use double quotes, not single quotes", "replace ' with \"")
    word = BAREWORD.match(text, pos)
    if word:
        word = word.group().rstrip(":")
        return JsonError(pos, f"text must be in double quotes: {word}", f'write "{word}"')
    if ch == ",":
        return JsonError(pos, f"expected {wanted} but found ','", "delete the extra comma")
    if ch == BOM and pos == 0:
        return JsonError(pos, "the text starts with a byte-order mark (BOM)", BOM_HINT)
    if ord(ch) > 127:
        return JsonError(pos, f"unexpected character {ch!r} (U+{ord(ch):04X})", _character_hint(ch))
    return JsonError(pos, f"expected {wanted} but found {ch!r}", "check the brackets and quotes just before this point")


def _character_hint(ch):
    """A fix for a stray non-ASCII character (curly quotes, full-width forms)."""
    if ch in "\u201c\u201d\u2018\u2019":
        return 'use straight double quotes "'
    if unicodedata.category(ch) == "Zs":
        return "replace it with an ordinary space"
    if 0xFF01 <= ord(ch) <= 0xFF5E:
        return f"use the half-width {chr(ord(ch) - 0xFEE0)}"
    return "delete it"
