"""The lab's resources as pandas tables, read from the backend each time (chapters 01-06).

Every function asks the backend afresh, so a table always shows what exists now,
never what we assume was created. Columns avoid values that change on every run
(dates, request ids) so stored outputs stay comparable. Each returns a
helpers.course.frames.Table: a DataFrame shown with whole cells (full ARNs) and no index.
"""

from helpers.aws import backend
from helpers.course.article import INSTANCE_NAME
from helpers.course.frames import Table
from helpers.policy.documents import as_document, statements_of, trusted_principals
from helpers.policy.matching import as_list
from helpers.steps import network, role_policies
from helpers.steps.iam import policy_arn


def _tags(tags):
    """Tags as one short 'Key=Value' string."""
    return ", ".join(f"{t['Key']}={t['Value']}" for t in tags or [])


def policies():
    """The account's own managed policies: name, ARN, default version, attachments, tags."""
    iam = backend.client("iam")
    rows = []
    for p in iam.list_policies(Scope="Local")["Policies"]:
        tags = iam.list_policy_tags(PolicyArn=p["Arn"])["Tags"]
        rows.append(
            {
                "PolicyName": p["PolicyName"],
                "Arn": p["Arn"],
                "DefaultVersionId": p["DefaultVersionId"],
                "AttachmentCount": p["AttachmentCount"],
                "Tags": _tags(tags),
            }
        )
    return Table(rows, columns=["PolicyName", "Arn", "DefaultVersionId", "AttachmentCount", "Tags"])


def policy_document(policy_name):
    """The default version's document of one of the account's managed policies."""
    iam = backend.client("iam")
    arn = policy_arn(policy_name)
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return as_document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])


def statement_rows(document, policy_name=""):
    """One row per effect x action x resource of a policy document."""
    rows = []
    for number, st in enumerate(statements_of(document), 1):
        action_key = "Action" if "Action" in st else "NotAction"
        resource_key = "Resource" if "Resource" in st else "NotResource"
        for action in as_list(st.get(action_key, [])):
            for resource in as_list(st.get(resource_key, "-")):
                rows.append(
                    {
                        "Policy": policy_name,
                        "Statement": st.get("Sid", number),
                        "Effect": st.get("Effect"),
                        action_key: action,
                        resource_key: resource,
                    }
                )
    return rows


def statements(policy_name):
    """The statements of one managed policy, as the backend stores it."""
    return Table(statement_rows(policy_document(policy_name), policy_name))


def roles():
    """The account's roles: name, ARN, who may assume them (trust policy), tags."""
    iam = backend.client("iam")
    rows = []
    for r in iam.list_roles()["Roles"]:
        trust = as_document(r["AssumeRolePolicyDocument"])
        tags = iam.list_role_tags(RoleName=r["RoleName"])["Tags"]
        actions = [a for st in statements_of(trust) for a in as_list(st.get("Action", []))]
        rows.append(
            {
                "RoleName": r["RoleName"],
                "Arn": r["Arn"],
                "RoleId": r["RoleId"],
                "TrustedPrincipals": ", ".join(trusted_principals(trust)),
                "TrustedActions": ", ".join(actions),
                "Tags": _tags(tags),
            }
        )
    return Table(rows, columns=["RoleName", "Arn", "RoleId", "TrustedPrincipals", "TrustedActions", "Tags"])


def attached_policies(role_name):
    """The managed policies attached to a role."""
    iam = backend.client("iam")
    attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    return Table(attached, columns=["PolicyName", "PolicyArn"])


def role_permissions(role_name):
    """What a role may do: one row per effect x action x resource of its attached and inline policies."""
    rows = []
    for name, document in role_policies.documents(role_name).items():
        rows += statement_rows(document, name)
    return Table(rows, columns=["Policy", "Statement", "Effect", "Action", "Resource"])


def instance_profiles():
    """The account's instance profiles and the role each one holds."""
    iam = backend.client("iam")
    rows = []
    for p in iam.list_instance_profiles()["InstanceProfiles"]:
        roles_in = [r["RoleName"] for r in p["Roles"]]
        rows.append(
            {
                "InstanceProfileName": p["InstanceProfileName"],
                "Arn": p["Arn"],
                "InstanceProfileId": p["InstanceProfileId"],
                "Roles": ", ".join(roles_in) or "(none)",
            }
        )
    return Table(rows, columns=["InstanceProfileName", "Arn", "InstanceProfileId", "Roles"])


def network_table():
    """The lab's network resources, read from the backend (chapter 05)."""
    ec2 = backend.client("ec2")
    rows = []
    for v in ec2.describe_vpcs(Filters=network.by_name(network.VPC_NAME))["Vpcs"]:
        rows.append(("VPC", network.VPC_NAME, v["VpcId"], v["CidrBlock"]))
    for g in ec2.describe_internet_gateways(Filters=network.by_name(network.IGW_NAME))["InternetGateways"]:
        rows.append(
            (
                "Internet gateway",
                network.IGW_NAME,
                g["InternetGatewayId"],
                "attached to " + ", ".join(a["VpcId"] for a in g.get("Attachments", [])),
            )
        )
    for s in ec2.describe_subnets(Filters=network.by_name(network.SUBNET_NAME))["Subnets"]:
        rows.append(("Subnet", network.SUBNET_NAME, s["SubnetId"], f"{s['CidrBlock']} in {s['AvailabilityZone']}"))
    for t in ec2.describe_route_tables(Filters=network.by_name(network.ROUTE_TABLE_NAME))["RouteTables"]:
        routes = ", ".join(f"{r.get('DestinationCidrBlock')} -> {r.get('GatewayId')}" for r in t["Routes"])
        rows.append(("Route table", network.ROUTE_TABLE_NAME, t["RouteTableId"], routes))
    for g in ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [network.SG_NAME]}])[
        "SecurityGroups"
    ]:
        rules = ", ".join(
            f"{p['IpProtocol']}/{p.get('FromPort')} from {r['CidrIp']}"
            for p in g["IpPermissions"]
            for r in p["IpRanges"]
        )
        rows.append(("Security group", network.SG_NAME, g["GroupId"], "in: " + rules))
    for k in ec2.describe_key_pairs()["KeyPairs"]:
        rows.append(("Key pair", k["KeyName"], k["KeyPairId"], k.get("KeyType", "")))
    return Table(rows, columns=["Resource", "Name", "Id", "Detail"])


def instances_table(name=INSTANCE_NAME):
    """The instances with this Name tag: id, state, private IP, instance profile, tags (chapter 05)."""
    rows = [
        {
            "InstanceId": i["InstanceId"],
            "State": i["State"]["Name"],
            "PrivateIpAddress": i.get("PrivateIpAddress", ""),
            "InstanceProfileArn": i.get("IamInstanceProfile", {}).get("Arn", "(none)"),
            "Tags": ", ".join(f"{t['Key']}={t['Value']}" for t in i.get("Tags", [])),
        }
        for i in network.instances(name, states=None)
    ]
    return Table(rows, columns=["InstanceId", "State", "PrivateIpAddress", "InstanceProfileArn", "Tags"])


def inventory():
    """What is left in the emulated account besides AWS's defaults: one row per resource."""
    iam, s3, ec2 = backend.client("iam"), backend.client("s3"), backend.client("ec2")
    rows = []
    rows += [("EC2 instance", i["InstanceId"]) for i in network.instances()]
    rows += [("S3 bucket", b["Name"]) for b in s3.list_buckets()["Buckets"]]
    rows += [("Instance profile", p["InstanceProfileName"]) for p in iam.list_instance_profiles()["InstanceProfiles"]]
    rows += [("IAM role", r["RoleName"]) for r in iam.list_roles()["Roles"]]
    rows += [("IAM policy", p["PolicyName"]) for p in iam.list_policies(Scope="Local")["Policies"]]
    rows += [("VPC", v["VpcId"]) for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]]
    rows += [
        ("Internet gateway", g["InternetGatewayId"])
        for g in ec2.describe_internet_gateways(Filters=network.by_name(network.IGW_NAME))["InternetGateways"]
    ]
    rows += [("Key pair", k["KeyName"]) for k in ec2.describe_key_pairs()["KeyPairs"]]
    return Table(rows, columns=["Kind", "Name or id"])
