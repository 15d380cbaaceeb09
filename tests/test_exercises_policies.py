"""Exercises of chapter 01 (helpers/teach/policies.py): a read-only policy, and the ARN each action needs."""

import json

from verdict_checks import BUCKET, allow, policy, progressive, rejects, tries

from helpers.teach import exercises as ex
from helpers.teach import policies

# --- 1.1 a read-only policy ----------------------------------------------------------------


def test_read_only_starter_names_the_concept_first_and_the_fix_later():
    progressive(
        policies.check_read_only_policy,
        ex.STARTERS["01-read-only"],
        "s3:GetObject acts on the objects in a bucket, and this Resource names only the bucket itself",
        f"add /*: write {BUCKET}/*, in a statement of its own",
    )


def test_read_only_list_bucket_on_objects():
    answer = policy(allow(["s3:ListBucket", "s3:GetObject"], BUCKET + "/*"))
    progressive(
        policies.check_read_only_policy,
        answer,
        "s3:ListBucket acts on the bucket itself, and this Resource names only the objects in it",
        f"remove /*: write {BUCKET}",
    )


def test_read_only_missing_actions():
    answer = policy(allow("s3:GetObject", BUCKET + "/*"))
    progressive(
        policies.check_read_only_policy,
        answer,
        "nothing lets the holder list the bucket",
        f"allow s3:ListBucket on the bucket ARN {BUCKET}",
    )
    answer = policy(allow("s3:ListBucket", BUCKET))
    rejects(policies.check_read_only_policy, answer, "nothing lets the holder download an object")


def test_read_only_with_writes():
    answer = policy(allow("s3:ListBucket", BUCKET), allow("s3:*", BUCKET + "/*"))
    rejects(
        policies.check_read_only_policy,
        answer,
        "this policy also allows s3:PutObject — read-only means no writes",
        "this policy also allows s3:DeleteObject",
    )


def test_read_only_on_every_bucket():
    answer = policy(allow(["s3:ListBucket", "s3:GetObject"], "*"))
    rejects(policies.check_read_only_policy, answer, "this policy also reaches other buckets")


def test_read_only_broken_json_gives_line_and_column():
    answer = ex.SOLUTIONS["01-read-only"].replace(
        '"Effect": "Allow",\n      "Action": "s3:GetObject"', '"Effect": "Allow"\n      "Action": "s3:GetObject"'
    )
    rejects(policies.check_read_only_policy, answer, "line 10, col 24: missing comma")


def test_read_only_typo_in_action_uses_the_linter():
    answer = ex.SOLUTIONS["01-read-only"].replace("s3:GetObject", "s3:GetObjects")
    rejects(policies.check_read_only_policy, answer, "did you mean s3:GetObject?")


def test_read_only_wildcards_grant_more_than_list_and_download():
    answer = policy(allow(["s3:List*", "s3:Get*"], [BUCKET, BUCKET + "/*"]))
    _, second = rejects(
        policies.check_read_only_policy,
        answer,
        "s3:Get* also allows s3:GetObjectAcl and s3:GetBucketPolicy: name the two actions you need",
        "s3:List* also allows s3:ListBucketVersions and s3:ListBucketMultipartUploads",
    )
    assert "read-only means no writes" not in second


def test_read_only_an_extra_read_action_named_outright():
    answer = policy(allow("s3:ListBucket", BUCKET), allow(["s3:GetObject", "s3:GetObjectAcl"], BUCKET + "/*"))
    rejects(
        policies.check_read_only_policy,
        answer,
        "this policy also allows s3:GetObjectAcl: the exercise asks for listing and downloading only",
    )


def test_read_only_s3_star_gets_the_write_hints_not_the_wildcard_one():
    answer = policy(allow("s3:*", [BUCKET, BUCKET + "/*"]))
    _, second = rejects(policies.check_read_only_policy, answer, "this policy also allows s3:PutObject")
    assert "s3:* also allows" not in second


def test_read_only_needs_version_2012_10_17():
    document = json.loads(ex.SOLUTIONS["01-read-only"])
    del document["Version"]
    rejects(policies.check_read_only_policy, json.dumps(document, indent=2), 'add "Version": "2012-10-17"')
    rejects(
        policies.check_read_only_policy,
        {**document, "Version": "2008-10-17"},
        'write "Version": "2012-10-17": 2008-10-17 is the old policy language',
    )


def test_read_only_accepts_a_dict():
    assert policies.check_read_only_policy(json.loads(ex.SOLUTIONS["01-read-only"])).ok


# --- 1.2 which ARN for which action --------------------------------------------------------


def test_arns_starter_hints_come_in_two_steps():
    first = progressive(
        policies.check_arns,
        ex.STARTERS["01-arns"],
        "cloudwatch:PutMetricData: CloudWatch has no resource type for a metric",
        'write "*"; what you can narrow is the namespace',
    )
    assert "s3:ListBucket acts on the bucket itself, and this Resource names only the objects in it" in first
    assert "s3:GetObject acts on the objects in a bucket, and this Resource names only the bucket itself" in first
    assert "remove /*" not in first and "add /*" not in first


def test_arns_one_object_is_not_every_object():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:GetObject": BUCKET + "/test.txt"}
    progressive(
        policies.check_arns,
        answer,
        f"s3:GetObject: {BUCKET}/test.txt names one object, and the policy should cover every object",
        f"write {BUCKET}/*",
    )
    answer = {**ex.SOLUTIONS["01-arns"], "s3:PutObject": BUCKET + "/test*"}
    rejects(policies.check_arns, answer, "covers only some objects, and the policy should cover every object")


def test_arns_other_bucket():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:ListBucket": "arn:aws:s3:::iamrole-lab-other-bucket"}
    progressive(
        policies.check_arns,
        answer,
        "s3:ListBucket: arn:aws:s3:::iamrole-lab-other-bucket does not name the lab's bucket",
        f"the bucket's ARN is {BUCKET}",
    )


def test_arns_star_for_s3_is_too_broad():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:PutObject": "*"}
    rejects(policies.check_arns, answer, "reaches every bucket")


def test_arns_s3_url_and_missing_action():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:GetObject": "s3://ut-wordpress-s3/*"}
    rejects(policies.check_arns, answer, "is an S3 URL")
    answer = dict(ex.SOLUTIONS["01-arns"])
    del answer["s3:PutObject"]
    rejects(policies.check_arns, answer, "missing: s3:PutObject")


def test_restart_starts_the_hints_again_from_their_first_step():
    """The notebooks call exercises.restart() where they import exercises: Run All twice shows the same hints."""
    first, second = tries(policies.check_read_only_policy, ex.STARTERS["01-read-only"], 2)
    ex.restart()
    assert policies.check_read_only_policy(ex.STARTERS["01-read-only"]).message == first != second
