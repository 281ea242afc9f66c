"""Load with wrk: precomputed, correctly signed Twilio SMS webhooks, many conversations."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.servers import TOKEN

# One realistic conversation: topics, an offer declined, a full refill, small talk.
CONVERSATION = [
    "hi", "what is nh", "is it genetic", "what are the chances it happens again",
    "does a new partner change the risk", "how does ivig work", "when does ivig start",
    "how much ivig will i get", "is ivig safe for the baby", "can i get help with my copay",
    "no thanks", "i need a refill", "7654321", "03/14/1990", "thanks",
    "what happens after the baby is born", "how long do the infusions last",
    "are you a real person", "thank you so much", "bye",
]

_LUA = r"""
local lines = {}
local next_index = 1
local thread_count = 1

function setup(thread)
  thread:set("id", thread_count - 1)
  thread_count = thread_count + 1
end

function init(args)
  local n = tonumber(args[2])
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == id then table.insert(lines, line) end
    i = i + 1
  end
end

function request()
  local line = lines[next_index]
  next_index = next_index + 1
  if next_index > #lines then next_index = 1 end
  local tab = string.find(line, "\t", 1, true)
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["X-Twilio-Signature"] = string.sub(line, 1, tab - 1)
  return wrk.format("POST", "/twilio/sms", headers, string.sub(line, tab + 1))
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("WRK_RESULT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d, "status_errors": %d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
  out:close()
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def signed_requests(port: int, conversations: int) -> list[str]:
    """Lines of `signature<TAB>body`, turn by turn across conversations (round robin),
    so requests in flight at once belong to different conversations."""
    url = f"http://127.0.0.1:{port}/twilio/sms"
    validator = RequestValidator(TOKEN)
    run = uuid.uuid4().hex[:6]
    lines = []
    for turn, text in enumerate(CONVERSATION):
        for conversation in range(conversations):
            sid = f"SM{run}{conversation:06d}{turn:04d}".ljust(34, "0")
            params = {
                "MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0" * 32,
                "From": f"+1555{int(run, 16) % 1000:03d}{conversation:04d}", "To": "+15005550006",
                "Body": text, "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01",
            }
            lines.append(f"{validator.compute_signature(url, params)}\t{urlencode(params)}")
    return lines


def run_wrk(port: int, *, connections: int, seconds: int, conversations: int) -> LoadResult:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is needed for the HTTP benchmarks (apt-get install wrk)")
    threads = 1 if connections == 1 else 2
    folder = tempfile.mkdtemp(prefix="nh-bench-wrk-")
    script = os.path.join(folder, "sms.lua")
    data = os.path.join(folder, "requests.txt")
    result = os.path.join(folder, "result.json")
    with open(script, "w") as handle:
        handle.write(_LUA)
    with open(data, "w") as handle:
        handle.write("\n".join(signed_requests(port, conversations)) + "\n")
    subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s",
         "-s", script, f"http://127.0.0.1:{port}/twilio/sms", "--", data, str(threads)],
        check=True, capture_output=True, env={**os.environ, "WRK_RESULT": result},
    )
    with open(result) as handle:
        raw = json.load(handle)
    shutil.rmtree(folder, ignore_errors=True)
    return LoadResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=raw["errors"] + raw["status_errors"],
    )
