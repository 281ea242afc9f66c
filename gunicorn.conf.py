"""gunicorn settings shared by the Procfile's `web` process and `python -m bot serve`."""

import os

bind = os.environ.get("BIND", "0.0.0.0:" + os.environ.get("PORT", "5005"))
# One more worker than cores: while one waits on Redis (which flushes every write to
# disk), another uses the CPU. Measured in BENCHMARKS.md.
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1)))
worker_class = "sync"
# Load the model and the rules once in the master; workers fork with them in memory.
preload_app = True
timeout = 30
graceful_timeout = 10
keepalive = 5
# Request lines only (our URLs carry no PHI); off unless asked for.
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"

# Prometheus counts in every worker add up on /metrics (multiprocess mode): each gunicorn
# master gets a directory of its own, emptied at start, and a worker's files are marked
# dead when it exits. Set before the app (and prometheus_client) is imported.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="nh-metrics-")


def on_starting(server):  # noqa: ARG001
    import pathlib

    for stale in pathlib.Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def child_exit(server, worker):  # noqa: ARG001
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # noqa: ARG001
    if _own_metrics_dir:
        import shutil

        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
