"""Exercises of chapter 05 (verification on the instance): predict five calls.

check_instance_calls
"""

from helpers.steps import network
from helpers.teach.answers import BUCKET_ARN, OTHER_OBJECT_ARN
from helpers.teach.predictions import Request, check_predictions
from helpers.teach.verdicts import checker

INSTANCE_CALLS = (
    Request("aws s3 ls s3://ut-wordpress-s3", "s3:ListBucket", BUCKET_ARN),
    Request("aws s3 ls", "s3:ListAllMyBuckets", "*"),
    Request(f"aws s3 cp test.txt s3://{network.OTHER_BUCKET}", "s3:PutObject", OTHER_OBJECT_ARN),
    Request("aws ec2 describe-tags", "ec2:DescribeTags", "*"),
    Request("aws iam list-roles", "iam:ListRoles", "*"),
)


@checker("05-instance-calls")
def check_instance_calls(answer):
    """Exercise 05.2: which of INSTANCE_CALLS succeed on the instance, as {1: True/False, ...}."""
    return check_predictions(answer, INSTANCE_CALLS)


STARTERS = {
    "05-instance-calls": {1: True, 2: True, 3: True, 4: True, 5: True},
}
SOLUTIONS = {
    "05-instance-calls": {1: True, 2: False, 3: False, 4: True, 5: False},
}
CHECKERS = {
    "05-instance-calls": check_instance_calls,
}
