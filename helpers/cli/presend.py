"""Checks `%aws` makes before it sends a command: policy options and the documents they name (chapter 01).

A policy option needs file://PATH or JSON text: a bare path, fileb:// or a web address
would send the wrong thing, so the command is not sent and one line says how to write
it. Each IAM policy document is linted as the kind its option takes (trust or
permission policy), and one IAM would refuse is not sent.
"""

from pathlib import Path

from helpers.cli.commandline import policy_arguments
from helpers.policy import findings, lint


def file_url(value):
    """The file:// URL a policy option's value should have been (for a bare path or a fileb:// URL)."""
    return "file://" + value.removeprefix("fileb://")


def forgotten_file_prefix(args):
    """The policy option whose value is a bare .json path or a fileb:// URL (it needs file://), or None."""
    for option, value in policy_arguments(args):
        bare = value.endswith(".json") and not value.startswith(("file://", "{"))
        other_scheme = "://" in value and not value.startswith("file://")
        if bare or other_scheme:
            return option, value
    return None


def file_prefix_advice(option, value):
    """What is wrong with a policy option's bare path or fileb:// URL, and the fixed option."""
    if "://" in value and not value.startswith(("fileb://", "file://")):
        return (
            f"{option} {value}: the CLI reads a policy only from a local file (file://PATH) "
            f"or from JSON text; download the file, then use file://PATH."
        )
    if value.startswith("fileb://"):
        return (
            f"{option} {value} gives the CLI the file's raw bytes, but a policy document is text: "
            f"write {option} {file_url(value)}"
        )
    return (
        f"{option} {value} sends the text '{value}' itself as the policy, not the file. "
        f"Put file:// in front so the CLI reads the file: {option} {file_url(value)}"
    )


def policy_value_problem(words):
    """Why a policy-document option's value is not a document (a bare path, fileb://, a word), or None."""
    forgotten = forgotten_file_prefix(words)
    if forgotten:
        return file_prefix_advice(*forgotten)
    for option, value in policy_arguments(words):
        if not value.startswith("file://") and not value.lstrip().startswith("{"):
            return (
                f"{option} takes file://PATH (e.g. file://../policies/trustpolicy.json) "
                f"or JSON text starting with {{, not '{value}'."
            )
    return None


def policy_kind(words, option):
    """The policy an IAM command's option takes: "trust" (a role's trust policy) or "permission"."""
    if option == "--assume-role-policy-document" or words[1:2] == ["update-assume-role-policy"]:
        return "trust"
    return "permission"


def policy_findings(value, kind):
    """The lint findings for one policy option's value: an existing file:// file, or JSON text."""

    if value.startswith("file://"):
        path = Path(value[len("file://") :])
        return lint.lint_file(path, kind) if path.is_file() else []  # a missing file: the CLI says so
    return lint.lint_text(value, "(the JSON text)", kind)


def lint_policy_arguments(words):
    """Lint an IAM command's policy documents, each as the kind its option takes; True if IAM would refuse one."""

    if words[:1] != ["iam"]:  # other services' policies (bucket, key, IoT) follow other rules
        return False
    refused = False
    for option, value in policy_arguments(words):
        found = policy_findings(value, policy_kind(words, option))
        for finding in found:
            print(findings.format_finding(finding))
        refused = refused or any(f.severity == "error" for f in found)
    return refused


def refusal(words):
    """The one line to print instead of sending a command that cannot work, or None to send it."""
    problem = policy_value_problem(words)
    if problem:
        return f"Not sent: {problem}"
    if lint_policy_arguments(words):
        return "Not sent: fix the error(s) above first (IAM would refuse this document)."
    return None
