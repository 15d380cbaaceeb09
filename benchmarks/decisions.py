"""Figures for the lab's policy evaluator (issue 11): one decision, and an `aws` command on the instance.

decide    the median time of one decision of helpers.policy.evaluate with the article's policies
          (s3:PutObject on ut-wordpress-s3/test.txt by the instance's role session), request parsing
          included, next to the same decision's parsing alone. Target: median <= 1 ms.
instance  the median latency of the article's `aws` commands on the instance (every request decided
          by the lab's evaluator), next to the same commands as the administrator through %aws
          (moto's checks off). Target: median <= 0.05 s.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLE_SESSION = "arn:aws:sts::123456789012:assumed-role/umemoto-wordpress-role/i-0123456789abcdef0"
DECIDE_PROBE = r"""
import json, statistics, sys, time
from pathlib import Path
from helpers.policy.evaluate import decide
from helpers.policy.request import Request
policies = [json.loads(Path(f"policies/{n}.json").read_text()) for n in ("s3policy", "cloudwatchpolicy")]
data = {"action": "s3:PutObject", "resource": "arn:aws:s3:::ut-wordpress-s3/test.txt",
        "principal": sys.argv[1], "identity_policies": policies,
        "context": {"aws:SourceIp": "198.51.100.7", "aws:SecureTransport": "true"}}
assert decide(Request.from_dict(data)).decision == "allowed"
whole, parse = [], []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); request = Request.from_dict(data); p = time.perf_counter()
    decide(request); d = time.perf_counter()
    parse.append(p - t); whole.append(d - t)
print(json.dumps({"whole": statistics.median(whole), "parse": statistics.median(parse)}))
"""
INSTANCE_PROBE = r"""
import contextlib, io, json, statistics, sys, time
from helpers import lab
from helpers.cli import magics
from helpers.instance import session
commands, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
with contextlib.redirect_stdout(io.StringIO()):
    lab.start(chapter=6)
    me = session.login("iamrole-test")
    me.run("touch test.txt")
def timed(run, command):
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        run(command)
    return time.perf_counter() - start
instance, admin = [], []
for round_ in range(repeat + 1):
    for command in commands:
        a, b = timed(me.run, "aws " + command), timed(magics.run_text, command)
        if round_:
            instance.append(a); admin.append(b)
print(json.dumps({"instance": statistics.median(instance), "admin": statistics.median(admin)}))
"""
INSTANCE_COMMANDS = [
    "s3 cp test.txt s3://ut-wordpress-s3",
    "s3 ls s3://ut-wordpress-s3",
    "s3 cp s3://ut-wordpress-s3/test.txt ./copy.txt",
    "sts get-caller-identity",
    "ec2 describe-tags --filters Name=key,Values=Name",
    "cloudwatch put-metric-data --namespace IAMRoleLab --metric-name M --value 1",
]


def probe(code, *args):
    """Run a probe in a fresh process of this environment; return its JSON answer."""
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"probe failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_decide(results, say):
    """Median time of one decision with the article's policies."""
    found = probe(DECIDE_PROBE, ROLE_SESSION, "2000")
    say(f"decide: median {found['whole'] * 1e3:.3f} ms per decision ({found['parse'] * 1e3:.3f} ms of it parsing)"
        " (target <= 1 ms)")  # fmt: skip
    results["decide"] = {"median_ms": found["whole"] * 1e3, "parse_ms": found["parse"] * 1e3, "target": 1.0,
                         "met": found["whole"] * 1e3 <= 1.0}  # fmt: skip


def bench_instance(results, say, repeat=10):
    """Median `aws` command on the instance vs the same through %aws as the administrator."""
    found = probe(INSTANCE_PROBE, json.dumps(INSTANCE_COMMANDS), str(repeat))
    say(f"instance: `aws` on the instance median {found['instance']:.3f} s; the same as the administrator "
        f"{found['admin']:.3f} s (target <= 0.05 s)")  # fmt: skip
    results["instance"] = {"median_s": found["instance"], "admin_median_s": found["admin"], "target": 0.05,
                           "met": found["instance"] <= 0.05}  # fmt: skip
