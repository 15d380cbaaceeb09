"""Delete everything the course made, in a safe order (chapter 10).

AWS refuses some deletes while something is still attached or inside: IAM's DeleteRole
while an instance profile holds the role or policies are attached, DeletePolicy while the
policy is attached or has non-default versions, DeleteInstanceProfile while it holds a
role (DeleteConflict); S3's DeleteBucket while the bucket holds objects (BucketNotEmpty);
EC2's deletes of a network part an instance or another part still uses
(DependencyViolation). So what is attached or inside goes first. Terminating the instance
first is not one of those rules -- IAM deletes a profile a running instance still uses,
which cuts the instance off -- but it is the safe start:

    terminate the instance -> empty and delete the buckets
    -> remove the role from the instance profile -> delete the instance profile
    -> detach the policies -> delete the role -> delete non-default policy versions
    -> delete the policies -> delete the network (security group, subnet,
       route table, internet gateway, VPC) and the key pair

Every step looks first and deletes only what exists, so `everything()` can run
any number of times; it returns (and prints) what it deleted. The custom metric of
chapter 06 stays: CloudWatch has no delete for metrics (they expire on their own).
"""

from botocore.exceptions import ClientError

from helpers.aws import backend
from helpers.course.article import POLICIES, PROFILE, ROLE
from helpers.steps import network
from helpers.steps.iam import role_exists

BUCKETS = (network.BUCKET, network.OTHER_BUCKET)


def terminate_instance(name=network.INSTANCE_NAME):
    """Terminate the test instance and wait until it is gone: it uses the profile, subnet and group."""
    ec2 = backend.client("ec2")
    found = network.find_instance(name)
    if not found:
        return []
    ec2.terminate_instances(InstanceIds=[found["InstanceId"]])
    ec2.get_waiter("instance_terminated").wait(
        InstanceIds=[found["InstanceId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    return [f"instance {name} ({found['InstanceId']}) terminated"]


def delete_buckets(names=BUCKETS):
    """Empty each bucket (a bucket must be empty to be deleted), then delete it."""
    s3 = backend.client("s3")
    existing = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    done = []
    for name in names:
        if name not in existing:
            continue
        keys = [{"Key": o["Key"]} for o in s3.list_objects_v2(Bucket=name).get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=name, Delete={"Objects": keys})
        s3.delete_bucket(Bucket=name)
        emptied = f"emptied ({len(keys)} object{'s' if len(keys) > 1 else ''}) and " if keys else ""
        done.append(f"bucket {name} {emptied}deleted")
    return done


def _profile(name):
    """An instance profile's description, or None."""
    try:
        return backend.client("iam").get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        return None


def remove_roles_from_profile(name=PROFILE):
    """Take the role out of the instance profile: neither the profile nor the role can be deleted before."""
    profile = _profile(name)
    done = []
    for role in profile["Roles"] if profile else []:
        backend.client("iam").remove_role_from_instance_profile(InstanceProfileName=name, RoleName=role["RoleName"])
        done.append(f"role {role['RoleName']} removed from instance profile {name}")
    return done


def delete_instance_profile(name=PROFILE):
    """Delete the (now empty) instance profile."""
    if not _profile(name):
        return []
    backend.client("iam").delete_instance_profile(InstanceProfileName=name)
    return [f"instance profile {name} deleted"]


def detach_policies(role=ROLE):
    """Detach every managed policy from the role and delete its inline policies, if any."""
    iam = backend.client("iam")
    if not role_exists(iam, role):
        return []
    done = []
    for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role, PolicyArn=p["PolicyArn"])
        done.append(f"policy {p['PolicyName']} detached from role {role}")
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
        done.append(f"inline policy {name} of role {role} deleted")
    return done


def delete_role(role=ROLE):
    """Delete the role (no profile holds it, no policy is attached)."""
    if not role_exists(backend.client("iam"), role):
        return []
    backend.client("iam").delete_role(RoleName=role)
    return [f"role {role} deleted"]


def _existing_policy_arns(names=tuple(POLICIES)):
    """ARNs of the course's managed policies that exist."""
    local = backend.client("iam").list_policies(Scope="Local")["Policies"]
    return [(p["PolicyName"], p["Arn"]) for p in local if p["PolicyName"] in names]


def delete_policy_versions():
    """Delete the policies' non-default versions: a policy with several versions cannot be deleted."""
    iam = backend.client("iam")
    done = []
    for name, arn in _existing_policy_arns():
        for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
            if not v["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
                done.append(f"version {v['VersionId']} of policy {name} deleted")
    return done


def delete_policies():
    """Delete the course's managed policies (detached, one version left)."""
    done = []
    for name, arn in _existing_policy_arns():
        backend.client("iam").delete_policy(PolicyArn=arn)
        done.append(f"policy {name} deleted")
    return done


def delete_network():
    """Delete the security group, subnet, route table, internet gateway, VPC and key pair of chapter 05."""
    ec2 = backend.client("ec2")
    done = []
    by_name = network.by_name
    for vpc in ec2.describe_vpcs(Filters=by_name(network.VPC_NAME))["Vpcs"]:
        vpc_id = vpc["VpcId"]
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]:
            if g["GroupName"] != "default":  # the VPC's default group goes with the VPC
                ec2.delete_security_group(GroupId=g["GroupId"])
                done.append(f"security group {g['GroupName']} ({g['GroupId']}) deleted")
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=s["SubnetId"])
            done.append(f"subnet {s['CidrBlock']} ({s['SubnetId']}) deleted")
        for t in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]:
            if any(a.get("Main") for a in t.get("Associations", [])):
                continue  # the main route table goes with the VPC
            for a in t.get("Associations", []):
                ec2.disassociate_route_table(AssociationId=a["RouteTableAssociationId"])
            ec2.delete_route_table(RouteTableId=t["RouteTableId"])
            done.append(f"route table {t['RouteTableId']} deleted")
        igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])[
            "InternetGateways"
        ]
        for g in igws:
            ec2.detach_internet_gateway(InternetGatewayId=g["InternetGatewayId"], VpcId=vpc_id)
            ec2.delete_internet_gateway(InternetGatewayId=g["InternetGatewayId"])
            done.append(f"internet gateway {g['InternetGatewayId']} detached and deleted")
        ec2.delete_vpc(VpcId=vpc_id)
        done.append(f"VPC {vpc['CidrBlock']} ({vpc_id}) deleted")
    for k in ec2.describe_key_pairs(Filters=[{"Name": "key-name", "Values": [network.KEY_NAME]}])["KeyPairs"]:
        ec2.delete_key_pair(KeyName=k["KeyName"])
        done.append(f"key pair {k['KeyName']} deleted")
    return done


# A safe order: none of AWS's refusals is met, and no instance keeps running with an empty profile.
STEPS = [
    terminate_instance,
    delete_buckets,
    remove_roles_from_profile,
    delete_instance_profile,
    detach_policies,
    delete_role,
    delete_policy_versions,
    delete_policies,
    delete_network,
]


def everything(quiet=False):
    """Delete everything the course made, in a safe order; print and return what was deleted."""
    done = []
    for step in STEPS:
        done += step()
    if not quiet:
        print("\n".join(f"- {line}" for line in done) if done else "Nothing left to delete.")
    return done
