"""Measure the course against its targets, each next to a baseline measured in the same run.

    python3 tasks.py bench                  everything (the setup figure clones the repository
                                            and builds a fresh .venv: needs the package index)
    python3 tasks.py bench series aws       only some: series, aws, memory, setup

Figures (and the README's "Benchmarks" table) come from this script:

series  the whole series under strict nbval (`pytest --nbval notebooks/`) vs a floor of as many
        trivial notebooks that import boto3, pandas, ipywidgets and moto and make one call.
        Target: ratio <= 1.3. A second baseline gives each trivial notebook as many code cells
        as its chapter (the extra cells are `pass`): it prices nbval's round trip per cell, which
        the course pays whatever its cells do. Per-chapter seconds come from pytest's JUnit report.
aws     median latency of `%aws` commands in a started lab (chapter 05's state) vs a separate
        `aws` process running the same kind of command. Target: median <= 0.25 s.
memory  peak memory (max RSS) of a kernel that has run chapter 06 (the instance's denials) vs a
        kernel that ran the trivial notebook. Target: <= 300 MB.
decide, instance: the lab's evaluator (benchmarks/decisions.py).
setup   the README's setup command (`python3 tasks.py lab`) on a fresh clone until JupyterLab
        answers, vs the same command in an already-built checkout (JupyterLab's own start).
"""

import http.server
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
PYTHON = sys.executable
TRIVIAL_CELL = """\
import boto3, pandas, ipywidgets, moto
with moto.mock_aws():
    _identity = boto3.client("sts", region_name="us-east-1").get_caller_identity()
"""
# The article's read commands, run in chapter 05's state.
AWS_COMMANDS = [
    "sts get-caller-identity",
    "iam list-roles",
    "iam get-role --role-name umemoto-wordpress-role",
    "iam list-attached-role-policies --role-name umemoto-wordpress-role",
    "iam get-instance-profile --instance-profile-name umemoto-wordpress-profile",
    "iam list-policies --scope Local",
]
AWS_PROBE = r"""
import contextlib, io, json, statistics, sys, time
from helpers import lab
from helpers.cli import magics
commands, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
with contextlib.redirect_stdout(io.StringIO()):
    lab.start(chapter=5)
times = {}
for round_ in range(repeat + 1):
    for command in commands:
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            magics.run_text(command)
        times.setdefault(command, []).append(time.perf_counter() - start)
print(json.dumps(times))
"""
STS_RESPONSE = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/bench</Arn><UserId>AIDABENCH</UserId>
<Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""


def say(text=""):
    """Print progress at once."""
    print(text, flush=True)


def timed(command, **kwargs):
    """Run a command; return (seconds, CompletedProcess)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start, done


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine():
    """A one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory = float("nan")
    system = platform.platform(terse=True)
    try:
        system = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GB RAM, {system}, Python {platform.python_version()}, "
        f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"
    )


def trivial_notebooks(folder, cells_per_notebook):
    """Write one trivial notebook per entry (imports + one moto call, then `pass` cells) into folder."""
    for number, cells in enumerate(cells_per_notebook):
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
        notebook.cells = [nbformat.v4.new_code_cell(TRIVIAL_CELL)]
        notebook.cells += [nbformat.v4.new_code_cell("pass") for _ in range(cells - 1)]
        nbformat.write(notebook, folder / f"{number:02d}-Trivial.ipynb")


def code_cells(path):
    """How many code cells a notebook has."""
    return sum(cell.cell_type == "code" for cell in nbformat.read(path, as_version=4).cells)


def nbval(paths, cwd):
    """(seconds, {notebook name: seconds}) for strict nbval over paths (says so if a notebook fails)."""
    report = Path(cwd) / ".bench-junit.xml"
    seconds, done = timed(
        [
            PYTHON,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--junitxml={report}",
            *map(str, paths),
        ],
        cwd=cwd,
    )
    if done.returncode:
        say(done.stdout[-3000:])
        say(f"  (nbval failed in {cwd}: the figure still counts the time)")
    per_notebook = {}
    for case in ElementTree.parse(report).iter("testcase"):
        name = ".".join(case.get("classname").split(".")[-2:])  # "notebooks.05-X.ipynb" -> "05-X.ipynb"
        per_notebook[name] = per_notebook.get(name, 0.0) + float(case.get("time"))
    report.unlink()
    return seconds, per_notebook


def best_of(repeat, paths, cwd):
    """The fastest of `repeat` nbval runs: (seconds, per-notebook seconds)."""
    return min((nbval(paths, cwd) for _ in range(repeat)), key=lambda run: run[0])


def bench_series(results, repeat):
    """The whole series under strict nbval vs as many trivial notebooks (with one cell, and with as many cells)."""
    say(f"series: {len(NOTEBOOKS)} notebooks under strict nbval, best of {repeat}")
    cells = [code_cells(path) for path in NOTEBOOKS]
    with tempfile.TemporaryDirectory() as folder:
        trivial_notebooks(Path(folder), [1] * len(NOTEBOOKS))
        floor, floor_each = best_of(repeat, sorted(Path(folder).glob("*.ipynb")), folder)
    with tempfile.TemporaryDirectory() as folder:
        trivial_notebooks(Path(folder), cells)
        celled, celled_each = best_of(repeat, sorted(Path(folder).glob("*.ipynb")), folder)
    series, series_each = best_of(repeat, NOTEBOOKS, ROOT)
    ratio = series / floor
    say(f"  course {series:.1f} s, floor {floor:.1f} s, ratio {ratio:.2f} (target <= 1.3)")
    say(
        f"  floor with the course's {sum(cells)} code cells: {celled:.1f} s (ratio {celled / floor:.2f} "
        f"before any cell does work); at 1.3 the course's own work may take {1.3 * floor - celled:.1f} s"
    )
    chapters = {}
    for number, path in enumerate(NOTEBOOKS):
        trivial = f"{number:02d}-Trivial.ipynb"
        chapters[path.name] = {
            "code_cells": cells[number],
            "course_s": series_each.get(path.name, 0.0),
            "floor_s": floor_each.get(trivial, 0.0),
            "floor_same_cells_s": celled_each.get(trivial, 0.0),
        }
        say(
            f"    {path.name:32} {cells[number]:3} cells  course {chapters[path.name]['course_s']:5.2f} s  "
            f"trivial {chapters[path.name]['floor_s']:4.2f} s  trivial with as many cells "
            f"{chapters[path.name]['floor_same_cells_s']:4.2f} s"
        )
    results["series"] = {
        "notebooks": len(NOTEBOOKS),
        "course_s": series,
        "floor_s": floor,
        "ratio": ratio,
        "floor_same_cells_s": celled,
        "budget_at_target_s": 1.3 * floor - celled,
        "chapters": chapters,
        "target": 1.3,
        "met": ratio <= 1.3,
    }


class _StsStub(http.server.BaseHTTPRequestHandler):
    """Answers any request with a GetCallerIdentity response (the separate `aws` process's server)."""

    def do_POST(self):
        """Read the request and answer with the fixed GetCallerIdentity response."""
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(STS_RESPONSE)))
        self.end_headers()
        self.wfile.write(STS_RESPONSE)

    def log_message(self, *args):
        """Log nothing: the benchmark's output stays its figures."""


def bench_aws(results, repeat):
    """Median %aws latency in a started lab vs a separate `aws` process."""
    say(f"aws: {len(AWS_COMMANDS)} %aws commands x {repeat} (after one warm-up round)")
    _, done = timed([PYTHON, "-c", AWS_PROBE, json.dumps(AWS_COMMANDS), str(repeat)], cwd=ROOT / "notebooks")
    if done.returncode:
        raise SystemExit(f"%aws probe failed:\n{done.stderr[-3000:]}")
    times = json.loads(done.stdout.strip().splitlines()[-1])
    first = times[AWS_COMMANDS[0]][0]
    steady = [t for command in AWS_COMMANDS for t in times[command][1:]]
    median = statistics.median(steady)
    sts_median = statistics.median(times["sts get-caller-identity"][1:])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StsStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    aws = Path(PYTHON).with_name("aws")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="ap-northeast-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    process = []
    for _ in range(repeat):
        seconds, done = timed(
            [str(aws), "sts", "get-caller-identity", "--endpoint-url", f"http://127.0.0.1:{server.server_address[1]}"],
            env=env,
        )
        if done.returncode:
            raise SystemExit(f"separate aws process failed:\n{done.stderr[-2000:]}")
        process.append(seconds)
    server.shutdown()
    separate = statistics.median(process)
    say(
        f"  %aws median {median:.3f} s (sts get-caller-identity {sts_median:.3f} s; first command "
        f"{first:.3f} s); separate aws process {separate:.3f} s (target <= 0.25 s)"
    )
    results["aws"] = {
        "median_s": median,
        "sts_median_s": sts_median,
        "first_s": first,
        "separate_process_s": separate,
        "samples": len(steady),
        "target": 0.25,
        "met": median <= 0.25,
    }


def kernel_peak_mb(paths):
    """Run notebooks one after another in one fresh kernel; return the kernel's peak RSS in MB."""
    from nbclient import NotebookClient

    probe = nbformat.v4.new_code_cell("import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    cells = []
    for path in paths:
        cells += nbformat.read(path, as_version=4).cells
    notebook = nbformat.v4.new_notebook(cells=cells + [probe])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(paths[0].parent)}}
    )
    client.execute()
    return int(notebook.cells[-1].outputs[0]["text"].strip()) / 1024  # Linux reports KiB


def bench_memory(results):
    """Peak kernel memory after the instance chapter (06) vs after the trivial notebook."""
    chapter5 = [p for p in NOTEBOOKS if p.name.startswith("06-")]
    say("memory: kernel peak RSS")
    with tempfile.TemporaryDirectory() as folder:
        trivial_notebooks(Path(folder), [1])
        floor = kernel_peak_mb([Path(folder) / "00-Trivial.ipynb"])
    alone = kernel_peak_mb(chapter5)
    series = kernel_peak_mb([p for p in NOTEBOOKS if p.name[:2] <= "06"])
    say(
        f"  chapter 06 on a fresh kernel {alone:.0f} MB; chapters 00-06 in one kernel {series:.0f} MB; "
        f"trivial notebook {floor:.0f} MB (target <= 300 MB)"
    )
    results["memory"] = {
        "chapter06_mb": alone,
        "chapters00_06_one_kernel_mb": series,
        "floor_mb": floor,
        "target": 300,
        "met": alone <= 300,
    }


def until_jupyterlab_answers(checkout, timeout=1800):
    """Seconds from `python3 tasks.py lab` in checkout until JupyterLab answers /api/status."""
    port, token = free_port(), "bench"
    env = dict(
        os.environ,
        JUPYTER_PORT=str(port),
        JUPYTER_TOKEN=token,
        BROWSER="true",
        JUPYTER_CONFIG_DIR=str(checkout / ".bench-jupyter"),
    )
    log = (checkout / ".bench-lab.log").open("w")
    start = time.perf_counter()
    process = subprocess.Popen(
        [shutil.which("python3") or "python3", "tasks.py", "lab"],
        cwd=checkout,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2):
                    return time.perf_counter() - start
            except OSError:
                pass
            if process.poll() is not None or time.perf_counter() - start > timeout:
                log.close()
                raise SystemExit(
                    f"`python3 tasks.py lab` did not answer:\n{(checkout / '.bench-lab.log').read_text()[-3000:]}"
                )
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def bench_setup(results):
    """The README's setup command on a fresh clone until JupyterLab answers."""
    say("setup: `python3 tasks.py lab` on a fresh clone (builds .venv from requirements.lock)")
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        fresh = until_jupyterlab_answers(clone)
        built = until_jupyterlab_answers(clone)
    say(f"  fresh clone {fresh:.0f} s; the same command with .venv built {built:.1f} s")
    results["setup"] = {"fresh_clone_s": fresh, "built_env_s": built}


def main(argv):
    """Run the chosen benchmarks (all by default); print figures and a JSON summary."""
    from benchmarks import decisions

    chosen = argv or ["series", "aws", "decide", "instance", "memory", "setup"]
    results = {"machine": machine()}
    say(f"machine: {results['machine']}")
    if "series" in chosen:
        bench_series(results, repeat=int(os.environ.get("BENCH_REPEAT", "1")))
    if "aws" in chosen:
        bench_aws(results, repeat=10)
    if "decide" in chosen:
        decisions.bench_decide(results, say)
    if "instance" in chosen:
        decisions.bench_instance(results, say)
    if "memory" in chosen:
        bench_memory(results)
    if "setup" in chosen:
        bench_setup(results)
    say(json.dumps(results, indent=2))
    return 0 if all(v.get("met", True) for v in results.values() if isinstance(v, dict)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
