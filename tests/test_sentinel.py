"""REDIS_URL naming a Redis Sentinel set-up, for every process: the URL forms an operator
writes, a clear start-up error for one that cannot work, the CLI and the custom actions'
services on a real Sentinel set-up, and refills and opt-outs that wait for a replica."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console.users import StaffUsers
from bot.parts import action_services_from_environment, build_parts
from bot.records.keys import Keys
from bot.records.redis_url import RedisUrlError, SentinelTarget, check_url, parse_sentinel_url
from bot.settings import SettingsError
from tests.chat import REPO
from tests.conftest import make_settings
from tests.sentinel_cluster import MASTER_NAME, SentinelCluster


# -- the URL -------------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "target"), [
    ("redis+sentinel://s1:26379,s2:26380/mymaster/2",
     SentinelTarget((("s1", 26379), ("s2", 26380)), "mymaster", 2)),
    ("redis+sentinel://:s3cr%40t@10.0.0.5,10.0.0.6:26379/mymaster",
     SentinelTarget((("10.0.0.5", 26379), ("10.0.0.6", 26379)), "mymaster", 0, password="s3cr@t")),
    ("rediss+sentinel://bot:pw@[::1]:26379/m/0?sentinel_password=sp",
     SentinelTarget((("::1", 26379),), "m", 0, True, "bot", "pw", "sp")),
])
def test_sentinel_urls_as_an_operator_writes_them(url, target):
    assert parse_sentinel_url(url) == target


@pytest.mark.parametrize(("url", "message"), [
    ("redis+sentinel://s1:26379", "ends with /<master-name>"),
    ("redis+sentinel:///mymaster/0", "at least one sentinel"),
    ("redis+sentinel://s1:port/mymaster", "port must be a number"),
    ("redis+sentinel://s1/mymaster/zero", "database must be a number"),
    ("redis+sentinel://s1/mymaster/0?ssl=yes", "unknown Sentinel URL option 'ssl'"),
    ("sentinel://s1/mymaster", "must start with redis://"),
])
def test_a_url_that_cannot_work_is_refused_at_start_up_naming_the_variable(url, message):
    with pytest.raises(RedisUrlError, match=message):
        check_url(url)
    with pytest.raises(SettingsError, match="REDIS_URL") as refused:
        make_settings(url)
    assert "pw" not in str(refused.value)


@pytest.mark.parametrize("url", ["redis://localhost:6379/0", "rediss://:pw@cache:6380/1",
                                 "unix:///run/redis.sock?db=2"])
def test_plain_urls_are_taken_as_before(url):
    check_url(url)
    assert make_settings(url).redis_url == url


def test_a_failed_url_never_shows_its_password():
    with pytest.raises(RedisUrlError) as refused:
        check_url("redis+sentinel://:hunter2@s1:x/mymaster")
    assert "hunter2" not in str(refused.value)


# -- real processes on a real Sentinel set-up ----------------------------------------------
@pytest.fixture(scope="module")
def cluster() -> Iterator[SentinelCluster]:
    cluster = SentinelCluster(Path(tempfile.mkdtemp(prefix="nh-sn-")), replicas=1)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.mark.slow
def test_the_cli_and_the_actions_use_the_sentinels_master(cluster, monkeypatch):
    env = {**os.environ, "REDIS_URL": cluster.url, "REDIS_KEY_PREFIX": "sn:"}
    added = subprocess.run([sys.executable, "-m", "bot", "staff", "add", "dana"], cwd=REPO,
                           env=env, input="correct horse battery\n", capture_output=True,
                           text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    master = cluster.master().client()
    assert StaffUsers(master, Keys("sn:")).check("dana", "correct horse battery")

    # A rasa_sdk action server builds its services from the same environment.
    monkeypatch.setenv("REDIS_URL", cluster.url)
    monkeypatch.setenv("REDIS_KEY_PREFIX", "sn:")
    monkeypatch.setenv("BOT_ENV", "test")
    services = action_services_from_environment()
    refill = services.refills.create(phone="+15554800001", prescription_number="4412345",
                                     date_of_birth="1990-03-14", channel="twilio_sms")
    assert master.hget(Keys("sn:").refill(refill.reference), "reference") == refill.reference.encode()
    host, port = cluster.watchers[0].client().sentinel_get_master_addr_by_name(MASTER_NAME)
    assert int(port) == cluster.master().port


@pytest.mark.slow
def test_refills_and_opt_outs_wait_for_a_replica_and_say_so_when_none_answers(
        engine, caplog):
    cluster = SentinelCluster(Path(tempfile.mkdtemp(prefix="nh-sw-")), replicas=1)
    try:
        cluster.start()
        settings = make_settings(cluster.url, REDIS_WAIT_REPLICAS="1", REDIS_WAIT_TIMEOUT_MS="200")
        parts = build_parts(settings, engine=engine)
        replica = next(node for node in cluster.nodes if node is not cluster.master())
        filed = parts.refills.create(phone="+15554800002", prescription_number="4412346",
                                     date_of_birth="1990-03-14", channel="twilio_sms")
        # The replica acknowledged it: it would survive the master's death.
        assert replica.client().exists(parts.keys.refill(filed.reference))
        assert "on the master only" not in caplog.text

        replica.process.kill()
        replica.process.wait()
        with caplog.at_level(logging.ERROR):
            alone = parts.refills.create(phone="+15554800003", prescription_number="4412347",
                                         date_of_birth="1990-03-14", channel="twilio_sms")
            parts.consent.opt_out("+15554800003", "keyword")
        assert parts.refills.get(alone.reference) is not None  # the write stands
        assert parts.consent.is_opted_out("+15554800003")
        assert f"refill {alone.reference} is on the master only" in caplog.text
        assert "opt-out (keyword) is on the master only" in caplog.text
        scrape = parts.metrics.exposition().decode()
        assert 'nh_unreplicated_writes_total{record="refill"} 1.0' in scrape
        assert 'nh_unreplicated_writes_total{record="opt-out"} 1.0' in scrape
    finally:
        cluster.stop()
        shutil.rmtree(cluster.folder, ignore_errors=True)
