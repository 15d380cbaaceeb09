"""Reading a policy's elements from the parsed JSON, reporting what has the wrong shape (chapter 01).

Every rule module reads statements through these: `fields` maps an object's keys
(misspelled ones reported, with a did-you-mean), `strings` reads an element that
holds a string or a list of strings, `either` finds Action or NotAction (and the
like) and reports both or neither.
"""

import json

from helpers.course.spelling import close, did_you_mean

STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)


def describe(node):
    """'an array', 'a string', ... for messages."""
    names = {"array": "an array [...]", "object": "an object {...}", "string": "a string", "number": "a number"}
    return names.get(node.kind) or json.dumps(node.value)


def guess_key(key, known):
    """Which known key a misspelled key probably meant, or None."""
    by_lower = {k.lower(): k for k in known}
    word = key.strip().lower()
    for candidate in (word, word.rstrip("s")):
        if candidate in by_lower:
            return by_lower[candidate]
    return close(word, known, 0.75)


def fields(report, obj, known):
    """The object's members by key; unknown keys are reported and mapped to a guess."""
    found, unknown = {}, []
    for member in obj.value:
        if member.key not in known:
            unknown.append(member)
            continue
        if member.key in found:
            report.add(
                member.key_node,
                "warning",
                "duplicate-key",
                f'"{member.key}" appears twice: only the last one counts',
                "merge them into one",
            )
        found[member.key] = member
    for member in unknown:
        guess = guess_key(member.key, known)
        report.add(
            member.key_node,
            "error",
            "unknown-key",
            f'unknown key "{member.key}"',
            did_you_mean(guess, "allowed here: " + ", ".join(known)),
        )
        if guess and guess not in found:
            found[guess] = member
    return found


def strings(report, member):
    """The string nodes of an element that holds a string or a list of strings."""
    node, name = member.value, member.key
    if node.kind == "string":
        return [node]
    if node.kind != "array":
        report.add(node, "error", "type", f"{name} must be a string or a list of strings", f'e.g. "{name}": ["..."]')
        return []
    if not node.value:
        report.add(node, "error", "empty-list", f"{name} is an empty list", "list at least one entry")
    for item in node.value:
        if item.kind != "string":
            report.add(item, "error", "type", f"each {name} entry must be a string", "put it in double quotes")
    return [item for item in node.value if item.kind == "string"]


def either(report, statement, found, name, hint):
    """The member for `name` or `Not<name>`; reports both or neither."""
    plain_member, not_member = found.get(name), found.get("Not" + name)
    if plain_member and not_member:
        report.add(
            not_member.key_node, "error", "both", f"use either {name} or Not{name}, not both", "delete one of them"
        )
    elif not plain_member and not not_member:
        report.add(statement, "error", f"{name.lower()}-missing", f"{name} is missing", hint)
    return plain_member or not_member
