"""The lab's tables read from the backend: odd but valid policy shapes do not break them."""

import json

from helpers import lab
from helpers.policy.documents import as_document
from helpers.show import tables
from helpers.steps import role_policies


def test_roles_reads_a_trust_policy_whose_statement_is_one_object(capsys):
    lab.start()
    trust = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
    }
    lab.client("iam").create_role(RoleName="single-statement", AssumeRolePolicyDocument=json.dumps(trust))
    row = tables.roles().set_index("RoleName").loc["single-statement"]
    assert row["TrustedPrincipals"] == "Service: ec2.amazonaws.com"
    assert row["TrustedActions"] == "sts:AssumeRole"


def test_role_permissions_lists_attached_then_inline_policies(capsys):
    lab.start(chapter=4)
    inline = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}
    lab.client("iam").put_role_policy(
        RoleName=role_policies.ROLE, PolicyName="no-deletes", PolicyDocument=json.dumps(inline)
    )
    table = tables.role_permissions(role_policies.ROLE)
    assert list(table.columns) == ["Policy", "Statement", "Effect", "Action", "Resource"]
    assert list(dict.fromkeys(table["Policy"])) == list(role_policies.documents())
    assert table.iloc[-1].to_dict() == {
        "Policy": "no-deletes (inline)",
        "Statement": 1,
        "Effect": "Deny",
        "Action": "s3:DeleteObject",
        "Resource": "*",
    }


def test_a_trust_policy_stored_as_plain_text_is_shown_with_a_note(capsys):
    """moto stores whatever text create-role is given, e.g. a path sent without file://."""
    from helpers.instance import credentials
    from helpers.show import diagrams

    lab.start()
    lab.client("iam").create_role(RoleName="path-as-policy", AssumeRolePolicyDocument="../policies/trustpolicy.json")
    row = tables.roles().set_index("RoleName").loc["path-as-policy"]
    assert row["TrustedPrincipals"].startswith("(not JSON: the stored text is '../policies/trustpolicy.json'")
    assert row["TrustedActions"] == ""
    assert "not JSON" in diagrams.role_trust("path-as-policy").data
    assert not credentials.trusts(as_document("../policies/trustpolicy.json"))


def test_diagram_labels_escape_double_quotes():
    from helpers.show import diagrams

    assert diagrams._node("n", 'say "hi"') == '    n["say #quot;hi#quot;"]'
