"""`python -m helpers decide`: readable text, the --json shape, and one line for a malformed request."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.policy.decide_command import run

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)
ARTICLE = [json.loads((ROOT / "policies" / f"{name}.json").read_text()) for name in ("s3policy", "cloudwatchpolicy")]
SESSION = "arn:aws:sts::123456789012:assumed-role/iamrole-test/i-0123456789abcdef0"


def article_request(action="s3:PutObject", resource="arn:aws:s3:::ut-wordpress-s3/test.txt"):
    """The course's instance role, with the article's two policies, asking for one action."""
    return {"action": action, "resource": resource, "principal": SESSION, "identity_policies": ARTICLE}


def decide_cli(tmp_path, payload, *options):
    """Run the command on a file holding `payload` (text or JSON data); return the finished process."""
    path = tmp_path / "requests.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return subprocess.run(
        [str(PYTHON), "-m", "helpers", "decide", *options, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_text_output_explains_the_decision(tmp_path):
    done = decide_cli(tmp_path, article_request())
    assert done.returncode == 0, done.stderr
    assert "Request 1: ALLOWED" in done.stdout
    assert "identity policy 1, statement 2 allows it" in done.stdout
    assert "Resource 'arn:aws:s3:::ut-wordpress-s3/*' matches arn:aws:s3:::ut-wordpress-s3/test.txt" in done.stdout


def test_json_is_one_array_in_request_order(tmp_path):
    requests = [
        article_request(),
        article_request("s3:DeleteBucket", "arn:aws:s3:::ut-wordpress-s3"),
        article_request("cloudwatch:PutMetricData", "*"),
    ]
    done = decide_cli(tmp_path, requests, "--json")
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert [a["decision"] for a in answers] == ["allowed", "implicitDeny", "allowed"]
    first = answers[0]
    assert first["deciding_statement"]["label"] == "identity policy 1, statement 2"
    assert [s["name"] for s in first["steps"]][:2] == ["explicit deny check", "RCPs"]
    assert {"name", "outcome", "detail", "statements"} <= set(first["steps"][0])
    assert first["policies"][0]["statements"][1]["resource_matched"] is True
    assert first["summary"].startswith("Allowed: s3:PutObject on arn:aws:s3:::ut-wordpress-s3/test.txt")
    assert answers[2]["deciding_statement"]["policy_label"] == "identity policy 2"


def test_json_conditions_carry_both_sides(tmp_path):
    request = article_request()
    request["identity_policies"] = [
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                }
            ],
        }
    ]
    request["context"] = {"aws:SourceIp": "198.51.100.9"}
    answer = json.loads(decide_cli(tmp_path, request, "--json").stdout)[0]
    condition = answer["policies"][0]["statements"][0]["conditions"][0]
    assert answer["decision"] == "implicitDeny"
    assert condition == {
        "operator": "IpAddress",
        "key": "aws:SourceIp",
        "request_values": ["198.51.100.9"],
        "policy_values": ["203.0.113.0/24"],
        "matched": False,
        "reason": "no value matches",
    }


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"action": "s3:GetObject", "resource": "*"}, "request 0: missing key 'principal'"),
        (
            [
                {"action": "s3:GetObject", "resource": "*", "principal": "anonymous"},
                {"action": "s3:GetObject", "resource": "*", "principal": "anonymous", "colour": "red"},
            ],
            "request 1: unknown key 'colour'",
        ),
        (
            {"action": "s3:GetObject", "resource": "*", "principal": "anonymous", "identity_policies": {}},
            "request 0: key 'identity_policies' must be a list of policies",
        ),
        ('{"action": ', "not valid JSON"),
    ],
)
def test_malformed_request_prints_one_line_and_exits_2(tmp_path, payload, message):
    done = decide_cli(tmp_path, payload, "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr
    assert "requests.json" in done.stderr and "Traceback" not in done.stderr


def test_unreadable_file(tmp_path):
    done = subprocess.run(
        [str(PYTHON), "-m", "helpers", "decide", str(tmp_path / "missing.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "cannot read the file" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_decide_imports_nothing_heavy(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(article_request()))
    code = (
        f"import sys, runpy; sys.argv = ['helpers', 'decide', '--json', {str(path)!r}]\n"
        "try:\n    runpy.run_module('helpers', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = {'pandas', 'boto3', 'botocore', 'moto', 'IPython', 'numpy', 'parliament'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)"
    )
    done = subprocess.run([str(PYTHON), "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stderr.strip() == "[]"


def test_run_in_process(tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(article_request("ec2:DescribeTags", "*")))
    assert run([str(path)], as_json=True) == 0
    assert json.loads(capsys.readouterr().out)[0]["decision"] == "allowed"


def test_lint_still_works():
    done = subprocess.run(
        [str(PYTHON), "-m", "helpers", "lint", "policies"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
