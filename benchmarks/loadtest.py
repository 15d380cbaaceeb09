"""Load test of the class hub: N learners at once, each running the chapters in their own kernels.

    python3 tasks.py loadtest --learners 10               (as root; takes several minutes)
    python3 tasks.py loadtest --learners 4 --no-cull --mem-limit 4G

Starts the hub (workshop/hubctl.py) on 127.0.0.1, creates N learners through the hub's
REST API and starts all their servers at once. Then every learner, in a thread of its
own, opens each chapter as JupyterLab does (a session: a new kernel in the notebook's
folder) and runs its code cells in order over the Jupyter protocol (websocket channels,
through the proxy, with the learner's own token), pausing a random "think time" between
cells; a chapter's kernel is left running when the learner moves on, as a notebook tab
left open. Memory is sampled meanwhile (the proportional set size, PSS, of every process
each learner's account runs: server and kernels), and once more after the idle culler
had its chance.

Reported: time until every server was up; cell latency p50/p95/max (all cells, and
without each chapter's setup cell); errors (must be 0); memory per learner (peak, held
at the end, after culling) and the machine's used memory. --json FILE keeps the figures.
The hub, the learners' processes and their accounts are removed at the end, whatever happens.
"""

import argparse
import json
import os
import platform
import pwd
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workshop import hubctl
from workshop.kernels import Kernel

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
KERNEL_MB = 300  # a chapter's kernel, for the memory guard below
SERVER_MB = 100


class Parser(argparse.ArgumentParser):
    """argparse reporting a bad option in one line."""

    def error(self, message):
        """One line, exit code 2."""
        self.exit(2, f"tasks.py loadtest: {message} (see python3 tasks.py loadtest --help)\n")


def positive(text):
    """A whole number >= 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 1")
    return int(text)


def seconds(text):
    """A number of seconds >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds >= 0")
    return value


def chapters(text):
    """Chapter numbers like 01,02,05 -> their notebook names."""
    wanted = [part.strip().zfill(2) for part in text.split(",") if part.strip()]
    found = [name for number in wanted for name in CHAPTERS if name.startswith(number + "-")]
    if len(found) != len(wanted) or not found:
        raise argparse.ArgumentTypeError(f"{text!r}: chapters are {', '.join(n[:2] for n in CHAPTERS)}")
    return found


def parse(argv):
    """The load test's options."""
    parser = Parser(prog="python3 tasks.py loadtest", description="N learners through the class hub at once.")
    parser.add_argument("--learners", type=positive, default=10, help="how many learners at once (default 10)")
    parser.add_argument("--chapters", type=chapters, default=CHAPTERS, help="e.g. 01,02,05 (default: all)")
    parser.add_argument(
        "--think",
        type=seconds,
        default=5.0,
        help="mean seconds a learner pauses between cells (uniform 0..2x; default 5)",
    )
    parser.add_argument("--no-cull", action="store_true", help="no kernel culling (kernels stay until the end)")
    parser.add_argument(
        "--cull-kernels",
        type=positive,
        default=40,
        help="idle seconds before a kernel is culled (default 40: the 20 minutes of the class hub scaled down "
        "with the think time, and still past a 10 s pause after a kernel start on a busy machine)",
    )
    parser.add_argument("--mem-limit", default="2G", help="memory cap per learner, as the hub takes it (0: none)")
    parser.add_argument("--seed", type=int, default=13, help="seed of the think times")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def code_cells(name):
    """The code cells of a chapter, in order."""
    notebook = json.loads((ROOT / "notebooks" / name).read_text())
    return [
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]


def pss_mb(pid):
    """A process's proportional set size in MB (shared pages split among their users), 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory_by_learner(uids):
    """{uid: MB} summed over every process each learner account runs."""
    totals = dict.fromkeys(uids, 0.0)
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                uid = proc.stat().st_uid
            except OSError:
                continue
            if uid in totals:
                totals[uid] += pss_mb(proc.name)
    return totals


def used_mb():
    """The machine's used memory (MemTotal - MemAvailable) in MB."""
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) / 1024


class Sampler(threading.Thread):
    """Samples learners' memory every two seconds; keeps each learner's peak."""

    def __init__(self, uids):
        """Learners' account ids."""
        super().__init__(daemon=True)
        self.uids, self.peak, self.peak_used, self.done = uids, dict.fromkeys(uids, 0.0), 0.0, threading.Event()

    def run(self):
        """Sample until stopped."""
        while not self.done.wait(2):
            for uid, mb in memory_by_learner(self.uids).items():
                self.peak[uid] = max(self.peak[uid], mb)
            self.peak_used = max(self.peak_used, used_mb())


def learner(hub, name, token, options, rng):
    """One learner: every chapter in a kernel of their own server, cell by cell with think time."""
    latencies, errors = [], []
    for chapter in options.chapters:
        try:
            kernel = Kernel(f"{hub.url}/user/{name}", token, f"iam-role-lab/notebooks/{chapter}", timeout=300)
        except Exception as error:
            errors.append(f"{name} {chapter}: no kernel ({type(error).__name__}: {error})")
            continue
        for index, code in enumerate(code_cells(chapter)):
            time.sleep(rng.uniform(0, 2 * options.think))
            try:
                result = kernel.execute(code)
            except Exception as error:
                errors.append(f"{name} {chapter} cell {index}: {type(error).__name__}: {error}")
                break
            latencies.append((chapter, index, result.seconds))
            if not result.ok:
                errors.append(f"{name} {chapter} cell {index}: {result.error or result.status}")
        kernel.ws.close()  # the tab stays open in spirit: the kernel keeps running until culled
    return latencies, errors


def start_all(hub, names, timeout=300):
    """Start every learner's server at once; seconds until the last was ready."""
    started = time.perf_counter()
    with ThreadPoolExecutor(len(names)) as pool:
        list(pool.map(lambda n: hub.api("POST", f"/users/{n}/server", timeout=timeout), names))
    waiting = set(names)
    while waiting and time.perf_counter() - started < timeout:
        waiting = {n for n in waiting if not hub.api("GET", f"/users/{n}")["servers"].get("", {}).get("ready")}
        time.sleep(0.25)
    if waiting:
        raise hubctl.HubError(f"servers not ready within {timeout} s: {', '.join(sorted(waiting))}")
    return time.perf_counter() - started


def percentile(values, share):
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else float("nan")


def learner_python(venv):
    """The version of the Python learners' servers run."""
    return (
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        + f" ({venv.name})"
    )


def guard(options):
    """Refuse a run that would not fit in this machine's memory (one line)."""
    kernels = 2 if not options.no_cull else len(options.chapters)
    need = options.learners * (SERVER_MB + kernels * KERNEL_MB)
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    available = int(info["MemAvailable"].split()[0]) / 1024
    if need > 0.85 * available:
        sys.exit(
            f"tasks.py loadtest: {options.learners} learners would need about {need / 1024:.1f} GB "
            f"({'no culling: ' if options.no_cull else ''}{kernels} kernels each), more than the "
            f"{available / 1024:.1f} GB this machine has free; use fewer --learners"
        )


def class_hub(options, state, homes):
    """The hub as the load test runs it (the board on, server culling off, kernel culling as asked)."""
    return hubctl.Hub(
        state=state,
        port=hubctl.free_port(),
        admin_token=secrets.token_hex(24),
        home_base=homes,
        mem_limit="" if options.mem_limit == "0" else options.mem_limit,
        board=True,
        cull_kernels=0 if options.no_cull else options.cull_kernels,
        cull_servers=0,
        log=state / "jupyterhub.log",
    )


def run_learners(hub, names, tokens, options):
    """Every learner at once, each in a thread; [(latencies, errors)] and the seconds it took."""
    rng = random.Random(options.seed)
    seeds = [random.Random(rng.random()) for _ in names]
    began = time.perf_counter()
    with ThreadPoolExecutor(len(names)) as pool:
        results = list(
            pool.map(lambda a: learner(hub, a[0], tokens[a[0]], options, a[1]), zip(names, seeds, strict=True))
        )
    return results, time.perf_counter() - began


def latency_figures(results):
    """p50/p95/max of every cell, of the cells after each chapter's setup cell, and of the setup cells."""
    every = [s for r in results for _, _, s in r[0]]
    later = [s for r in results for _, index, s in r[0] if index > 0]
    setups = [s for r in results for _, index, s in r[0] if index == 0]
    errors = [e for r in results for e in r[1]]
    return {
        "cells": len(every),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_s": round(percentile(every, 0.5), 3),
        "p95_s": round(percentile(every, 0.95), 3),
        "max_s": round(max(every, default=float("nan")), 3),
        "p50_after_setup_s": round(percentile(later, 0.5), 3),
        "p95_after_setup_s": round(percentile(later, 0.95), 3),
        "p95_setup_cells_s": round(percentile(setups, 0.95), 3),
    }


def machine():
    """Cores, memory and system of this machine."""
    total = int(Path("/proc/meminfo").read_text().split()[1]) / 1024**2
    return f"{os.cpu_count()} CPUs, {round(total)} GB, {platform.platform()}"


KEPT_LOG = Path(__file__).resolve().parent.parent / "artifacts" / "loadtest-jupyterhub.log"


def keep_log(log, kept=KEPT_LOG):
    """Keep the hub's log (the learners' servers write to it too) after the run, to read what failed."""
    if log.exists():
        kept.parent.mkdir(exist_ok=True)
        shutil.copyfile(log, kept)


def run(options):
    """The whole load test; returns the figures. Always removes the hub, the accounts and their homes."""
    guard(options)
    state = Path(tempfile.mkdtemp(prefix="iamlab-loadtest-"))
    homes = Path(tempfile.mkdtemp(prefix="iamlab-homes-"))
    homes.chmod(0o755)
    names = [f"load{secrets.token_hex(2)}-{i:02d}" for i in range(options.learners)]
    hub = class_hub(options, state, homes)
    try:
        hub.start()
        before = used_mb()
        hub.api("POST", "/users", {"usernames": names})
        tokens = {n: hub.api("POST", f"/users/{n}/tokens", {"note": "load test"})["token"] for n in names}
        up = start_all(hub, names)
        uids = [pwd.getpwnam(n).pw_uid for n in names]
        idle_servers = statistics.mean(memory_by_learner(uids).values())
        sampler = Sampler(uids)
        sampler.start()
        results, took = run_learners(hub, names, tokens, options)
        held, held_used = memory_by_learner(uids), used_mb()
        if not options.no_cull:  # give jupyter-server's culler its timeout and two rounds
            time.sleep(options.cull_kernels + max(5, min(60, options.cull_kernels // 4)) * 2 + 2)
        after = memory_by_learner(uids)
        sampler.done.set()
        return {
            "learners": options.learners,
            "chapters": [c[:2] for c in options.chapters],
            "think_s": options.think,
            "culling": not options.no_cull,
            "cull_kernels_s": 0 if options.no_cull else options.cull_kernels,
            "mem_limit": options.mem_limit,
            "servers_up_s": round(up, 1),
            "run_s": round(took, 1),
            **latency_figures(results),
            "mb_per_learner_idle_server": round(idle_servers),
            "mb_per_learner_peak": round(statistics.mean(sampler.peak.values())),
            "mb_per_learner_max_peak": round(max(sampler.peak.values())),
            "mb_per_learner_at_end": round(statistics.mean(held.values())),
            "mb_per_learner_after_cull_wait": round(statistics.mean(after.values())),
            "machine_used_mb_before": round(before),
            "machine_used_mb_peak": round(sampler.peak_used),
            "machine_used_mb_at_end": round(held_used),
            "machine": machine(),
            "learners_python": learner_python(hub.learner_venv),
        }
    finally:
        hub.stop(learners=names)
        keep_log(state / "jupyterhub.log")
        hubctl.remove_accounts(names)
        shutil.rmtree(homes, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)


def main(argv=None):
    """Run, print the figures (and write them with --json)."""
    options = parse(sys.argv[1:] if argv is None else argv)
    try:
        figures = run(options)
    except hubctl.HubError as error:
        sys.exit(f"tasks.py loadtest: {error}")
    for key, value in figures.items():
        print(f"{key:32} {value}")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
