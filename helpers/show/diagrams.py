"""Mermaid diagrams of what exists, drawn from the backend each time (chapters 00-05).

JupyterLab 4.1+ renders a ```mermaid fenced block inside Markdown output as a
picture; we emit Markdown (not raw text/vnd.mermaid) so stored outputs stay text.
"""

from IPython.display import Markdown

from helpers.aws import backend
from helpers.course.article import BUCKET, INSTANCE_NAME, KEY_NAME, PROFILE
from helpers.policy.documents import as_document, trusted_principals
from helpers.show import tables
from helpers.steps import network


def mermaid(source):
    """Wrap Mermaid source so JupyterLab renders it as a diagram."""
    return Markdown(f"```mermaid\n{source.strip()}\n```")


def _node(key, label):
    """A Mermaid node with a quoted label (a " inside it written as Mermaid's #quot;)."""
    label = label.replace('"', "#quot;")
    return f'    {key}["{label}"]'


def article_flow():
    """The article's plan: two policies -> one role -> instance profile -> EC2 -> CloudWatch and S3."""
    return mermaid("""
flowchart LR
    cw["Policy CloudWatch-Wordpress-ut<br/>cloudwatch:PutMetricData, ec2:DescribeTags"]
    s3p["Policy S3-Wordpress-ut<br/>read/write ut-wordpress-s3"]
    role["Role umemoto-wordpress-role<br/>trusts ec2.amazonaws.com"]
    prof["Instance profile umemoto-wordpress-profile"]
    ec2["EC2 instance iamrole-test"]
    cwm[("CloudWatch custom metrics")]
    bucket[("S3 bucket ut-wordpress-s3")]
    cw -- attached to --> role
    s3p -- attached to --> role
    role -- held by --> prof
    prof -- gives its role to --> ec2
    ec2 -- PutMetricData --> cwm
    ec2 -- put / get / delete test.txt --> bucket
""")


def role_trust(role_name):
    """Who may assume a role, read from its trust policy."""
    role = backend.client("iam").get_role(RoleName=role_name)["Role"]
    trust = as_document(role["AssumeRolePolicyDocument"])
    lines = ["flowchart LR", _node("role", f"Role {role_name}")]
    for number, principal in enumerate(trusted_principals(trust)):
        lines.append(_node(f"p{number}", principal))
        lines.append(f"    p{number} -- sts:AssumeRole --> role")
    return mermaid("\n".join(lines))


def role_policies(role_name):
    """A role, the principals it trusts and the policies attached to it, with their actions."""
    iam = backend.client("iam")
    role = iam.get_role(RoleName=role_name)["Role"]
    lines = ["flowchart LR", _node("role", f"Role {role_name}")]
    for number, principal in enumerate(trusted_principals(as_document(role["AssumeRolePolicyDocument"]))):
        lines += [_node(f"t{number}", principal), f"    t{number} -- may assume --> role"]
    lines += _policy_lines(role_name)
    return mermaid("\n".join(lines))


def _policy_lines(role_name, parent="role"):
    """Mermaid lines for the policies attached to a role and their actions."""
    lines = []
    permissions = tables.role_permissions(role_name)
    for number, (policy, rows) in enumerate(permissions.groupby("Policy", sort=False)):
        actions = "<br/>".join(sorted(set(rows["Action"])))
        lines += [_node(f"pol{number}", f"Policy {policy}<br/>{actions}"), f"    {parent} -- attached --> pol{number}"]
    return lines


def instance_profile(profile_name):
    """Instance profile -> role -> policies, as the backend has them now."""
    profile = backend.client("iam").get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]
    lines = ["flowchart LR", _node("prof", f"Instance profile {profile_name}")]
    for role in profile["Roles"]:
        lines += [_node("role", f"Role {role['RoleName']}"), "    prof -- holds --> role"]
        lines += _policy_lines(role["RoleName"])
    if not profile["Roles"]:
        lines.append(_node("empty", "(no role yet)"))
        lines.append("    prof -.- empty")
    return mermaid("\n".join(lines))


def instance_network(name=INSTANCE_NAME):
    """The instance in its network, with the profile, role and what the role reaches (chapter 05)."""
    found = network.find_instance(name)
    if found is None:
        return mermaid(f'flowchart LR\n    none["no instance named {name}"]')
    profile = found.get("IamInstanceProfile", {}).get("Arn", "(no profile)").split("/")[-1]
    return mermaid(f"""
flowchart LR
    you["You (administrator's PC)"]
    igw["Internet gateway"]
    subgraph vpc["VPC {network.VPC_CIDR}"]
        subgraph subnet["Public subnet {network.SUBNET_CIDR}"]
            ec2["EC2 {name}<br/>{found["InstanceId"]}<br/>{found.get("PrivateIpAddress")}"]
        end
    end
    sg["Security group {network.SG_NAME}<br/>SSH from {network.SSH_FROM}"]
    prof["Instance profile {profile}"]
    role["Role umemoto-wordpress-role"]
    bucket[("S3 bucket {BUCKET}")]
    cw[("CloudWatch metrics")]
    you -->|"SSH, key {KEY_NAME}"| igw
    igw --> ec2
    sg -.- ec2
    ec2 -->|launched with| prof
    prof -->|holds| role
    role -.->|S3-Wordpress-ut| bucket
    role -.->|CloudWatch-Wordpress-ut| cw
""")


def verification_sequence(session=None):
    """What happened in chapter 05, as a Mermaid sequence diagram."""
    instance_id = session.instance_id if session else "i-..."
    return mermaid(f"""
sequenceDiagram
    participant You as You (notebook, administrator)
    participant EC2
    participant IAM
    participant STS
    participant I as Instance iamrole-test ({instance_id})
    participant S3
    You->>EC2: run-instances --iam-instance-profile Name={PROFILE}
    EC2->>STS: AssumeRole(role umemoto-wordpress-role from profile {PROFILE}, session name {instance_id})
    Note over STS: evaluates the role's trust policy: does it allow ec2.amazonaws.com?
    STS-->>EC2: temporary key id, secret, session token (or AccessDenied)
    EC2-->>I: credentials via instance metadata (169.254.169.254)
    I->>S3: PutObject test.txt, signed with the temporary keys
    S3->>IAM: may assumed-role/umemoto-wordpress-role/{instance_id} do s3:PutObject on ut-wordpress-s3/test.txt?
    IAM-->>S3: allowed by S3-Wordpress-ut (anything not allowed: AccessDenied)
    S3-->>I: upload: ./test.txt to s3://ut-wordpress-s3/test.txt
""")
