"""Mermaid diagrams of what exists, drawn from the backend each time (chapters 00-05).

JupyterLab 4.1+ renders a ```mermaid fenced block inside Markdown output as a
picture; we emit Markdown (not raw text/vnd.mermaid) so stored outputs stay text.

Legibility: JupyterLab shows the picture as an <img> no wider than the output area
(CSS max-width: 100%, whatever Mermaid's useMaxWidth says), about 830 px at a
1280-px window with the file browser open. Mermaid draws 16 px text, so a diagram
wider than ~1100 px is shrunk below 12 px on screen. So flowcharts run top to bottom
(their width is then one rank of nodes, not the whole chain), and the verification
sequence is split in two, with short lines and tighter actor spacing
(tests/test_browser.py measures every label at ≥ 11 px).
"""

from IPython.display import Markdown

from helpers.aws import backend
from helpers.course.article import BUCKET, INSTANCE_NAME, KEY_NAME, PROFILE, ROLE
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
flowchart TB
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
    lines = ["flowchart TB", _node("role", f"Role {role_name}")]
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
    lines = ["flowchart TB", _node("prof", f"Instance profile {profile_name}")]
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
        return mermaid(f'flowchart TB\n    none["no instance named {name}"]')
    profile = found.get("IamInstanceProfile", {}).get("Arn", "(no profile)").split("/")[-1]
    return mermaid(f"""
flowchart TB
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


# Tighter than Mermaid's defaults (actorMargin 50, width 150), so five participants fit the output area.
SEQUENCE_INIT = '%%{init: {"sequence": {"actorMargin": 20, "width": 100}}}%%'


def verification_sequence(session=None):
    """What happened in chapter 05, as two Mermaid sequence diagrams: the launch, then one call."""
    instance_id = session.instance_id if session else "i-..."
    instance = f"participant I as Instance {INSTANCE_NAME}<br/>{instance_id}"
    launch = f"""{SEQUENCE_INIT}
sequenceDiagram
    participant You as You<br/>(administrator)
    participant EC2
    participant STS
    {instance}
    You->>EC2: run-instances with<br/>instance profile<br/>{PROFILE}
    EC2->>STS: AssumeRole(role {ROLE}<br/>from the profile, session<br/>{instance_id})
    Note over STS: evaluates the role's<br/>trust policy: does it allow<br/>ec2.amazonaws.com?
    STS-->>EC2: temporary key id,<br/>secret, session token<br/>(or AccessDenied)
    EC2-->>I: credentials via instance<br/>metadata 169.254.169.254"""
    call = f"""{SEQUENCE_INIT}
sequenceDiagram
    {instance}
    participant S3
    participant IAM
    I->>S3: PutObject test.txt, signed<br/>with the temporary keys
    S3->>IAM: may assumed-role/<br/>{ROLE}/<br/>{instance_id}<br/>do s3:PutObject on<br/>{BUCKET}/test.txt?
    IAM-->>S3: allowed by S3-Wordpress-ut<br/>(anything else: AccessDenied)
    S3-->>I: upload: ./test.txt to<br/>s3://{BUCKET}/test.txt"""
    return Markdown(
        f"**1. The launch:** EC2 obtains the role's credentials for the instance.\n\n```mermaid\n{launch}\n```\n\n"
        f"**2. A call:** the instance uses them, and IAM decides.\n\n```mermaid\n{call}\n```"
    )
