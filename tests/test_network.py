"""The network and instance of chapter 05 (helpers/steps/network.py): lookup-or-create, safe to repeat."""

import pytest

from helpers import lab
from helpers.show import tables
from helpers.steps import network


@pytest.fixture
def chapter5(capsys):
    """Chapter 05's starting point: IAM of chapters 01-04, nothing else."""
    lab.start(chapter=5)
    capsys.readouterr()


def test_prerequisites_are_created_once(chapter5):
    first = network.prerequisites()
    assert network.prerequisites() == first
    table = tables.network_table()
    assert list(table["Resource"]) == ["VPC", "Internet gateway", "Subnet", "Route table", "Security group", "Key pair"]
    assert "0.0.0.0/0 -> " + first["InternetGatewayId"] in table.loc[3, "Detail"]
    assert table.loc[4, "Detail"] == "in: tcp/22 from 203.0.113.10/32"


def test_launch_instance_is_idempotent(chapter5):
    network.bucket()
    first = network.launch_instance()
    assert network.launch_instance() == first
    rows = tables.instances_table()
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row.InstanceId, row.State, row.PrivateIpAddress, row.Tags) == (
        first,
        "running",
        "10.0.1.50",
        "Name=iamrole-test",
    )
    assert row.InstanceProfileArn.endswith(":instance-profile/umemoto-wordpress-profile")


def test_bucket_is_idempotent(chapter5):
    assert network.bucket() == network.bucket() == "ut-wordpress-s3"


ARTICLE_RUN = """aws ec2 run-instances \\
    --image-id ami-0cbec04a61be382d9 \\
    --count 1 --instance-type t2.micro \\
    --key-name umemoto_kadai_1 \\
    --iam-instance-profile Name=umemoto-wordpress-profile \\
    --security-group-ids $SG_ID \\
    --subnet-id $SUBNET_ID \\
    --private-ip-address 10.0.1.50 \\
    --capacity-reservation-specification CapacityReservationPreference=none \\
    --tag-specifications "ResourceType=instance, Tags=[{Key=Name,Value=iamrole-test}]"
"""


def test_launch_cell_runs_the_article_command_once(chapter5, capsys):
    ids = network.prerequisites()
    namespace = {"SG_ID": ids["SecurityGroupId"], "SUBNET_ID": ids["SubnetId"]}
    assert network.launch_unless_running("iamrole-test", ARTICLE_RUN, namespace) == 0
    assert '"PrivateIpAddress": "10.0.1.50"' in capsys.readouterr().out
    assert network.launch_unless_running("iamrole-test", ARTICLE_RUN, namespace) == 0
    assert "Not launched again" in capsys.readouterr().out
    assert len(tables.instances_table()) == 1


def test_lab_start_after_chapter_5_rebuilds_the_instance(capsys):
    for chapter in (6, 7):
        lab.start(chapter=chapter)
        assert "instance iamrole-test" in capsys.readouterr().out
        assert network.find_instance()["IamInstanceProfile"]["Arn"].endswith("/umemoto-wordpress-profile")


def test_instance_to_terminate_can_run_again(capsys):
    lab.start(chapter=6)
    first = network.instance_to_terminate()
    capsys.readouterr()
    assert first == network.find_instance()["InstanceId"]
    ec2 = lab.client("ec2")
    ec2.terminate_instances(InstanceIds=[first])
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[first], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert network.instance_to_terminate() == first
    assert (
        capsys.readouterr().out == f"Instance iamrole-test ({first}) is already terminated; "
        "running the commands again only confirms it.\n"
    )
    lab.reset()
    capsys.readouterr()
    assert network.instance_to_terminate() is None
    assert "There is no instance named iamrole-test: nothing to terminate" in capsys.readouterr().out
