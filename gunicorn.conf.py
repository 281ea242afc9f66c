"""gunicorn settings shared by the Procfile's `web` process and `python -m bot serve`."""

import os

# Loopback unless told otherwise: behind a proxy on the same host nothing else needs
# to reach the app. A load balancer elsewhere needs BIND=0.0.0.0:$PORT, and then
# TRUSTED_PROXY_HOPS must say how many proxies stand in front (see the README).
bind = os.environ.get("BIND") or "127.0.0.1:" + (os.environ.get("PORT") or "5005")
# One more worker than cores: while one waits on Redis (which flushes every write to
# disk), another uses the CPU. Measured in BENCHMARKS.md.
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1)))
worker_class = "sync"
# Load the model and the rules once in the master; workers fork with them in memory.
preload_app = True
timeout = 30
graceful_timeout = 10
keepalive = 5
# Off unless asked for (ACCESS_LOG=- for stdout, or a file). Paths only: a query string
# can hold what a client put there (a ?token=, a phone number), and so can the Referer.
# Named numbers: side by side, status, size and time would read as a phone number.
accesslog = os.environ.get("ACCESS_LOG") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" status=%(s)s bytes=%(b)s ms=%(M)s'
errorlog = "-"
# gunicorn's own loggers get the PHI filter the app's logs have (bot/gunicorn_logging.py).
logger_class = "bot.gunicorn_logging.RedactedLogger"

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
