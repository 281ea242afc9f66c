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
# Request lines only (our URLs carry no PHI); off unless asked for.
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
