"""Mermaid diagrams of what exists, drawn from the backend each time (chapters 00-05).

JupyterLab 4.1+ renders a ```mermaid fenced block inside Markdown output as a
picture; we emit Markdown (not raw text/vnd.mermaid) so stored outputs stay text.
"""
from IPython.display import Markdown

from helpers import lab, tables


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
    role = lab.client("iam").get_role(RoleName=role_name)["Role"]
    trust = tables.as_document(role["AssumeRolePolicyDocument"])
    lines = ["flowchart LR", _node("role", f"Role {role_name}")]
    for number, principal in enumerate(tables.trusted_principals(trust)):
        lines.append(_node(f"p{number}", principal))
        lines.append(f"    p{number} -- sts:AssumeRole --> role")
    return mermaid("\n".join(lines))


def role_policies(role_name):
    """A role, the principals it trusts and the policies attached to it, with their actions."""
    iam = lab.client("iam")
    role = iam.get_role(RoleName=role_name)["Role"]
    lines = ["flowchart LR", _node("role", f"Role {role_name}")]
    for number, principal in enumerate(tables.trusted_principals(tables.as_document(role["AssumeRolePolicyDocument"]))):
        lines += [_node(f"t{number}", principal), f"    t{number} -- may assume --> role"]
    lines += _policy_lines(role_name)
    return mermaid("\n".join(lines))


def _policy_lines(role_name, parent="role"):
    """Mermaid lines for the policies attached to a role and their actions."""
    lines = []
    permissions = tables.role_permissions(role_name)
    for number, (policy, rows) in enumerate(permissions.groupby("Policy", sort=False)):
        actions = "<br/>".join(sorted(set(rows["Action"])))
        lines += [_node(f"pol{number}", f"Policy {policy}<br/>{actions}"),
                  f"    {parent} -- attached --> pol{number}"]
    return lines


def instance_profile(profile_name):
    """Instance profile -> role -> policies, as the backend has them now."""
    profile = lab.client("iam").get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]
    lines = ["flowchart LR", _node("prof", f"Instance profile {profile_name}")]
    for role in profile["Roles"]:
        lines += [_node("role", f"Role {role['RoleName']}"), "    prof -- holds --> role"]
        lines += _policy_lines(role["RoleName"])
    if not profile["Roles"]:
        lines.append(_node("empty", "(no role yet)"))
        lines.append("    prof -.- empty")
    return mermaid("\n".join(lines))
