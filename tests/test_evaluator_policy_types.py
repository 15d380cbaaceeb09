"""helpers.policy.evaluate.decide across policy types, from the IAM User Guide's evaluation-logic pages."""

from helpers.policy.evaluate import decide
from helpers.policy.request import Request

ACCOUNT, OTHER = "123456789012", "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/carlossalazar"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/examplerole"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/examplerole/examplerolesessionname"
BUCKET_OBJECT = "arn:aws:s3:::carlossalazar/notes.txt"
ALL_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
ALL_EC2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}
FULL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def statement(effect="Allow", action="s3:GetObject", resource=BUCKET_OBJECT, **more):
    """One statement."""
    return {"Effect": effect, "Action": action, "Resource": resource, **more}


def policy(*statements):
    """A 2012-10-17 policy of these statements."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def bucket_policy(principal, effect="Allow"):
    """A bucket policy with one statement for `principal`."""
    return policy(statement(effect, Principal={"AWS": principal}))


def run(principal=USER, action="s3:GetObject", resource=BUCKET_OBJECT, **keys):
    """The Decision for one request."""
    return decide(Request.from_dict({"action": action, "resource": resource, "principal": principal, **keys}))


def test_carlos_identity_and_bucket_policy_example():
    identity = policy(
        {
            "Sid": "AllowS3ListRead",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation", "s3:ListAllMyBuckets"],
            "Resource": "arn:aws:s3:::*",
        },
        {
            "Sid": "AllowS3Self",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
        },
        {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
    )
    logs = run(action="s3:PutObject", resource="arn:aws:s3:::carlossalazar-logs/x", identity_policies=[identity])
    assert logs.decision == "explicitDeny"
    assert logs.deciding_statement.sid == "DenyS3Logs" and logs.deciding_step == "explicit deny check"
    bucket = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": USER},
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
        }
    )
    own = run(action="s3:PutObject", identity_policies=[identity], resource_policy=bucket)
    assert own.decision == "allowed" and own.deciding_step == "resource policy"
    assert own.deciding_statement.grant == "user" and own.deciding_statement.policy_type == "resource policy"


def test_nothing_allows_means_implicit_deny():
    result = run(identity_policies=[ALL_EC2])
    assert result.decision == "implicitDeny"
    assert result.steps[-1].name == "identity policies" and result.deciding_statement is None
    assert "no identity-based policy allows it" in result.summary()


def test_same_account_resource_policy_alone_allows_a_user():
    assert run(resource_policy=bucket_policy(USER)).decision == "allowed"
    # An Allow for another principal gives nothing to this one.
    assert run(resource_policy=bucket_policy(f"arn:aws:iam::{ACCOUNT}:user/other")).decision == "implicitDeny"


def test_a_grant_to_the_account_needs_the_identity_policy():
    for account in (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"):
        assert run(resource_policy=bucket_policy(account)).decision == "implicitDeny"
        assert run(resource_policy=bucket_policy(account), identity_policies=[ALL_S3]).decision == "allowed"


def test_cross_account_needs_both_sides():
    other = f"arn:aws:iam::{OTHER}:user/Bob"
    grant = bucket_policy(other)
    assert run(other, identity_policies=[ALL_S3], resource_account=ACCOUNT).decision == "implicitDeny"
    assert run(other, resource_policy=grant, resource_account=ACCOUNT).decision == "implicitDeny"
    both = run(other, resource_policy=grant, identity_policies=[ALL_S3], resource_account=ACCOUNT)
    assert both.decision == "allowed" and both.same_account is False
    assert [s.name for s in both.steps if s.outcome != "not applicable"][-3:] == [
        "resource policy",
        "identity policies",
        "all checks passed",
    ]
    account_grant = run(
        other, resource_policy=bucket_policy(OTHER), identity_policies=[ALL_S3], resource_account=ACCOUNT
    )
    assert account_grant.decision == "allowed"
    denied = run(
        other, resource_policy=bucket_policy(other, "Deny"), identity_policies=[ALL_S3], resource_account=ACCOUNT
    )
    assert denied.decision == "explicitDeny" and denied.deciding_statement.policy_type == "resource policy"


def test_boundary_limits_identity_policies():
    assert run(ROLE, identity_policies=[ALL_S3], permission_boundaries=[ALL_EC2]).decision == "implicitDeny"
    assert run(ROLE, identity_policies=[ALL_S3], permission_boundaries=[ALL_S3]).decision == "allowed"
    assert run(ROLE, identity_policies=[ALL_S3], permission_boundaries=[]).decision == "allowed"


def test_role_arn_grant_is_limited_by_boundary_but_session_arn_grant_is_not():
    # "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit
    # deny in a permissions boundary or session policy" - but a grant to the session ARN is not.
    assert run(SESSION, resource_policy=bucket_policy(ROLE)).decision == "allowed"
    assert run(SESSION, resource_policy=bucket_policy(ROLE), permission_boundaries=[ALL_EC2]).decision == "implicitDeny"
    assert run(SESSION, resource_policy=bucket_policy(ROLE), session_policy=ALL_EC2).decision == "implicitDeny"
    direct = run(SESSION, resource_policy=bucket_policy(SESSION), permission_boundaries=[ALL_EC2])
    assert direct.decision == "allowed" and direct.deciding_statement.grant == "session"


def test_a_user_grant_ignores_the_boundary_but_not_its_explicit_deny():
    deny_s3 = policy(statement("Deny", "s3:*", "*"))
    assert run(resource_policy=bucket_policy(USER), permission_boundaries=[ALL_EC2]).decision == "allowed"
    assert run(resource_policy=bucket_policy(USER), permission_boundaries=[deny_s3]).decision == "explicitDeny"


def test_session_policy_limits_the_role():
    assert run(SESSION, identity_policies=[ALL_S3], session_policy=FULL).decision == "allowed"
    assert run(SESSION, identity_policies=[ALL_EC2], session_policy=FULL).decision == "implicitDeny"
    limited = run(SESSION, identity_policies=[ALL_S3], session_policy=ALL_EC2)
    assert limited.decision == "implicitDeny" and limited.deciding_step == "session policy"


def test_scps_every_level_must_allow_and_an_empty_level_denies():
    assert run(identity_policies=[ALL_S3], scps=[[FULL], [ALL_S3]]).decision == "allowed"
    gap = run(identity_policies=[ALL_S3], scps=[[FULL], [ALL_EC2]])
    assert gap.decision == "implicitDeny" and gap.deciding_step == "SCPs" and "level 2" in gap.reason
    assert run(identity_policies=[ALL_S3], scps=[[FULL], []]).decision == "implicitDeny"
    denied = run(identity_policies=[ALL_S3], scps=[[FULL, policy(statement("Deny", "s3:*", "*"))]])
    assert denied.decision == "explicitDeny" and denied.deciding_statement.policy_label == "SCP level 1, policy 2"


def test_scps_do_not_apply_to_anonymous_callers_rcps_do():
    public = policy(statement(Principal="*"))
    deny = policy(statement("Deny", "s3:*", "*"))
    assert run("anonymous", resource_policy=public, scps=[[deny]]).decision == "allowed"
    rcp_deny = policy(statement("Deny", "s3:*", "*", Principal="*"))
    assert run("anonymous", resource_policy=public, rcps=[[FULL, rcp_deny]]).decision == "explicitDeny"
    assert run("anonymous").decision == "implicitDeny"


def test_rcps_limit_every_caller():
    assert run(identity_policies=[ALL_S3], rcps=[[FULL]]).decision == "allowed"
    assert run(identity_policies=[ALL_S3], rcps=[[ALL_EC2]]).decision == "implicitDeny"


def test_rcps_count_only_for_services_that_support_them():
    rcp_deny_all = policy(statement("Deny", "*", "*", Principal="*"))
    assert run(identity_policies=[ALL_S3], rcps=[[FULL, rcp_deny_all]]).decision == "explicitDeny"
    ec2 = run(action="ec2:DescribeTags", resource="*", identity_policies=[ALL_EC2], rcps=[[FULL, rcp_deny_all]])
    assert ec2.decision == "allowed"
    assert any("ec2 is not among the services RCPs apply to" in str(step) for step in ec2.steps)
    trust = policy(statement(action="sts:AssumeRole", resource="*", Principal={"Service": "ec2.amazonaws.com"}))
    by_ec2 = {"principal": "ec2.amazonaws.com", "action": "sts:AssumeRole", "resource": ROLE, "resource_policy": trust}
    assert run(**by_ec2).decision == "allowed"
    assert run(**by_ec2, rcps=[[FULL, rcp_deny_all]]).decision == "explicitDeny"  # services are not exempt


def test_an_action_on_no_resource_needs_star_or_the_whole_service():
    def listing(resource):
        return run(action="s3:ListAllMyBuckets", resource="*", identity_policies=[policy(statement(
            action="s3:ListAllMyBuckets", resource=resource))])  # fmt: skip

    assert listing("*").decision == "allowed"
    assert listing("arn:aws:s3:::*").decision == "allowed"  # as in the IAM User Guide's Statement example
    one_bucket = listing("arn:aws:s3:::carlossalazar")
    assert one_bucket.decision == "implicitDeny"
    assert 'acts on no particular resource: only "*" covers it' in one_bucket.policies[0].statements[0].resource_reason
    assert listing("arn:aws:s3:::carlos*").decision == "implicitDeny"
    assert listing("arn:aws:ec2:*:*:*").decision == "implicitDeny"  # another service's resources
    deny_one = policy(statement("Deny", "s3:ListAllMyBuckets", "arn:aws:s3:::carlossalazar"))
    assert run(action="s3:ListAllMyBuckets", resource="*", identity_policies=[ALL_S3, deny_one]).decision == "allowed"


def test_vpc_endpoint_policy_must_allow_too():
    only_bucket = policy(statement(resource="arn:aws:s3:::other/*", Principal="*"))
    assert run(identity_policies=[ALL_S3], endpoint_policies=[only_bucket]).decision == "implicitDeny"
    assert run(identity_policies=[ALL_S3], endpoint_policies=[policy(statement(Principal="*"))]).decision == "allowed"
    assert run(endpoint_policies=[policy(statement(Principal="*"))]).decision == "implicitDeny"


def test_kms_key_policy_must_allow():
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd"
    use = policy(statement(action="kms:Decrypt", resource="*"))
    assert run(action="kms:Decrypt", resource=key, identity_policies=[use]).decision == "implicitDeny"
    delegate = policy(statement(action="kms:*", resource="*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    assert run(action="kms:Decrypt", resource=key, resource_policy=delegate).decision == "implicitDeny"
    both = run(action="kms:Decrypt", resource=key, resource_policy=delegate, identity_policies=[use])
    assert both.decision == "allowed"


def test_trust_policy_for_assume_role_and_service_principals():
    role = f"arn:aws:iam::{ACCOUNT}:role/iamrole-test"
    assume = policy(statement(action="sts:AssumeRole", resource=role))
    trust_ec2 = policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    assert run(action="sts:AssumeRole", resource=role, identity_policies=[assume]).decision == "implicitDeny"
    assert run("ec2.amazonaws.com", "sts:AssumeRole", role, resource_policy=trust_ec2).decision == "allowed"
    assert run("lambda.amazonaws.com", "sts:AssumeRole", role, resource_policy=trust_ec2).decision == "implicitDeny"


def test_not_principal_with_deny_spares_only_those_named():
    bob = f"arn:aws:iam::{ACCOUNT}:user/Bob"
    spared = {"AWS": [bob, f"arn:aws:iam::{ACCOUNT}:root"]}
    deny_all_but_bob = policy(statement("Deny", "s3:*", "*", NotPrincipal=spared))
    assert run(bob, identity_policies=[ALL_S3], resource_policy=deny_all_but_bob).decision == "allowed"
    assert run(USER, identity_policies=[ALL_S3], resource_policy=deny_all_but_bob).decision == "explicitDeny"
    # "will always deny any IAM principal that has a permissions boundary policy attached"
    bounded = run(bob, identity_policies=[ALL_S3], resource_policy=deny_all_but_bob, permission_boundaries=[ALL_S3])
    assert bounded.decision == "explicitDeny"


def test_not_resource_and_not_action():
    except_secret = policy({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})
    assert run(identity_policies=[except_secret]).decision == "allowed"
    assert run(resource="arn:aws:s3:::secret/a", identity_policies=[except_secret]).decision == "implicitDeny"
    not_iam = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert run(identity_policies=[not_iam]).decision == "allowed"
    assert run(action="iam:CreateUser", resource="*", identity_policies=[not_iam]).decision == "implicitDeny"


def test_actions_ignore_case_but_not_whitespace():
    assert run(identity_policies=[policy(statement(action="S3:getobject"))]).decision == "allowed"
    assert run(identity_policies=[policy(statement(action=" s3:GetObject"))]).decision == "implicitDeny"
    assert run(identity_policies=[policy(statement(action="s3:GetObject,s3:PutObject"))]).decision == "implicitDeny"


def test_get_caller_identity_needs_no_permission_and_cannot_be_denied():
    deny = policy(statement("Deny", "*", "*"))
    result = run(action="sts:GetCallerIdentity", resource="*", identity_policies=[deny])
    assert result.decision == "allowed" and result.deciding_step == "no permission needed"


def test_aws_managed_policies_can_be_read_but_not_changed():
    managed = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert run(action="iam:GetPolicy", resource=managed, identity_policies=[FULL]).decision == "allowed"
    changed = run(action="iam:CreatePolicyVersion", resource=managed, identity_policies=[FULL])
    assert changed.decision == "implicitDeny" and changed.deciding_step == "AWS-managed resource"


def test_condition_in_a_bucket_policy_for_anonymous_callers():
    tls = policy(statement(Principal="*", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    assert run("anonymous", resource_policy=tls, context={"aws:SecureTransport": "true"}).decision == "allowed"
    assert run("anonymous", resource_policy=tls).decision == "implicitDeny"


def test_mfa_if_exists_deny_does_not_block_a_missing_key():
    deny_without_mfa = policy(
        statement("Deny", "s3:*", "*", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})
    )
    # A missing key with ...IfExists is true: the Deny applies to requests made with access keys.
    assert run(identity_policies=[ALL_S3, deny_without_mfa]).decision == "explicitDeny"
    with_mfa = run(identity_policies=[ALL_S3, deny_without_mfa], context={"aws:MultiFactorAuthPresent": "true"})
    assert with_mfa.decision == "allowed"
