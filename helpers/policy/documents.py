"""Reading policy documents as the backend stores them (chapters 01-02).

boto3 returns a stored policy as a dict or as URL-encoded JSON text; a document sent
without file:// may even be stored as plain text. These functions read any of them.
"""

import json
from urllib.parse import unquote

from helpers.policy.matching import as_list


def as_document(doc):
    """A policy document as a dict (boto3 may return text or a dict); text that is not JSON stays text."""
    if not isinstance(doc, str):
        return doc
    try:
        return json.loads(unquote(doc))
    except json.JSONDecodeError:
        return doc  # e.g. a path sent without file://, which moto stores as the document itself


def not_json(document):
    """A note for a document stored as plain text instead of JSON, or None."""
    if isinstance(document, str):
        return f"(not JSON: the stored text is {document!r}; send the file with file://)"
    return None


def statements_of(document):
    """The statements of a policy document as a list ([] for a document that is not a JSON object)."""
    return as_list(document.get("Statement", [])) if isinstance(document, dict) else []


def trusted_principals(trust_document):
    """The principals a trust policy allows, as 'Service: ec2.amazonaws.com' strings (or a note if it is not JSON)."""
    if not_json(trust_document):
        return [not_json(trust_document)]
    found = []
    for st in statements_of(trust_document):
        if st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal", {})
        if principal == "*":
            found.append("anyone (*)")
            continue
        if not isinstance(principal, dict):
            found.append(f"(unreadable Principal: {principal!r})")
            continue
        for kind, values in principal.items():
            found += [f"{kind}: {v}" for v in as_list(values)]
    return found
