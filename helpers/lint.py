"""Check IAM policy files and point at each problem by line and column (chapter 01).

`lint_file(path)` and `lint_text(text)` return `Finding`s; `format_finding(f)`
renders one as ``PATH:LINE:COL: severity: message (hint)``; `check_policy_file(path)`
prints them for a notebook and never raises. `python -m helpers lint PATH...` is
the command-line form.

How it works:
1. A small JSON parser of our own keeps the offset of every key and value, and
   explains syntax errors (comments, trailing commas, missing commas, quotes).
2. The policy's structure is checked: Version, Statement, Effect, Action,
   Resource, Principal, Sid — misspelled keys and values get a "did you mean".
3. Actions, services and ARN formats are checked against parliament's offline
   copy of the IAM reference (services, actions and the resource each action
   acts on), including the article's S3 lesson: object actions need
   ``bucket/*``, bucket actions need the bare bucket ARN.
4. A policy shaped like a trust policy (a Principal with ``sts:AssumeRole*``,
   no Resource) is checked by trust-policy rules instead: parliament itself
   would demand a Resource there, which AWS forbids.

Severity: an "error" is something IAM refuses (MalformedPolicyDocument), so the
`%aws` magic does not send the document; a "warning" is accepted by IAM but is
probably a mistake (e.g. an action that never matches), so it is only printed.
"""
import difflib
import functools
import json
import re
import unicodedata
import warnings
from dataclasses import dataclass
from json.decoder import scanstring
from pathlib import Path

from helpers.explain import as_list, wildcard_match

TOP_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                  "Resource", "NotResource", "Condition")
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
# IAM's condition operators; each but Null also has an ...IfExists form, and any may
# start with ForAllValues: or ForAnyValue: (for keys with several values).
OPERATORS = (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
    "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
    "ArnLike", "ArnNotEquals", "ArnNotLike", "Null")
SET_PREFIXES = ("", "ForAllValues:", "ForAnyValue:")
VERSION = "2012-10-17"
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
REGIONLESS = ("s3", "iam")  # IAM refuses their ARNs with a region, unless a documented type has one
PRINCIPAL_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn")
# Service principals whose name is not an IAM action prefix, so the catalogue
# cannot supply them. All other `<prefix>.amazonaws.com` names count as known.
EXTRA_SERVICE_PRINCIPALS = (
    "ecs-tasks.amazonaws.com", "edgelambda.amazonaws.com", "spotfleet.amazonaws.com",
    "vpc-flow-logs.amazonaws.com", "delivery.logs.amazonaws.com",
    "monitoring.rds.amazonaws.com", "export.rds.amazonaws.com",
    "ops.apigateway.amazonaws.com", "replicator.lambda.amazonaws.com",
)
# Warnings for what IAM stores but what can never match a request (a course answer must not have them).
NEVER_MATCHES = ("unknown-service", "unknown-action", "arn-unknown", "resource-mismatch")
HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
BOM = "\ufeff"
BOM_MESSAGE = "the file starts with a byte-order mark (BOM): IAM refuses it (MalformedPolicyDocument)"
BOM_HINT = "save the file as UTF-8 without BOM (Windows editors often add one)"
EXAMPLE_POLICY = '{"Version": "2012-10-17", "Statement": [...]}'
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
BAREWORD = re.compile(r"[A-Za-z_][A-Za-z0-9_:*./-]*")
AWS_PRINCIPAL = re.compile(
    r"\*|[0-9]{12}|arn:aws(?:-cn|-us-gov)?:(?:iam|sts)::[0-9]{12}:"
    r"(?:root|(?:user|role|assumed-role|federated-user)/\S+)")


@dataclass(frozen=True)
class Finding:
    """One problem in a policy file; line and col are 1-based (0 = whole file)."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    hint: str = ""
    code: str = ""


def format_finding(f):
    """Render a finding as PATH:LINE:COL: severity: message (hint)."""
    where = f"{f.path}:{f.line}:{f.col}" if f.line else f.path
    hint = f" ({f.hint})" if f.hint else ""
    return f"{where}: {f.severity}: {f.message}{hint}"


# --- JSON with positions -------------------------------------------------------

class JsonError(Exception):
    """A JSON syntax error at a character offset, with a hint for fixing it."""

    def __init__(self, offset, message, hint=""):
        """Remember where the error is, what it is and how to fix it."""
        super().__init__(message)
        self.offset, self.message, self.hint = offset, message, hint


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


def plain(node):
    """The ordinary Python value of a parsed node."""
    if node.kind == "object":
        return {m.key: plain(m.value) for m in node.value}
    if node.kind == "array":
        return [plain(item) for item in node.value]
    return node.value


def _character_hint(ch):
    """A fix for a stray non-ASCII character (curly quotes, full-width forms)."""
    if ch in "\u201c\u201d\u2018\u2019":
        return 'use straight double quotes "'
    if unicodedata.category(ch) == "Zs":
        return "replace it with an ordinary space"
    if 0xFF01 <= ord(ch) <= 0xFF5E:
        return f"use the half-width {chr(ord(ch) - 0xFEE0)}"
    return "delete it"


class _Parser:
    """A recursive-descent JSON parser that records where every value starts."""

    def __init__(self, text):
        """Prepare to parse `text`."""
        self.text, self.pos = text, 0

    def parse(self):
        """Parse the whole text as one JSON document."""
        self._skip()
        node = self._value()
        self._skip()
        if self.pos < len(self.text):
            raise JsonError(self.pos, "extra text after the end of the JSON document",
                            "a policy is exactly one { ... } object")
        return node

    def _peek(self):
        """The current character, or "" at the end."""
        return self.text[self.pos:self.pos + 1]

    def _skip(self):
        """Skip whitespace; refuse comments, which JSON does not have."""
        while self.pos < len(self.text):
            if self.text[self.pos] in " \t\n\r":
                self.pos += 1
            elif self.text.startswith(("//", "/*", "#"), self.pos):
                raise JsonError(self.pos, "comments are not allowed in JSON",
                                "JSON has no comments: delete it")
            else:
                return

    def _value(self):
        """Parse any JSON value at the current position."""
        ch = self._peek()
        if ch == "{":
            return self._object()
        if ch == "[":
            return self._array()
        if ch == '"':
            return self._string()
        if ch and ch in "-0123456789":
            return self._number()
        return self._literal()

    def _literal(self):
        """Parse true, false or null, or explain what stands there instead."""
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return Node("literal", value, self.pos - len(word))
        raise self._unexpected("a value")

    def _unexpected(self, wanted):
        """A JsonError for whatever stands where `wanted` was expected."""
        ch, pos = self._peek(), self.pos
        if ch == "":
            return JsonError(pos, f"unexpected end of file: expected {wanted}",
                             "a closing } or ] is probably missing")
        if ch == "'":
            return JsonError(pos, "JSON strings use double quotes, not single quotes",
                             "replace ' with \"")
        word = BAREWORD.match(self.text, pos)
        if word:
            word = word.group().rstrip(":")
            return JsonError(pos, f"text must be in double quotes: {word}", f'write "{word}"')
        if ch == ",":
            return JsonError(pos, f"expected {wanted} but found ','", "delete the extra comma")
        if ch == BOM and pos == 0:
            return JsonError(pos, "the text starts with a byte-order mark (BOM)", BOM_HINT)
        if ord(ch) > 127:
            return JsonError(pos, f"unexpected character {ch!r} (U+{ord(ch):04X})",
                             _character_hint(ch))
        return JsonError(pos, f"expected {wanted} but found {ch!r}",
                         "check the brackets and quotes just before this point")

    def _object(self):
        """Parse { "key": value, ... }."""
        start, members = self.pos, []
        self.pos += 1
        self._skip()
        if self._peek() == "}":
            self.pos += 1
            return Node("object", members, start)
        while True:
            members.append(self._member())
            if self._close_or_comma("}"):
                return Node("object", members, start)

    def _member(self):
        """Parse one "key": value pair."""
        self._skip()
        if self._peek() != '"':
            raise self._unexpected('a "key" in double quotes')
        key = self._string()
        self._skip()
        if self._peek() != ":":
            raise JsonError(self.pos, f'expected : after the key "{key.value}"',
                            'write "Key": value')
        self.pos += 1
        self._skip()
        return Member(key.value, key, self._value())

    def _array(self):
        """Parse [ value, ... ]."""
        start, items = self.pos, []
        self.pos += 1
        self._skip()
        if self._peek() == "]":
            self.pos += 1
            return Node("array", items, start)
        while True:
            self._skip()
            items.append(self._value())
            if self._close_or_comma("]"):
                return Node("array", items, start)

    def _close_or_comma(self, closer):
        """After an item, consume "," or the closer; True when the closer came."""
        end = self.pos
        self._skip()
        ch = self._peek()
        if ch == closer:
            self.pos += 1
            return True
        if ch == ",":
            comma = self.pos
            self.pos += 1
            self._skip()
            if self._peek() == closer:
                raise JsonError(comma, f"trailing comma before {closer}",
                                f"remove the comma before {closer}")
            return False
        if ch and (ch in "\"{['-" or ch.isalnum()):
            raise JsonError(end, "missing comma", "add , between the two items")
        if ch in ("}", "]"):
            raise JsonError(self.pos, f"expected , or {closer} but found {ch}",
                            "the brackets do not pair up: { with } and [ with ]")
        raise self._unexpected(f", or {closer}")

    def _string(self):
        """Parse a double-quoted string."""
        start = self.pos
        try:
            value, self.pos = scanstring(self.text, start + 1, True)
        except json.JSONDecodeError as e:
            raise self._string_error(start, e) from None
        return Node("string", value, start)

    def _string_error(self, start, e):
        """Explain why the string starting at `start` is invalid."""
        if e.msg.startswith("Unterminated"):
            return JsonError(start, "unterminated string", 'close it with "')
        if e.msg.startswith("Invalid control") and self.text[e.pos] in "\r\n":
            return JsonError(start, "string runs past the end of the line",
                             'close it with " on the same line')
        if e.msg.startswith("Invalid control"):
            return JsonError(e.pos, "control character inside a string", "delete it")
        return JsonError(e.pos, "invalid escape in a string", r"write \\ for a backslash")

    def _number(self):
        """Parse a JSON number."""
        match = NUMBER.match(self.text, self.pos)
        if not match:
            raise self._unexpected("a number")
        self.pos = match.end()
        return Node("number", json.loads(match.group()), match.start())


def parse(text):
    """Parse JSON text into position-carrying nodes; raise JsonError if invalid."""
    return _Parser(text).parse()


# --- the catalogue (parliament's offline IAM reference) -----------------------

@dataclass
class Catalogue:
    """Services, actions, ARN formats and service principals known to IAM."""

    actions: dict          # prefix -> {lowercase action name: documented name}
    names: dict            # service prefix -> service name
    resources: dict        # prefix -> list of ARN formats with ${...} replaced by *
    arn_services: set      # the service part of every documented ARN
    service_principals: set


@functools.lru_cache(maxsize=None)
def _load_parliament():
    """Import parliament quietly (it opens files without closing them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament
        import parliament.statement
    return parliament


@functools.lru_cache(maxsize=1)
def catalogue():
    """The IAM catalogue built from parliament's iam_definition.json."""
    services = _load_parliament().iam_definition
    actions, names, resources = {}, {}, {}
    for service in services:
        prefix = service["prefix"]
        names.setdefault(prefix, service["service_name"])
        actions.setdefault(prefix, {}).update(
            {p["privilege"].lower(): p["privilege"] for p in service["privileges"]})
        resources.setdefault(prefix, []).extend(
            re.sub(r"\$\{.*?\}", "*", r["arn"]) for r in service["resources"])
    arn_services = {arn.split(":")[2] for arns in resources.values() for arn in arns}
    return Catalogue(actions, names, resources, arn_services | set(actions),
                     _service_principals(services, actions))


def _service_principals(services, actions):
    """`<prefix>.amazonaws.com` for every service, plus names the data mentions."""
    return ({f"{prefix}.amazonaws.com" for prefix in actions}
            | _mentioned_hosts(json.dumps(services)) | set(EXTRA_SERVICE_PRINCIPALS))


def _mentioned_hosts(text):
    """Every lower-case `<name>.amazonaws.com` in text.

    Finds the fixed suffix first and walks back over the name: a regex that starts
    with the name tries every position of the ~7 MB text (0.17 s instead of 0.01 s).
    """
    hosts = set()
    for match in re.finditer(r"\.amazonaws\.com\b", text):
        start = match.start()
        while start and text[start - 1] in HOST_CHARACTERS:
            start -= 1
        hosts.add(text[start:match.end()].strip("."))
    return hosts - {"amazonaws.com"}


def _close(word, choices, cutoff=0.6):
    """The closest of `choices` to `word` (case-insensitive), or None.

    difflib proposes candidates; the fewest single-letter edits picks among them.
    """
    by_lower = {c.lower(): c for c in choices}
    matches = difflib.get_close_matches(word.lower(), list(by_lower), 10, cutoff)
    if not matches:
        return None
    return by_lower[min(matches, key=lambda m: _edits(word.lower(), m))]


def _edits(a, b):
    """Levenshtein distance: single-letter insertions, deletions and substitutions."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _did_you_mean(guess, otherwise=""):
    """'did you mean X?' when there is a guess, else the fallback hint."""
    return f"did you mean {guess}?" if guess else otherwise


# --- reporting -----------------------------------------------------------------

class _Report:
    """Collects findings for one text, turning offsets into line and column."""

    def __init__(self, text, path):
        """Start an empty report for `text` read from `path`."""
        self.text, self.path, self.findings = text, path, []

    def position(self, offset):
        """1-based (line, column) of a character offset."""
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - self.text.rfind("\n", 0, offset)

    def add(self, where, severity, code, message, hint=""):
        """Record a finding at a node (or a character offset)."""
        offset = where if isinstance(where, int) else where.offset
        line, col = self.position(offset)
        self.findings.append(Finding(self.path, line, col, severity, message, hint, code))


# --- policy structure ------------------------------------------------------------

def lint_text(text, path="<policy>", kind=None):
    """All findings for the policy JSON in `text`, sorted by position.

    `kind` is the policy the caller expects, "trust" or "permission"; a policy of
    the other kind is then an error (IAM refuses it). None: any kind will do.
    """
    report = _Report(text, str(path))
    if not text.strip():
        report.add(0, "error", "empty", "the file is empty",
                   f"a policy is a JSON object: {EXAMPLE_POLICY}")
        return report.findings
    try:
        root = parse(text)
    except JsonError as e:
        report.add(e.offset, "error", "json", e.message, e.hint)
        return report.findings
    except RecursionError:
        report.add(0, "error", "json", "the JSON is nested too deeply",
                   "a policy is only a few levels deep")
        return report.findings
    _check_policy(report, root, kind)
    return sorted(report.findings, key=lambda f: (f.line, f.col))


def lint_file(path, kind=None):
    """All findings for the policy file at `path` (a missing file is one finding).

    A leading UTF-8 byte-order mark is an error at 1:1 (IAM refuses the document
    with MalformedPolicyDocument); the rest of the file is checked as if it were
    not there, so columns are those an editor shows.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")  # not utf-8-sig: a BOM is a finding
    except FileNotFoundError:
        return [Finding(str(path), 0, 0, "error", "file not found",
                        f"check the name; the current folder is {Path.cwd()}", "missing")]
    except IsADirectoryError:
        return [Finding(str(path), 0, 0, "error", "is a folder, not a file",
                        "give the path of a .json file", "missing")]
    except UnicodeDecodeError as e:
        return [Finding(str(path), 0, 0, "error", "not UTF-8 text",
                        f"save the file as UTF-8 ({e.reason})", "encoding")]
    if not text.startswith(BOM):
        return lint_text(text, str(path), kind)
    return [Finding(str(path), 1, 1, "error", BOM_MESSAGE, BOM_HINT, "bom"),
            *lint_text(text[len(BOM):], str(path), kind)]


def _check_policy(report, root, kind=None):
    """Check the top level of a policy document (and that it is of `kind`, if given)."""
    if root.kind != "object":
        hint = ('put the statements under "Statement" inside { ... }'
                if root.kind == "array" else f"a policy looks like {EXAMPLE_POLICY}")
        report.add(root, "error", "not-object",
                   f"the policy must be a JSON object {{...}}, not {_describe(root)}", hint)
        return
    fields = _fields(report, root, TOP_KEYS)
    _check_version(report, root, fields.get("Version"))
    statements = _statements(report, root, fields.get("Statement"))
    trust = any(_looks_like_trust(plain(s)) for s in statements)
    if statements and kind:
        _check_kind(report, root, "trust" if trust else "permission", kind)
    _check_sids(report, statements)
    for statement in statements:
        _check_statement(report, statement, trust)


KINDS = {  # name, shape, where it goes, an example file
    "trust": ("a trust policy", "Principal, sts:AssumeRole, no Resource",
              "create-role --assume-role-policy-document", "../policies/trustpolicy.json"),
    "permission": ("a permission policy", "Action and Resource, no Principal",
                   "create-policy --policy-document", "../policies/s3policy.json"),
}


def _check_kind(report, root, found, expected):
    """Report a trust policy where a permission policy is expected, or the other way round."""
    if found == expected:
        return
    name, shape, home, _ = KINDS[found]
    wanted, wanted_shape, _, example = KINDS[expected]
    report.add(root, "error", "wrong-kind",
               f"this is {name} ({shape}), but {wanted} ({wanted_shape}) is expected here",
               f"{name} goes to {home}; here give {wanted}, e.g. {example}")


def _describe(node):
    """'an array', 'a string', ... for messages."""
    names = {"array": "an array [...]", "object": "an object {...}", "string": "a string",
             "number": "a number"}
    return names.get(node.kind) or json.dumps(node.value)


def _guess_key(key, known):
    """Which known key a misspelled key probably meant, or None."""
    by_lower = {k.lower(): k for k in known}
    word = key.strip().lower()
    for candidate in (word, word.rstrip("s")):
        if candidate in by_lower:
            return by_lower[candidate]
    return _close(word, known, 0.75)


def _fields(report, obj, known):
    """The object's members by key; unknown keys are reported and mapped to a guess."""
    found, unknown = {}, []
    for member in obj.value:
        if member.key not in known:
            unknown.append(member)
            continue
        if member.key in found:
            report.add(member.key_node, "warning", "duplicate-key",
                       f'"{member.key}" appears twice: only the last one counts',
                       "merge them into one")
        found[member.key] = member
    for member in unknown:
        guess = _guess_key(member.key, known)
        report.add(member.key_node, "error", "unknown-key", f'unknown key "{member.key}"',
                   _did_you_mean(guess, "allowed here: " + ", ".join(known)))
        if guess and guess not in found:
            found[guess] = member
    return found


def _check_version(report, root, member):
    """Version must be "2012-10-17"."""
    if member is None:
        report.add(root, "warning", "version-missing", "Version is missing",
                   f'add "Version": "{VERSION}" as the first line inside {{')
        return
    value = plain(member.value)
    if value == VERSION:
        return
    if value == "2008-10-17":
        report.add(member.value, "warning", "version-old",
                   "Version 2008-10-17 is the old policy language (no ${...} variables)",
                   f"use {VERSION}")
        return
    report.add(member.value, "error", "version-invalid",
               f"invalid Version {json.dumps(value)}",
               f"use {VERSION}: it names the policy language, it is not today's date")


def _statements(report, root, member):
    """The statement objects of the policy (reporting a missing or odd Statement)."""
    if member is None:
        report.add(root, "error", "statement-missing", "Statement is missing",
                   'add "Statement": [ {"Effect": ..., "Action": ..., "Resource": ...} ]')
        return []
    node = member.value
    if node.kind == "object":
        return [node]
    if node.kind != "array":
        report.add(node, "error", "statement-type",
                   f"Statement must be a list of objects, not {_describe(node)}",
                   "write [ { ... }, { ... } ]")
        return []
    if not node.value:
        report.add(node, "error", "statement-empty", "Statement is empty",
                   "add at least one { ... } statement")
    for item in node.value:
        if item.kind != "object":
            report.add(item, "error", "statement-type",
                       f"each statement must be an object {{...}}, not {_describe(item)}",
                       'write { "Effect": ..., "Action": ..., "Resource": ... }')
    return [item for item in node.value if item.kind == "object"]


def _looks_like_trust(statement):
    """True when a statement is shaped like a role's trust policy."""
    actions = statement.get("Action", statement.get("NotAction", []))
    actions = [a for a in as_list(actions) if isinstance(a, str)]
    sts = any(a.lower().startswith("sts:") for a in actions)
    only_sts = all(a.lower().startswith("sts:") for a in actions)
    principal = "Principal" in statement or "NotPrincipal" in statement
    resource = "Resource" in statement or "NotResource" in statement
    return (sts and (principal or not resource)) or (principal and not resource and only_sts)


def _check_sids(report, statements):
    """Sids must be letters and digits only, and unique."""
    seen = set()
    for statement in statements:
        member = next((m for m in statement.value if m.key == "Sid"), None)
        if member is None or not isinstance(member.value.value, str):
            continue
        sid = member.value.value
        if not re.fullmatch(r"[A-Za-z0-9]*", sid):
            report.add(member.value, "error", "sid-invalid",
                       f"Sid {json.dumps(sid)} may contain only letters and digits",
                       f"e.g. {re.sub('[^A-Za-z0-9]', '', sid) or 'AllowRead'}")
        elif sid in seen:
            report.add(member.value, "error", "sid-duplicate", f"duplicate Sid \"{sid}\"",
                       "give every statement its own Sid")
        seen.add(sid)


# --- one statement -----------------------------------------------------------------

def _check_statement(report, statement, trust):
    """Check one statement, by identity-policy or trust-policy rules."""
    fields = _fields(report, statement, STATEMENT_KEYS)
    _check_effect(report, statement, fields.get("Effect"))
    actions = _check_actions(report, statement, fields, trust)
    if "Condition" in fields:
        _check_condition(report, fields["Condition"].value)
    if trust:
        _check_trust_statement(report, statement, fields, actions)
    else:
        _check_identity_statement(report, statement, fields, actions)


def condition_operators():
    """Every condition operator name IAM accepts, with its IfExists and ForAllValues:/ForAnyValue: forms."""
    forms = OPERATORS + tuple(f"{o}IfExists" for o in OPERATORS if o != "Null")
    return [prefix + form for prefix in SET_PREFIXES for form in forms]


def _check_condition(report, node):
    """Condition is {operator: {key: value}}, each operator one IAM knows."""
    example = 'e.g. {"Bool": {"aws:SecureTransport": "true"}}'
    if node.kind != "object":
        report.add(node, "error", "condition-type", "Condition must be an object", example)
        return
    known = condition_operators()
    for member in node.value:
        if member.key not in known:
            report.add(member.key_node, "error", "condition-operator",
                       f'unknown condition operator "{member.key}"',
                       _did_you_mean(_close(member.key, known), "e.g. StringEquals, StringLike, Bool"))
        elif member.value.kind != "object":
            report.add(member.value, "error", "condition-type",
                       f"the value of {member.key} must be an object {{condition key: value}}", example)


def _check_effect(report, statement, member):
    """Effect must be exactly Allow or Deny."""
    if member is None:
        report.add(statement, "error", "effect-missing", "Effect is missing",
                   'add "Effect": "Allow" (or "Deny")')
        return
    value = plain(member.value)
    if value in ("Allow", "Deny"):
        return
    guess = _close(value, ("Allow", "Deny"), 0.5) if isinstance(value, str) else None
    report.add(member.value, "error", "effect-invalid",
               f"invalid Effect {json.dumps(value)}", _did_you_mean(guess, 'use "Allow" or "Deny"'))


def _strings(report, member):
    """The string nodes of an element that holds a string or a list of strings."""
    node, name = member.value, member.key
    if node.kind == "string":
        return [node]
    if node.kind != "array":
        report.add(node, "error", "type", f"{name} must be a string or a list of strings",
                   f'e.g. "{name}": ["..."]')
        return []
    if not node.value:
        report.add(node, "error", "empty-list", f"{name} is an empty list",
                   "list at least one entry")
    for item in node.value:
        if item.kind != "string":
            report.add(item, "error", "type", f"each {name} entry must be a string",
                       'put it in double quotes')
    return [item for item in node.value if item.kind == "string"]


def _either(report, statement, fields, name, hint):
    """The member for `name` or `Not<name>`; reports both or neither."""
    plain_member, not_member = fields.get(name), fields.get("Not" + name)
    if plain_member and not_member:
        report.add(not_member.key_node, "error", "both",
                   f"use either {name} or Not{name}, not both", "delete one of them")
    elif not plain_member and not not_member:
        report.add(statement, "error", f"{name.lower()}-missing", f"{name} is missing", hint)
    return plain_member or not_member


def _check_actions(report, statement, fields, trust=False):
    """Check Action/NotAction; return (node, documented action or None) pairs."""
    member = _either(report, statement, fields, "Action",
                     'add "Action": [...]: the API calls this statement is about')
    if member is None:
        return []
    return [(node, _check_action(report, node, trust)) for node in _strings(report, member)]


def _unknown_severity(trust):
    """How bad an action missing from the IAM reference is.

    IAM does not look actions up when it stores a permission policy: an unknown
    service or action is accepted and simply never matches a request (the
    console's validator only warns). So there it is a warning and the command is
    still sent. A trust policy may hold only sts:AssumeRole-style actions, and IAM
    refuses any other, so there it is an error.
    """
    return "error" if trust else "warning"


def _check_action(report, node, trust=False):
    """Check one action string; return it as documented ("s3:GetObject") or None."""
    text = node.value
    if text == "*":
        return None
    if text.strip() == "":
        report.add(node, "error", "action-empty", "empty action",
                   "write service:Action, e.g. s3:GetObject")
        return None
    if ":" not in text:
        report.add(node, "error", "action-no-prefix",
                   f'action "{text}" has no service prefix', _prefix_hint(text))
        return None
    prefix, _, name = text.partition(":")
    return _check_service_action(report, node, prefix, name, _unknown_severity(trust))


def _prefix_hint(name):
    """Suggest service:name for an action written without its service."""
    owners = [p for p, acts in catalogue().actions.items() if name.lower() in acts]
    if not owners:
        return "write it as service:Action, e.g. s3:GetObject"
    owner = "s3" if "s3" in owners else owners[0]
    return f"did you mean {owner}:{catalogue().actions[owner][name.lower()]}?"


def _check_service_action(report, node, prefix, name, severity="error"):
    """Check the service prefix and the action name against the catalogue; `severity` for unknown ones."""
    known = catalogue().actions
    if prefix.lower() not in known:
        report.add(node, severity, "unknown-service", f'unknown service "{prefix}" in {node.value}',
                   _did_you_mean(_close(prefix, known, 0.5), "see the IAM service prefixes"))
        return None
    service = prefix.lower()
    if "*" in name or "?" in name or name == "":
        return _check_action_pattern(report, node, service, name, severity)
    documented = known[service].get(name.lower())
    if documented is None:
        guess = _close(name, known[service].values())
        report.add(node, severity, "unknown-action", f"unknown action {node.value}",
                   _did_you_mean(guess and f"{service}:{guess}",
                                 f"see the actions of {catalogue().names[service]}"))
        return None
    if f"{service}:{documented}" != node.value:
        report.add(node, "warning", "action-case",
                   f"{node.value} is documented as {service}:{documented}",
                   "AWS ignores the case of actions, the lab's emulator (moto) does not")
    return f"{service}:{documented}"


def _check_action_pattern(report, node, service, pattern, severity="error"):
    """A wildcard action must match at least one action of its service."""
    if pattern and any(wildcard_match(pattern, a, ignore_case=True) for a in catalogue().actions[service]):
        return None
    report.add(node, severity, "unknown-action", f"{node.value} matches no {service} action",
               f"e.g. {service}:* or {service}:Get*")
    return None


# --- identity (permission) policies ---------------------------------------------------

def _check_identity_statement(report, statement, fields, actions):
    """Resource rules and the S3 bucket/object lesson for a permission policy."""
    for key in ("Principal", "NotPrincipal"):
        if key in fields:
            report.add(fields[key].key_node, "error", "principal-in-identity",
                       f"{key} does not belong in an identity (permission) policy",
                       "delete it: the policy applies to whoever it is attached to")
    member = _either(report, statement, fields, "Resource",
                     'add "Resource": the ARNs the actions act on, or "*"')
    if member is None:
        return
    nodes = _strings(report, member)
    valid = all([_check_arn(report, node) for node in nodes])
    effect = fields.get("Effect")
    if (valid and nodes and member.key == "Resource" and "Action" in fields
            and effect is not None and effect.value.value == "Allow"):
        values = [n.value for n in nodes]
        for node, action in actions:
            if action:
                _check_resource_fit(report, node, action, values)


def _check_arn(report, node):
    """Check one Resource ARN; True when it is well formed and fits a documented resource."""
    value = node.value
    if value == "*":
        return True
    problem = _arn_problem(value)
    if problem:
        report.add(node, "error", "arn-malformed", *problem)
        return False
    unknown = _arn_unknown(value)
    if unknown:  # IAM stores it; it just names nothing that exists
        report.add(node, "warning", "arn-unknown", *unknown)
    return unknown is None


def _arn_problem(arn):
    """(message, hint) for an ARN IAM refuses (not an ARN, bad partition, region where none belongs), or None."""
    if arn.startswith("s3://"):
        return f'"{arn}" is an S3 URL, not an ARN', f"write arn:aws:s3:::{arn[5:]}"
    parts = arn.split(":", 5)
    if parts[0] != "arn" or len(parts) < 6:
        hint = (f"an S3 bucket ARN is arn:aws:s3:::{arn}" if re.fullmatch(r"[a-z0-9.-]+", arn)
                else "an ARN has six parts: arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE")
        return f'malformed ARN "{arn}"', hint
    if not _has_wildcard(parts[1]) and parts[1] not in PARTITIONS:
        return f'unknown partition "{parts[1]}" in {arn}', "use arn:aws:..."
    if parts[2] in REGIONLESS and parts[3] and not _fits_a_regional_type(parts[2], arn):
        return _region_problem(parts[2], arn)
    return None


def _fits_a_regional_type(service, arn):
    """True if the ARN fits one of the service's documented types that do have a region (S3 access points, jobs...)."""
    return any(fmt.split(":")[3] and _arn_fits(fmt, arn) for fmt in catalogue().resources.get(service, []))


def _region_problem(service, arn):
    """(message, hint) for an S3 or IAM ARN that names a region (IAM refuses it)."""
    if service == "s3":
        return (f"{arn} is not an S3 bucket or object ARN",
                "S3 ARNs have no region or account: arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY")
    return f"{arn} names a region, but IAM resources have none", "e.g. arn:aws:iam::123456789012:role/NAME"


def _arn_unknown(arn):
    """(message, hint) for a well-formed ARN that fits no documented resource, or None."""
    service = arn.split(":")[2]
    if _has_wildcard(service):
        return None
    if service not in catalogue().arn_services:
        return (f'unknown service "{service}" in ARN {arn}',
                _did_you_mean(_close(service, catalogue().arn_services), "check the service part"))
    return _arn_format_problem(service, arn)


def _has_wildcard(text):
    """True when the text holds * or ?."""
    return "*" in text or "?" in text


def _arn_format_problem(service, arn):
    """(message, hint) when the ARN fits no documented resource of its service."""
    formats = catalogue().resources.get(service, [])
    if not formats or any(_arn_fits(fmt, arn) for fmt in formats):
        return None
    return f"{arn} fits no {service} resource type", f"e.g. {formats[0]}"


def _arn_fits(arn_format, arn):
    """parliament's loose match of an ARN against a documented ARN format."""
    parliament = _load_parliament()
    try:
        return parliament.is_arn_match("", arn_format, arn)
    except Exception:  # parliament raises on ARNs it cannot split
        return False


def _check_resource_fit(report, node, action, resources):
    """Report an Allow whose action can act on none of the statement's resources."""
    problem = _resource_fit_problem(action, resources)
    if problem:  # IAM accepts it: the statement just never matches this action
        report.add(node, "warning", "resource-mismatch", *problem)


def _resource_fit_problem(action, resources):
    """(message, hint) when no resource suits the action (parliament's rule), else None."""
    parliament = _load_parliament()
    service, name = action.split(":")
    info = parliament.statement.get_privilege_info(service, name)
    types = [t["resource_type"] for t in info["resource_types"]]
    if "*" in resources:
        return None
    if all(t == "" for t in types):
        return (f'{action} works only with "Resource": "*"',
                'move it to a statement with "Resource": "*"')
    for resource_type in (t for t in types if t.endswith("*")):
        arn_format = parliament.statement.get_arn_format(resource_type, info["service_resources"])
        if not any(_strictly_fits(resource_type, arn_format, r) for r in resources):
            return _mismatch_message(action, resource_type.rstrip("*"), arn_format, resources)
    return None


def _strictly_fits(resource_type, arn_format, arn):
    """parliament's strict match of a policy ARN against an action's resource type."""
    parliament = _load_parliament()
    try:
        return parliament.is_arn_strictly_valid(resource_type, arn_format, arn)
    except Exception:  # parliament raises on ARNs it cannot split
        return False


def _mismatch_message(action, resource_type, arn_format, resources):
    """(message, hint) for an action whose resource type is absent, S3 made explicit."""
    arn = resources[0]
    if action.startswith("s3:") and resource_type == "object" and "/" not in arn:
        return (f"{action} acts on objects, but {arn} is the bucket itself",
                f"add /* to reach the objects: {arn}/*")
    if action.startswith("s3:") and resource_type == "bucket" and "/" in arn:
        return (f"{action} acts on the bucket, but {arn} names objects inside it",
                f"remove /*: {arn.split('/')[0]}")
    article = "an" if resource_type[:1].lower() in "aeiou" else "a"
    return (f"{action} acts on {article} {resource_type} ({arn_format}), but no Resource here is one",
            "add a matching ARN, or move the action to a statement whose Resource fits")


# --- trust policies ------------------------------------------------------------------

TRUST_HINT = 'e.g. "Principal": {"Service": "ec2.amazonaws.com"}'


def _check_trust_statement(report, statement, fields, actions):
    """Principal and action rules for a role's trust policy (no Resource)."""
    for key in ("Resource", "NotResource"):
        if key in fields:
            report.add(fields[key].key_node, "error", "resource-in-trust",
                       f"{key} does not belong in a trust policy",
                       "delete it: the role this policy belongs to is the resource")
    principal = fields.get("Principal") or fields.get("NotPrincipal")
    if principal is None:
        report.add(statement, "error", "principal-missing",
                   "this trust policy statement has no Principal",
                   f"say who may assume the role, {TRUST_HINT}")
    else:
        _check_principal(report, principal.value)
    for node, _ in actions:
        if ":" in node.value and not node.value.lower().startswith("sts:"):
            report.add(node, "error", "action-in-trust",
                       f"{node.value} does not belong in a trust policy",
                       "a trust policy grants sts:AssumeRole; "
                       "put other actions in a permission policy")


def _check_principal(report, node):
    """Principal is "*" or an object of AWS / Service / Federated / CanonicalUser."""
    if node.kind == "string" and node.value == "*":
        report.add(node, "warning", "principal-anyone",
                   'Principal "*" lets anyone assume this role', TRUST_HINT)
        return
    if node.kind != "object":
        report.add(node, "error", "principal-type",
                   'Principal must be an object such as {"Service": ...}', TRUST_HINT)
        return
    fields = _fields(report, node, PRINCIPAL_KEYS)
    if not fields:
        report.add(node, "error", "principal-empty", "Principal is empty", TRUST_HINT)
    for key, check in (("Service", _check_service_principal), ("AWS", _check_aws_principal)):
        if key in fields:
            for value in _strings(report, fields[key]):
                check(report, value)


def _check_service_principal(report, node):
    """A service principal must be a known NAME.amazonaws.com."""
    value, known = node.value, catalogue().service_principals
    if value in known:
        return
    guess = _guess_service_principal(value)
    if value.lower() in known:
        report.add(node, "warning", "service-principal-case",
                   f'service principal "{value}" should be lowercase', f"write {value.lower()}")
    elif value.endswith(PRINCIPAL_SUFFIXES) and not guess:
        report.add(node, "warning", "service-principal-unknown",
                   f'unknown service principal "{value}"', "check the service's documentation")
    else:
        report.add(node, "error", "service-principal",
                   f'misspelled service principal "{value}"',
                   _did_you_mean(guess, "service principals look like NAME.amazonaws.com"))


def _guess_service_principal(value):
    """The known service principal that `value` probably meant, or None."""
    known = catalogue().service_principals
    candidate = value.split(".")[0].lower() + ".amazonaws.com"
    if candidate in known and candidate != value:
        return candidate
    if value.endswith(".amazonaws.com"):
        names = [k[:-len(".amazonaws.com")] for k in known]
        name = _close(value[:-len(".amazonaws.com")], names, 0.6)
        return name and f"{name}.amazonaws.com"
    return _close(value, known, 0.8)


def _check_aws_principal(report, node):
    """An AWS principal is "*", an account id, or an IAM/STS ARN."""
    if not AWS_PRINCIPAL.fullmatch(node.value):
        report.add(node, "error", "aws-principal", f'malformed AWS principal "{node.value}"',
                   "use an account id or an ARN like arn:aws:iam::123456789012:root")


# --- for notebooks -------------------------------------------------------------------

def check_policy_file(path):
    """Print a policy file's findings with the offending line, or one OK line; never raises."""
    try:
        _print_findings(lint_file(path), _source_lines(path), f"OK {path}: no problems found")
    except Exception as e:  # a notebook check must never end in a traceback
        print(f"{path}: error: could not check the file ({type(e).__name__}: {e})")


def check_policy_text(text, name="(the JSON text)"):
    """Print the findings for policy JSON given as text, with the offending line, or one OK line; never raises."""
    try:
        _print_findings(lint_text(text, name), text.splitlines(), f"OK {name}: no problems found")
    except Exception as e:  # a notebook check must never end in a traceback
        print(f"{name}: error: could not check the text ({type(e).__name__}: {e})")


def _print_findings(findings, lines, ok):
    """Print each finding with its source line and a caret, or the OK line when there are none."""
    if not findings:
        print(ok)
    for finding in findings:
        print(format_finding(finding))
        print(_excerpt(lines, finding), end="")


def _source_lines(path):
    """The file's lines, or [] when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _excerpt(lines, finding):
    """The finding's source line with a caret under its column, or ''."""
    if not finding.line or finding.line > len(lines):
        return ""
    line = lines[finding.line - 1]
    pad = "".join(c if c == "\t" else " " for c in line[:finding.col - 1])
    return f"    {line}\n    {pad}^\n"
