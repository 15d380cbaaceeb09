"""Tests of helpers.policy.lint: one test per rule, each pinned to its exact line:column."""

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from helpers.policy.catalogue import catalogue
from helpers.policy.findings import format_finding
from helpers.policy.lint import check_policy_file, lint_file, lint_text

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_FILES = sorted((ROOT / "policies").glob("*.json"))
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)

# In IDENTITY, Effect's value starts at 5:17, Action's at 6:17, Resource's at 7:19.
IDENTITY = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": EFFECT,
      "Action": ACTION,
      "Resource": RESOURCE
    }
  ]
}
"""
# In TRUST, Principal's value starts at 6:20, the Service value at 6:32, Action's at 7:17.
TRUST = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": SERVICE},
      "Action": ACTION
    }
  ]
}
"""


def identity(action='"s3:GetObject"', resource='"arn:aws:s3:::b/*"', effect='"Allow"'):
    """An identity policy with one statement built from the given JSON snippets."""
    return IDENTITY.replace("EFFECT", effect).replace("ACTION", action).replace("RESOURCE", resource)


def trust(service='"ec2.amazonaws.com"', action='"sts:AssumeRole"'):
    """A trust policy with one statement built from the given JSON snippets."""
    return TRUST.replace("SERVICE", service).replace("ACTION", action)


def only(text, code):
    """The single finding with `code` in `text` (fails listing all findings otherwise)."""
    findings = lint_text(dedent(text), "p.json")
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, [format_finding(f) for f in findings]
    return matching[0]


def where(finding):
    """(line, col) of a finding."""
    return finding.line, finding.col


# --- the article's files and the catalogue -----------------------------------


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=lambda p: p.name)
def test_article_policy_is_clean(path):
    assert lint_file(path) == []


def test_helper_templates_are_clean():
    assert lint_text(identity()) == [] and lint_text(trust()) == []


def test_catalogue_comes_from_parliament():
    import parliament

    known = catalogue()
    assert len(known.actions) == len({s["prefix"] for s in parliament.iam_definition})
    assert known.actions["s3"]["getobject"] == "GetObject"
    assert "ec2.amazonaws.com" in known.service_principals
    assert "cognito-identity.amazonaws.com" in known.service_principals  # named only in the data's text


def test_mentioned_hosts_scan():
    from helpers.policy.catalogue import _mentioned_hosts

    text = '{"a": "Allows es.amazonaws.com and (cognito-identity.amazonaws.com)", "b": "amazonaws.com."}'
    assert _mentioned_hosts(text) == {"es.amazonaws.com", "cognito-identity.amazonaws.com"}


# --- JSON syntax ----------------------------------------------------------------


def test_line_comment():
    f = only('{\n  // the S3 policy\n  "Version": "2012-10-17"\n}', "json")
    assert where(f) == (2, 3) and "comments are not allowed" in f.message
    assert f.hint == "JSON has no comments: delete it"


def test_block_comment():
    f = only('{\n  "Version": "2012-10-17", /* new */\n  "Statement": []\n}', "json")
    assert where(f) == (2, 28) and f.hint == "JSON has no comments: delete it"


def test_trailing_comma_in_list():
    f = only(identity(action='[\n        "s3:GetObject",\n      ]'), "json")
    assert where(f) == (7, 23) and f.message == "trailing comma before ]"
    assert f.hint == "remove the comma before ]"


def test_trailing_comma_in_object():
    f = only('{\n  "Version": "2012-10-17",\n}', "json")
    assert where(f) == (2, 26) and f.hint == "remove the comma before }"


def test_missing_comma_points_where_it_belongs():
    f = only('{\n  "Version": "2012-10-17"\n  "Statement": []\n}', "json")
    assert where(f) == (2, 26) and f.message == "missing comma"


def test_single_quotes():
    f = only("{\n  'Version': '2012-10-17'\n}", "json")
    assert where(f) == (2, 3) and "double quotes" in f.message


def test_unquoted_word():
    f = only(identity(effect="Allow"), "json")
    assert where(f) == (5, 17) and f.message == "text must be in double quotes: Allow"
    assert f.hint == 'write "Allow"'


def test_string_not_closed_on_its_line():
    f = only(identity(effect='"Allow'), "json")
    assert where(f) == (5, 17) and "past the end of the line" in f.message


def test_unexpected_end_of_file():
    f = only('{\n  "Version": "2012-10-17"', "json")
    assert where(f) == (2, 26) and "unexpected end of file" in f.message


def test_mismatched_bracket():
    f = only('{\n  "Statement": [}\n}', "json")
    assert where(f) == (2, 17) and "expected a value" in f.message


def test_extra_text_after_the_document():
    f = only("{}\n{}", "json")
    assert where(f) == (2, 1) and "extra text" in f.message


def test_full_width_space():
    f = only('{\n\u3000"Version": "2012-10-17"\n}', "json")
    assert where(f) == (2, 1) and f.hint == "replace it with an ordinary space"


def test_empty_file():
    f = only("  \n", "empty")
    assert where(f) == (1, 1) and f.message == "the file is empty"


@pytest.mark.parametrize("text, kind", [('[{"Effect": "Allow"}]', "an array"), ('"s3:GetObject"', "a string")])
def test_top_level_not_an_object(text, kind):
    f = only(text, "not-object")
    assert where(f) == (1, 1) and f.message.endswith(f"not {kind}" + (" [...]" * (kind == "an array")))


# --- policy structure -------------------------------------------------------------


def test_version_missing():
    f = only('{\n  "Statement": []\n}', "version-missing")
    assert where(f) == (1, 1) and f.severity == "warning" and "2012-10-17" in f.hint


def test_version_invalid():
    f = only(identity().replace("2012-10-17", "2024-05-01"), "version-invalid")
    assert where(f) == (2, 14) and f.message == 'invalid Version "2024-05-01"'
    assert f.hint.startswith("use 2012-10-17")


def test_version_old():
    f = only(identity().replace("2012-10-17", "2008-10-17"), "version-old")
    assert where(f) == (2, 14) and f.severity == "warning"


@pytest.mark.parametrize("key", ["Statements", "statement"])
def test_statement_misspelled(key):
    findings = lint_text(identity(action='"s3:GetObjekt"').replace('"Statement"', f'"{key}"'))
    assert [(f.line, f.col, f.code) for f in findings] == [
        (3, 3, "unknown-key"),
        (6, 17, "unknown-action"),
    ]  # contents still checked
    assert findings[0].hint == "did you mean Statement?"


def test_statement_missing():
    f = only('{\n  "Version": "2012-10-17"\n}', "statement-missing")
    assert where(f) == (1, 1)


def test_statement_not_a_list():
    f = only('{\n  "Version": "2012-10-17",\n  "Statement": "Allow"\n}', "statement-type")
    assert where(f) == (3, 16) and "list of objects" in f.message


def test_statement_empty():
    f = only('{\n  "Version": "2012-10-17",\n  "Statement": []\n}', "statement-empty")
    assert where(f) == (3, 16)


def test_statement_item_not_an_object():
    f = only('{\n  "Version": "2012-10-17",\n  "Statement": ["Allow"]\n}', "statement-type")
    assert where(f) == (3, 17) and "must be an object" in f.message


def test_unknown_statement_key():
    f = only(identity().replace('"Effect"', '"Efect"'), "unknown-key")
    assert where(f) == (5, 7) and f.hint == "did you mean Effect?"


def test_duplicate_key():
    text = identity().replace('"Resource"', '"Action": "s3:PutObject",\n      "Resource"')
    f = only(text, "duplicate-key")
    assert where(f) == (7, 7) and "appears twice" in f.message


def test_effect_missing():
    f = only(identity().replace('"Effect": "Allow",\n', ""), "effect-missing")
    assert where(f) == (4, 5) and f.message == "Effect is missing"


@pytest.mark.parametrize("effect, guess", [("Alow", "Allow"), ("allow", "Allow"), ("Deni", "Deny")])
def test_effect_misspelled(effect, guess):
    f = only(identity(effect=f'"{effect}"'), "effect-invalid")
    assert where(f) == (5, 17) and f.hint == f"did you mean {guess}?"


def test_action_missing():
    f = only(identity().replace('"Action": "s3:GetObject",\n', ""), "action-missing")
    assert where(f) == (4, 5) and f.message == "Action is missing"


def test_resource_missing():
    text = identity().replace(',\n      "Resource": "arn:aws:s3:::b/*"', "")
    f = only(text, "resource-missing")
    assert where(f) == (4, 5) and f.message == "Resource is missing"


def test_action_and_not_action_together():
    text = identity().replace('"Resource"', '"NotAction": "s3:PutObject",\n      "Resource"')
    f = only(text, "both")
    assert where(f) == (7, 7) and "either Action or NotAction" in f.message


def test_action_of_wrong_type():
    f = only(identity(action="42"), "type")
    assert where(f) == (6, 17) and "string or a list" in f.message


def test_empty_action_list():
    f = only(identity(action="[]"), "empty-list")
    assert where(f) == (6, 17)


def test_empty_action():
    f = only(identity(action='["s3:GetObject", ""]'), "action-empty")
    assert where(f) == (6, 34) and f.message == "empty action"


def test_action_without_service_prefix():
    f = only(identity(action='"GetObject"'), "action-no-prefix")
    assert where(f) == (6, 17) and f.hint == "did you mean s3:GetObject?"


def test_unknown_service():
    f = only(identity(action='"s4:GetObject"'), "unknown-service")
    assert where(f) == (6, 17) and 'unknown service "s4"' in f.message
    assert f.hint == "did you mean s3?"


def test_unknown_action_did_you_mean():
    f = only(identity(action='["s3:ListBucket", "s3:GetObjekt"]'), "unknown-action")
    assert where(f) == (6, 35) and f.message == "unknown action s3:GetObjekt"
    assert f.hint == "did you mean s3:GetObject?"
    assert f.severity == "warning"  # IAM stores unknown actions in a permission policy


def test_unknown_service_in_a_permission_policy_is_a_warning():
    assert only(identity(action='"s4:GetObject"'), "unknown-service").severity == "warning"


def test_wildcard_action_matching_nothing():
    f = only(identity(action='"s3:Gett*"'), "unknown-action")
    assert where(f) == (6, 17) and "matches no s3 action" in f.message


def test_action_case_warning():
    f = only(identity(action='"s3:getobject"'), "action-case")
    assert where(f) == (6, 17) and f.severity == "warning" and "moto" in f.hint


def test_wildcard_actions_are_fine():
    assert lint_text(identity(action='["s3:Get*", "s3:*", "*"]', resource='"*"')) == []


@pytest.mark.parametrize(
    "resource, fragment",
    [
        ('"ut-wordpress-s3"', "arn:aws:s3:::ut-wordpress-s3"),
        ('"s3://ut-wordpress-s3"', "arn:aws:s3:::ut-wordpress-s3"),
        ('"arn:aws:s3::ut-wordpress-s3"', "six parts"),
        ('"arn:amazon:s3:::b"', "arn:aws:"),
        ('"arn:aws:s3:ap-northeast-1:123456789012:b"', "no region or account"),
    ],
)
def test_malformed_arn(resource, fragment):
    f = only(identity(resource=resource), "arn-malformed")
    assert where(f) == (7, 19) and fragment in f.hint and f.severity == "error"  # IAM refuses these


@pytest.mark.parametrize(
    "resource, fragment",
    [
        ('"arn:aws:s33:::b"', "did you mean s3?"),
        ('"arn:aws:ec2:::b"', "e.g. arn:"),
    ],
)
def test_unknown_but_well_formed_arn_is_a_warning(resource, fragment):
    """IAM stores a well-formed ARN of an unknown service or resource type; it just matches nothing."""
    f = only(identity(action='"s3:*"', resource=resource), "arn-unknown")
    assert where(f) == (7, 19) and fragment in f.hint and f.severity == "warning"


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:s3:ap-northeast-1:123456789012:accesspoint/ap",
        "arn:aws:s3:us-east-1:123456789012:storage-lens/lens",
        "arn:aws:s3:us-east-1:123456789012:job/*",
    ],
)
def test_regional_s3_resource_types_may_name_a_region(arn):
    assert lint_text(identity(action='"s3:*"', resource=f'"{arn}"')) == []


def test_iam_arn_with_a_region_is_refused():
    f = only(
        identity(action='"iam:GetRole"', resource='"arn:aws:iam:ap-northeast-1:123456789012:role/r"'), "arn-malformed"
    )
    assert f.severity == "error" and "names a region" in f.message


def test_object_action_on_bucket_arn():
    text = identity(action='["s3:ListBucket", "s3:GetObject"]', resource='"arn:aws:s3:::ut-wordpress-s3"')
    f = only(text, "resource-mismatch")
    assert where(f) == (6, 35)
    assert f.message == "s3:GetObject acts on objects, but arn:aws:s3:::ut-wordpress-s3 is the bucket itself"
    assert f.hint == "add /* to reach the objects: arn:aws:s3:::ut-wordpress-s3/*"
    assert f.severity == "warning"  # IAM accepts it: the statement just never matches s3:GetObject


@pytest.mark.parametrize("action", ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl"])
def test_other_object_actions_on_bucket_arn(action):
    f = only(identity(action=f'"{action}"', resource='"arn:aws:s3:::b"'), "resource-mismatch")
    assert where(f) == (6, 17) and "add /*" in f.hint


def test_bucket_action_on_object_arn():
    f = only(identity(action='"s3:ListBucket"', resource='"arn:aws:s3:::ut-wordpress-s3/*"'), "resource-mismatch")
    assert where(f) == (6, 17) and "acts on the bucket" in f.message
    assert f.hint == "remove /*: arn:aws:s3:::ut-wordpress-s3"


def test_action_that_needs_resource_star():
    f = only(identity(action='"s3:ListAllMyBuckets"', resource='"arn:aws:s3:::b"'), "resource-mismatch")
    assert where(f) == (6, 17) and '"Resource": "*"' in f.message and f.severity == "warning"


def test_deny_is_not_checked_for_resource_fit():
    assert lint_text(identity(effect='"Deny"', resource='"arn:aws:s3:::b"')) == []


def test_principal_in_identity_policy():
    text = identity().replace('"Action"', '"Principal": {"AWS": "*"},\n      "Action"')
    f = only(text, "principal-in-identity")
    assert where(f) == (6, 7) and "identity (permission) policy" in f.message


def test_sid_with_spaces():
    f = only(identity().replace('"Effect"', '"Sid": "read objects",\n      "Effect"'), "sid-invalid")
    assert where(f) == (5, 14) and f.hint == "e.g. readobjects"


def test_duplicate_sid():
    statement = '{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}'
    text = f'{{\n  "Version": "2012-10-17",\n  "Statement": [\n    {statement},\n    {statement}\n  ]\n}}'
    f = only(text, "sid-duplicate")
    assert where(f) == (5, 13)


def test_condition_must_be_an_object():
    f = only(identity().replace('"Effect"', '"Condition": "yes",\n      "Effect"'), "condition-type")
    assert where(f) == (5, 20)


def condition(operator, value='{"aws:SourceIp": "10.0.0.0/8"}'):
    """IDENTITY with a Condition whose operator's name starts at 5:21."""
    return identity().replace('"Effect"', f'"Condition": {{"{operator}": {value}}},\n      "Effect"')


@pytest.mark.parametrize(
    "operator, guess",
    [
        ("StringEqual", "StringEquals"),
        ("stringequals", "StringEquals"),
        ("IpAdress", "IpAddress"),
        ("ForAnyValues:StringLike", "ForAnyValue:StringLike"),
        ("StringLikeIfExist", "StringLikeIfExists"),
    ],
)
def test_misspelled_condition_operator(operator, guess):
    f = only(condition(operator), "condition-operator")
    assert where(f) == (5, 21) and f.severity == "error" and f.hint == f"did you mean {guess}?"


@pytest.mark.parametrize(
    "operator",
    [
        "StringEquals",
        "NotIpAddress",
        "NumericLessThanEqualsIfExists",
        "ForAllValues:StringLike",
        "ForAnyValue:ArnLikeIfExists",
        "Null",
    ],
)
def test_documented_condition_operators_are_fine(operator):
    assert lint_text(condition(operator)) == []


def test_null_has_no_if_exists_form():
    assert only(condition("NullIfExists"), "condition-operator").severity == "error"


def test_condition_operator_value_must_be_an_object():
    f = only(condition("Bool", '"true"'), "condition-type")
    assert where(f) == (5, 29) and "{condition key: value}" in f.message


# --- trust policies -----------------------------------------------------------------


def test_trust_policy_without_principal():
    text = trust().replace('      "Principal": {"Service": "ec2.amazonaws.com"},\n', "")
    f = only(text, "principal-missing")
    assert where(f) == (4, 5) and "no Principal" in f.message


def test_trust_policy_needs_no_resource():
    assert lint_text(trust()) == []  # parliament would demand a Resource here


def test_resource_in_trust_policy():
    text = trust().replace('"Action"', '"Resource": "*",\n      "Action"')
    f = only(text, "resource-in-trust")
    assert where(f) == (7, 7)


@pytest.mark.parametrize("service", ["ec2.amazonaws.con", "ec2.amazonaw.com", "ec2.amazon.com"])
def test_misspelled_service_principal(service):
    f = only(trust(service=f'"{service}"'), "service-principal")
    assert where(f) == (6, 32) and f.hint == "did you mean ec2.amazonaws.com?"


def test_misspelled_service_principal_in_a_list():
    f = only(trust(service='["lambda.amazonaws.com", "ec2.amazonaws.con"]'), "service-principal")
    assert where(f) == (6, 57)


def test_unknown_but_well_formed_service_principal():
    f = only(trust(service='"foo.amazonaws.com"'), "service-principal-unknown")
    assert where(f) == (6, 32) and f.severity == "warning"


def test_uppercase_service_principal():
    f = only(trust(service='"EC2.amazonaws.com"'), "service-principal-case")
    assert where(f) == (6, 32) and f.hint == "write ec2.amazonaws.com"


def test_principal_key_misspelled():
    f = only(trust().replace('"Service"', '"service"'), "unknown-key")
    assert where(f) == (6, 21) and f.hint == "did you mean Service?"


def test_malformed_aws_principal():
    f = only(trust().replace('"Service": "ec2.amazonaws.com"', '"AWS": "12345"'), "aws-principal")
    assert where(f) == (6, 28)


def test_principal_star_warns():
    f = only(trust().replace('{"Service": "ec2.amazonaws.com"}', '"*"'), "principal-anyone")
    assert where(f) == (6, 20) and f.severity == "warning"


def test_misspelled_assume_role():
    f = only(trust(action='"sts:AssumeRol"'), "unknown-action")
    assert where(f) == (7, 17) and f.hint == "did you mean sts:AssumeRole?"
    assert f.severity == "error"  # IAM refuses a trust policy action other than sts:AssumeRole*


def test_permission_action_in_trust_policy():
    f = only(trust(action='["sts:AssumeRole", "s3:GetObject"]'), "action-in-trust")
    assert where(f) == (7, 36)


def test_permission_policy_where_a_trust_policy_is_expected():
    [f] = lint_text(identity(), "s3policy.json", kind="trust")
    assert (where(f), f.code, f.severity) == ((1, 1), "wrong-kind", "error")
    assert f.message.startswith("this is a permission policy") and "trust policy (Principal" in f.message
    assert "trustpolicy.json" in f.hint


def test_trust_policy_where_a_permission_policy_is_expected():
    [f] = lint_text(trust(), kind="permission")
    assert f.code == "wrong-kind" and f.message.startswith("this is a trust policy")
    assert "s3policy.json" in f.hint


def test_the_expected_kind_is_fine():
    assert lint_text(trust(), kind="trust") == [] and lint_text(identity(), kind="permission") == []


def test_lint_file_passes_the_kind_on():
    [f] = lint_file(ROOT / "policies" / "s3policy.json", kind="trust")
    assert f.code == "wrong-kind"


# --- formatting, files and notebooks -------------------------------------------------


def test_format_finding():
    f = lint_text(identity(effect='"Alow"'), "s3policy.json")[0]
    assert format_finding(f) == 's3policy.json:5:17: error: invalid Effect "Alow" (did you mean Allow?)'


def test_missing_file_is_one_finding(tmp_path):
    [f] = lint_file(tmp_path / "nope.json")
    assert format_finding(f).startswith(f"{tmp_path / 'nope.json'}: error: file not found (")


def test_file_with_byte_order_mark(tmp_path):
    """IAM refuses a document that starts with a BOM: an error at 1:1, then the rest as usual."""
    path = tmp_path / "bom.json"
    path.write_text(identity(effect='"Alow"'), encoding="utf-8-sig")
    bom, effect = lint_file(path)
    assert (bom.line, bom.col, bom.severity, bom.code) == (1, 1, "error", "bom")
    assert bom.hint == "save the file as UTF-8 without BOM (Windows editors often add one)"
    assert "MalformedPolicyDocument" in bom.message
    assert (effect.line, effect.col) == (5, 17)  # columns as an editor shows them


def test_byte_order_mark_alone_is_reported(tmp_path):
    path = tmp_path / "bom.json"
    path.write_text(identity(), encoding="utf-8-sig")
    assert [format_finding(f) for f in lint_file(path)] == [
        f"{path}:1:1: error: the file starts with a byte-order mark (BOM): IAM refuses it "
        "(MalformedPolicyDocument) (save the file as UTF-8 without BOM (Windows editors often add one))"
    ]
    path.write_text(identity(), encoding="utf-8")
    assert lint_file(path) == []


def test_text_with_byte_order_mark():
    [f] = lint_text("\ufeff" + identity())
    assert (f.line, f.col, f.code) == (1, 1, "json")
    assert f.hint == "save the file as UTF-8 without BOM (Windows editors often add one)"


def test_check_policy_file_ok(capsys):
    check_policy_file(ROOT / "policies" / "s3policy.json")
    assert capsys.readouterr().out.startswith("OK ")


def test_check_policy_file_shows_the_line(tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text(identity(effect='"Alow"'))
    check_policy_file(path)
    assert capsys.readouterr().out.splitlines() == [
        f'{path}:5:17: error: invalid Effect "Alow" (did you mean Allow?)',
        '          "Effect": "Alow",',
        "                    ^",
    ]


def test_check_policy_file_never_raises(capsys):
    check_policy_file(None)
    assert "error" in capsys.readouterr().out


# --- command line ---------------------------------------------------------------------


def run_cli(*args):
    """Run `python -m helpers lint ...` from the project root."""
    return subprocess.run(
        [str(PYTHON), "-m", "helpers", "lint", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_article_files_exit_0():
    result = run_cli(*ARTICLE_FILES)
    assert (result.returncode, result.stdout) == (0, "")


def test_cli_folder_argument():
    assert run_cli("policies").returncode == 0


def test_cli_findings_exit_1(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "Version": "2012-10-17",\n}')
    result = run_cli(path)
    assert result.returncode == 1
    assert result.stdout == f"{path}:2:26: error: trailing comma before }} (remove the comma before }})\n"


def test_cli_missing_file_exit_1():
    result = run_cli("missing.json")
    assert result.returncode == 1
    assert result.stdout.startswith("missing.json: error: file not found (")
    assert len(result.stdout.splitlines()) == 1
