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


def test_tables_show_whole_cells_and_no_index(capsys):
    """Long ARNs are shown whole (pandas would cut them after 50 characters), and row numbers not at all."""
    import pandas as pd

    lab.start(chapter=2)
    table = tables.policies()
    arn = "arn:aws:iam::123456789012:policy/CloudWatch-Wordpress-ut"
    assert isinstance(table, pd.DataFrame) and len(table) == 2
    text, page = repr(table), table._repr_html_()
    assert pd.DataFrame(table)._repr_html_().count("...") > 0  # what a plain DataFrame would show
    assert arn in text and f"<td>{arn}</td>" in page and "..." not in text + page
    assert text.splitlines()[0].split() == list(table.columns)  # no index column before the names
    assert "<tbody>\n    <tr>\n      <td>" in page and "<th>0</th>" not in page
    assert 'class="dataframe"' in page


def test_what_is_made_from_a_table_is_shown_whole_too(capsys):
    from helpers.course.frames import Table

    lab.start(chapter=2)
    table = tables.policies()
    for derived in (table[table["AttachmentCount"] == 0], table.sort_values("PolicyName"), table.copy()):
        assert type(derived) is Table
    assert repr(Table(columns=["Kind", "Name or id"])) == "(no rows; columns: Kind, Name or id)"


def test_the_playground_and_the_explainer_tables_are_whole(capsys):
    from helpers.course.frames import Table
    from helpers.policy import explain
    from helpers.teach import compare

    lab.start(chapter=7)
    compared = compare.predict_and_call("s3:PutObject", "arn:aws:s3:::ut-wordpress-s3/test.txt")
    assert type(compared) is Table and compared["agree"].tolist() == ["yes"]
    result = explain.explain("s3:GetObject", "arn:aws:s3:::ut-wordpress-s3/a-rather-long-object-key-name.txt")
    assert type(result.table) is Table
    why = result.table["why"].tolist()
    assert max(map(len, why)) > 50 and all(w in str(result) and w in result._repr_html_() for w in why)
