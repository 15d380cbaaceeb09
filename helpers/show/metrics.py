"""The custom CloudWatch metric the instance publishes, read back and plotted (chapter 06).

The article's CloudWatch policy (cloudwatch:PutMetricData + ec2:DescribeTags) is
what an instance needs to publish its own metrics, e.g. memory use, which EC2
does not measure by itself, with its Name tag as a dimension. The instance may
only publish: reading the metric back is done here as the administrator.
"""

import datetime as dt
import logging

from helpers.aws import backend
from helpers.course.frames import Table

NAMESPACE = "IAMRoleLab"  # custom namespaces must not start with "AWS/"
METRIC = "MemoryUtilization"
UNIT = "Percent"
SAMPLE = [21.5, 23.0, 22.4, 35.8, 30.1]  # five one-minute readings, made up for the lab


def sample_times(count=None):
    """ISO timestamps one minute apart (one per SAMPLE reading unless `count`), ending at the current minute (UTC)."""
    count = len(SAMPLE) if count is None else count
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    return [(now - dt.timedelta(minutes=count - 1 - n)).strftime("%Y-%m-%dT%H:%M:%SZ") for n in range(count)]


def read_back(instance_name, minutes=60):
    """The metric's one-minute averages for one instance, oldest first (as the administrator)."""
    now = dt.datetime.now(dt.timezone.utc)
    points = backend.client("cloudwatch").get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=METRIC,
        Dimensions=[{"Name": "InstanceName", "Value": instance_name}],
        StartTime=now - dt.timedelta(minutes=minutes),
        EndTime=now + dt.timedelta(minutes=1),
        Period=60,
        Statistics=["Average"],
    )["Datapoints"]
    points = sorted(points, key=lambda p: p["Timestamp"])
    rows = [{"Minute": n, "Average": p["Average"], "Unit": p["Unit"]} for n, p in enumerate(points)]
    return Table(rows, columns=["Minute", "Average", "Unit"])


def plot(frame, instance_name):
    """A line chart of the read-back metric."""
    logging.getLogger("matplotlib").setLevel(logging.ERROR)  # no font-cache notices on stderr
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(frame["Minute"], frame["Average"], marker="o")
    ax.set_title(f"{NAMESPACE} / {METRIC}, InstanceName={instance_name}")
    ax.set_xlabel("minute")
    ax.set_ylabel(UNIT)
    ax.set_ylim(0, 100)
    fig.tight_layout()
    plt.show()
