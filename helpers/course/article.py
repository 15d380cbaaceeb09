"""The article's names and files, as every chapter uses them (introduced in chapter 00).

The article builds these with the AWS CLI; the course keeps its names unchanged, so a
learner can compare every command and output with the original.
"""

from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
POLICIES = {  # policy name -> file, as in article section 4-1
    "CloudWatch-Wordpress-ut": "cloudwatchpolicy.json",
    "S3-Wordpress-ut": "s3policy.json",
}
ROLE = "umemoto-wordpress-role"
TRUST_POLICY = "trustpolicy.json"
PROFILE = "umemoto-wordpress-profile"
BUCKET = "ut-wordpress-s3"
INSTANCE_NAME = "iamrole-test"
KEY_NAME = "umemoto_kadai_1"
AMI = "ami-0cbec04a61be382d9"
PRIVATE_IP = "10.0.1.50"
EMULATED_ACCOUNT = "123456789012"  # moto's account; the article masked its own as xxxxx
EC2_SERVICE = "ec2.amazonaws.com"  # the principal the role's trust policy names
KINDS = {  # what each of the article's names is
    **{name: "policy" for name in POLICIES},
    ROLE: "role",
    PROFILE: "instance-profile",
    BUCKET: "bucket",
}


def read_policy(filename):
    """The text of one of the article's policy files."""
    return (POLICY_DIR / filename).read_text()
