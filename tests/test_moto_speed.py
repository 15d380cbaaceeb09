"""The speed workarounds of helpers/aws/moto_speed.py: they answer as moto does, and are still needed.

When a `test_still_needed_*` test fails, moto or botocore changed so that the
workaround is no longer needed (or no longer applies): remove it from
helpers/aws/moto_speed.py, and the test with it.
"""

import gzip
import json
import os
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from helpers.aws import moto_speed

MOTO = Path(resources.files("moto"))


def run_python(code):
    """Run code in a fresh interpreter (so moto's EC2 module is imported there for the first time)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- still needed -------------------------------------------------------------


def test_still_needed_moto_ec2_makes_throwaway_botocore_sessions():
    """Workaround 1: moto's EC2 regions come from new botocore sessions made at import."""
    source = (MOTO / "ec2/models/availability_zones_and_regions.py").read_text()
    assert source.count('Session().get_available_regions("ec2"') >= 3


def test_still_needed_botocore_parses_models_once_per_session():
    """Workaround 1: without it, two sessions parse the same service model twice."""
    loaded = run_python("""
        import json, botocore.session
        a = botocore.session.get_session().get_service_data("sts")
        b = botocore.session.get_session().get_service_data("sts")
        print(json.dumps(a is b))
    """)
    assert loaded is False


def test_still_needed_moto_reads_every_regions_offerings_at_import():
    """Workaround 2: moto's instance_types module loads the offerings of every region eagerly."""
    loaded = run_python("""
        import json
        from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS as offerings
        print(json.dumps({kind: sum(1 for v in dict.values(regions) if v) for kind, regions in offerings.items()}))
    """)
    files = {
        kind.name: len(list(kind.iterdir())) for kind in (MOTO / "ec2/resources/instance_type_offerings").iterdir()
    }
    assert loaded == files and min(files.values()) > 10


# --- same answers ---------------------------------------------------------------


def test_shared_loader_parses_each_file_once_per_data_path(monkeypatch):
    """With the workaround, new sessions share one loader; another data path gets its own."""
    original = moto_speed._saved_create_loader or botocore.loaders.create_loader  # the lab may have installed it
    monkeypatch.setattr(moto_speed, "_saved_create_loader", None)
    monkeypatch.setattr(moto_speed, "_shared_loaders", {})
    monkeypatch.setattr(botocore.loaders, "create_loader", original)
    monkeypatch.setattr(botocore.session, "create_loader", original)
    moto_speed.share_botocore_loaders()
    first, second = botocore.session.get_session(), botocore.session.get_session()
    assert first.get_service_data("sts") is second.get_service_data("sts")
    assert moto_speed.shared_loader("/nonexistent") is not moto_speed.shared_loader(None)
    assert moto_speed.shared_loader(os.pathsep.join(["/a", "/b", "/a"])) is moto_speed.shared_loader(
        os.pathsep.join(["/a", "/b"])
    )
    moto_speed.unshare_botocore_loaders()
    assert botocore.session.create_loader is not moto_speed.shared_loader


def test_deferred_offerings_answer_as_moto_does():
    """Every region's offerings, and run_instances' type check, are the same with the workaround."""
    answers = run_python("""
        import json
        from helpers.aws import moto_speed, sandbox
        sandbox.isolate()
        moto_speed.install()
        import boto3
        from moto import mock_aws
        from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS as offerings
        pending = {kind: len(regions._files) for kind, regions in offerings.items()}
        out = {"pending": pending, "offerings": {}}
        with mock_aws():
            for region in ("ap-northeast-1", "us-east-1"):
                ec2 = boto3.client("ec2", region_name=region)
                for kind in ("region", "availability-zone", "availability-zone-id"):
                    found = ec2.describe_instance_type_offerings(LocationType=kind)["InstanceTypeOfferings"]
                    out["offerings"][f"{region} {kind}"] = sorted(
                        (o["InstanceType"], o["Location"]) for o in found)
            ec2 = boto3.client("ec2", region_name="ap-northeast-1")
            ec2.run_instances(ImageId="ami-12345678", InstanceType="t2.micro", MinCount=1, MaxCount=1)
        out["loaded"] = sorted(dict.keys(offerings["region"]))
        print(json.dumps(out))
    """)
    assert all(count > 10 for count in answers["pending"].values())  # nothing read at import
    assert answers["loaded"] == ["ap-northeast-1", "us-east-1"]  # only the regions asked for
    for key, found in answers["offerings"].items():
        region, kind = key.split(" ")
        path = MOTO / "ec2/resources/instance_type_offerings" / kind / f"{region}.json"
        data = json.loads(
            gzip.decompress(Path(f"{path}.gz").read_bytes()) if Path(f"{path}.gz").exists() else path.read_text()
        )
        assert found == sorted([o["InstanceType"], o["Location"]] for o in data), key
        assert found


def test_lazy_offerings_behave_as_a_dict():
    """Lookups load one region; iterating loads all, each with moto's LocationType added."""
    reads = []

    def load(path):
        reads.append(path)
        return [{"InstanceType": "t2.micro", "Location": path}]

    table = moto_speed.LazyOfferings("region", {"r1": "r1.json", "r2": "r2.json"}, load)
    assert "r1" in table and "r3" not in table and len(table) == 2
    assert table["r1"] == [{"InstanceType": "t2.micro", "Location": "r1.json", "LocationType": "region"}]
    assert table.get("r3", []) == [] and reads == ["r1.json"]
    assert dict(table.items()) == {"r1": table["r1"], "r2": table["r2"]} and reads == ["r1.json", "r2.json"]
    with pytest.raises(KeyError):
        table["r3"]


def test_lab_clients_are_reused_and_the_administrators(monkeypatch):
    """lab's boto3 clients are made once per service, with the fake keys whatever the environment says."""
    from helpers.aws import backend as backends

    backend = backends.MotoBackend()
    backend.start()  # a client would start it; the instance's keys come into the environment later
    with mock_aws():
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAINSTANCEKEY")
        iam = backend.client("iam")
        assert backend.client("iam") is iam
        assert iam._request_signer._credentials.access_key == "testing"
        fresh = boto3.Session().client("iam", region_name="ap-northeast-1")  # without the fix: the environment's
        assert fresh._request_signer._credentials.access_key == "AKIAINSTANCEKEY"


def test_the_cli_uses_the_shared_loader_once_the_lab_runs(capsys):
    """cli keeps no loader cache of its own: the shared loaders already cover its sessions."""
    from helpers import lab
    from helpers.aws import moto_speed
    from helpers.cli import awscli

    lab.start()
    loader = awscli._driver().session.get_component("data_loader")
    assert loader is awscli._driver().session.get_component("data_loader")
    assert loader in moto_speed._shared_loaders.values()


def test_event_aliases_and_signatures_answer_as_botocore_does():
    """Workaround 3: the shared alias cache and the remembered signatures give botocore's own answers."""
    import botocore.hooks
    from botocore.compat import accepts_kwargs

    moto_speed.share_event_work()
    names = ["before-call.s3.PutObject", "provide-client-params.cloudwatch.PutMetricData", "after-call.ec2"]
    fresh = botocore.hooks.EventAliaser(botocore.hooks.HierarchicalEmitter())
    assert fresh._alias_name_cache is moto_speed._shared_alias_cache
    expected = []
    for name in names:
        original = botocore.hooks.EventAliaser(botocore.hooks.HierarchicalEmitter())
        original._alias_name_cache = {}
        expected.append(original._alias_event_name(name))
    assert [fresh._alias_event_name(name) for name in names] == expected

    def with_kwargs(a, **kwargs):
        """A handler botocore accepts."""

    def without(a):
        """A handler botocore refuses."""

    for handler in (with_kwargs, without, with_kwargs):
        assert moto_speed.remembering_accepts_kwargs(handler) == accepts_kwargs(handler)
    assert botocore.hooks.accepts_kwargs is moto_speed.remembering_accepts_kwargs


def test_botocore_still_gives_every_emitter_its_own_alias_cache():
    """Workaround 3 is still needed: botocore's own EventAliaser starts with an empty cache of its own."""
    import botocore.hooks

    original = moto_speed._saved_alias_init or botocore.hooks.EventAliaser.__init__
    first, second = object.__new__(botocore.hooks.EventAliaser), object.__new__(botocore.hooks.EventAliaser)
    original(first, botocore.hooks.HierarchicalEmitter())
    original(second, botocore.hooks.HierarchicalEmitter())
    assert first._alias_name_cache == {} and first._alias_name_cache is not second._alias_name_cache
