"""The test instance of article section 5 and what it needs (chapter 05).

The article takes its network from earlier parts of its series; chapter 05 makes
it here: a VPC (10.0.0.0/16) with an internet gateway, a public subnet
(10.0.1.0/24) routed to it, a security group that lets SSH in from one address,
and the key pair `umemoto_kadai_1`. Then the bucket `ut-wordpress-s3` and the
instance `iamrole-test`, launched with the instance profile of chapter 04.

Every function looks its resource up first (by Name tag or name) and creates
it only if missing, so any of them can run again; each returns the resource's
id (`bucket` its name; `rebuild`, which runs the whole chain, nothing).

Steps: vpc_id -> internet_gateway_id -> subnet_id -> route_table_id
       -> security_group_id -> key_pair -> bucket -> launch_instance
"""

from botocore.exceptions import ClientError

from helpers.aws import backend
from helpers.cli import magics
from helpers.course.article import AMI, BUCKET, INSTANCE_NAME, KEY_NAME, PRIVATE_IP, PROFILE

VPC_CIDR = "10.0.0.0/16"
SUBNET_CIDR = "10.0.1.0/24"
VPC_NAME = "iamrole-lab-vpc"
IGW_NAME = "iamrole-lab-igw"
SUBNET_NAME = "iamrole-lab-public-subnet"
ROUTE_TABLE_NAME = "iamrole-lab-public-rt"
SG_NAME = "iamrole-lab-ec2-sg"
SSH_FROM = "203.0.113.10/32"  # stands for "your PC's public address" (a documentation range)
OTHER_BUCKET = "iamrole-lab-other-bucket"  # a bucket the role was never given (chapter 05 denials)
LIVE_STATES = ("pending", "running", "stopping", "stopped")  # an instance in these states still exists
GONE_STATES = ("shutting-down", "terminated")


def _name_tag(resource_type, name):
    """TagSpecifications that give a new resource its Name tag."""
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def by_name(name):
    """A describe-* filter on the Name tag."""
    return [{"Name": "tag:Name", "Values": [name]}]


def vpc_id():
    """The lab's VPC, 10.0.0.0/16 (chapter 05)."""
    ec2 = backend.client("ec2")
    found = ec2.describe_vpcs(Filters=by_name(VPC_NAME))["Vpcs"]
    if found:
        return found[0]["VpcId"]
    return ec2.create_vpc(CidrBlock=VPC_CIDR, TagSpecifications=_name_tag("vpc", VPC_NAME))["Vpc"]["VpcId"]


def internet_gateway_id(vpc):
    """The internet gateway attached to the lab's VPC: what makes a subnet public (chapter 05)."""
    ec2 = backend.client("ec2")
    found = ec2.describe_internet_gateways(Filters=by_name(IGW_NAME))["InternetGateways"]
    if found:
        return found[0]["InternetGatewayId"]
    igw = ec2.create_internet_gateway(TagSpecifications=_name_tag("internet-gateway", IGW_NAME))["InternetGateway"][
        "InternetGatewayId"
    ]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    return igw


def subnet_id(vpc):
    """The public subnet 10.0.1.0/24 the instance is launched in (chapter 05)."""
    ec2 = backend.client("ec2")
    found = ec2.describe_subnets(Filters=by_name(SUBNET_NAME))["Subnets"]
    if found:
        return found[0]["SubnetId"]
    return ec2.create_subnet(VpcId=vpc, CidrBlock=SUBNET_CIDR, TagSpecifications=_name_tag("subnet", SUBNET_NAME))[
        "Subnet"
    ]["SubnetId"]


def route_table_id(vpc, subnet, igw):
    """A route table sending 0.0.0.0/0 to the internet gateway, associated with the subnet (chapter 05)."""
    ec2 = backend.client("ec2")
    found = ec2.describe_route_tables(Filters=by_name(ROUTE_TABLE_NAME))["RouteTables"]
    if found:
        return found[0]["RouteTableId"]
    table = ec2.create_route_table(VpcId=vpc, TagSpecifications=_name_tag("route-table", ROUTE_TABLE_NAME))[
        "RouteTable"
    ]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return table


def security_group_id(vpc=None):
    """The instance's security group: SSH (tcp/22) in from one address only (chapter 05)."""
    ec2 = backend.client("ec2")
    vpc = vpc or vpc_id()
    found = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [SG_NAME]}, {"Name": "vpc-id", "Values": [vpc]}]
    )["SecurityGroups"]
    if found:
        return found[0]["GroupId"]
    group = ec2.create_security_group(
        GroupName=SG_NAME,
        Description="SSH from the administrator's PC only",
        VpcId=vpc,
        TagSpecifications=_name_tag("security-group", SG_NAME),
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": SSH_FROM, "Description": "SSH from my PC"}],
            }
        ],
    )
    return group


def key_pair(name=KEY_NAME):
    """The key pair the article launches with (chapter 05); returns its id.

    AWS hands out the private key only once, at creation: on a real account you
    would save it as umemoto_kadai_1.pem for SSH. The lab has no SSH, so it is dropped.
    """
    ec2 = backend.client("ec2")
    try:
        return ec2.describe_key_pairs(KeyNames=[name])["KeyPairs"][0]["KeyPairId"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "InvalidKeyPair.NotFound":
            raise
    return ec2.create_key_pair(KeyName=name)["KeyPairId"]


def prerequisites():
    """Everything the article's run-instances needs besides IAM (chapter 05); returns the ids."""
    vpc = vpc_id()
    igw = internet_gateway_id(vpc)
    subnet = subnet_id(vpc)
    return {
        "VpcId": vpc,
        "InternetGatewayId": igw,
        "SubnetId": subnet,
        "RouteTableId": route_table_id(vpc, subnet, igw),
        "SecurityGroupId": security_group_id(vpc),
        "KeyPairId": key_pair(),
    }


def bucket(name=BUCKET):
    """The bucket of article step ① (chapter 05), created in the lab's region if missing."""
    s3 = backend.client("s3")
    try:
        s3.head_bucket(Bucket=name)
        return name
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": s3.meta.region_name})
    return name


def instances(name=None, states=LIVE_STATES):
    """Descriptions of the instances with this Name tag (any name if None) in these states (any if None)."""
    filters = by_name(name) if name else []
    if states:
        filters.append({"Name": "instance-state-name", "Values": list(states)})
    reservations = backend.client("ec2").describe_instances(Filters=filters)["Reservations"]
    return [i for r in reservations for i in r["Instances"]]


def find_instance(name=INSTANCE_NAME):
    """The instance with this Name tag that is not terminated, or None (chapter 05)."""
    found = instances(name)
    return found[0] if found else None


def launched_with(profile_name):
    """The id of the newest live instance launched with this instance profile, or None (chapter 07)."""
    found = [i for i in instances() if i.get("IamInstanceProfile", {}).get("Arn", "").endswith(f"/{profile_name}")]
    return found[-1]["InstanceId"] if found else None


def instance_to_terminate(name=INSTANCE_NAME):
    """The id of the instance with this Name tag, for terminate-instances (chapter 10); safe to repeat.

    A live instance: its id. One already terminated (or shutting down): says so and
    returns that id, so terminating and waiting again just confirm it. None at all:
    says so and returns None.
    """
    found = find_instance(name)
    if found:
        return found["InstanceId"]
    gone = instances(name, GONE_STATES)
    if gone:
        instance_id = gone[-1]["InstanceId"]
        print(f"Instance {name} ({instance_id}) is already terminated; running the commands again only confirms it.")
        return instance_id
    print(
        f"There is no instance named {name}: nothing to terminate. "
        f"`lab.start(chapter=10)` rebuilds the chapter's starting point."
    )
    return None


def launch_instance(name=INSTANCE_NAME):
    """The article's `aws ec2 run-instances` in boto3 (chapter 05), unless the instance already exists.

    Looking the instance up by its Name tag first is what makes this safe to repeat:
    a second launch would ask for the same private IP 10.0.1.50 and fail.
    """
    found = find_instance(name)
    if found:
        return found["InstanceId"]
    ids = prerequisites()
    return backend.client("ec2").run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,  # the CLI's --count 1
        InstanceType="t2.micro",
        KeyName=KEY_NAME,
        IamInstanceProfile={"Name": PROFILE},
        SecurityGroupIds=[ids["SecurityGroupId"]],
        SubnetId=ids["SubnetId"],
        PrivateIpAddress=PRIVATE_IP,
        CapacityReservationSpecification={"CapacityReservationPreference": "none"},
        TagSpecifications=_name_tag("instance", name),
    )["Instances"][0]["InstanceId"]


def rebuild(iam=None):
    """What chapter 05 leaves behind: network, buckets and instance (used by lab.start(chapter=6) and later).

    `iam` is not needed here: lab.rebuild passes every chapter's step the IAM client.
    """
    bucket()
    bucket(OTHER_BUCKET)
    launch_instance()


def launch_unless_running(name, cell, namespace):
    """Run a cell's `aws ec2 run-instances` only if no instance named `name` exists yet (chapter 05)."""
    found = find_instance(name)
    if found:
        print(
            f"Not launched again: instance {name} already exists ({found['InstanceId']}, "
            f"{found['State']['Name']}, {found.get('PrivateIpAddress')}). A second launch would ask for "
            f"the same private IP and fail; `lab.start(chapter=5)` starts the chapter afresh."
        )
        return 0
    return magics.run_text(cell, namespace)


def load_ipython_extension(ipython):
    """Register %%launch NAME: the cell's run-instances runs once per Name tag (chapter 05)."""
    from IPython.core.magic import no_var_expand, register_cell_magic

    @register_cell_magic
    @no_var_expand
    def launch(line, cell):
        """Run the AWS CLI commands in the cell unless an instance with Name tag LINE exists."""
        launch_unless_running(line.strip() or INSTANCE_NAME, cell, ipython.user_ns)
