"""No PHI in the logs. Every log record of the session, and the output of every server
and worker process the tests start, is checked at the end of the session against what
the tests sent (tests/sensitive.py, tests/conftest.py). Here: the watch itself finds what
it must find, and the paths most likely to leak (refills by text and by phone,
emergencies, Redis gone) leave nothing, even at DEBUG level.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import create_app
from bot.logs import RedactingFilter
from bot.parts import build_parts
from tests.conftest import AUTH_TOKEN, make_settings
from tests.helpers import TwilioClient, sms_params
from tests.sensitive import LOGS, MESSAGE, SENSITIVE, LogCapture, SensitiveValues
from tests.voice_caller import VoiceCaller


@pytest.fixture()
def planted() -> Iterator[tuple[logging.Logger, LogCapture]]:
    """A logger of its own: what is planted here must not reach the session's capture."""
    logger = logging.getLogger("tests.planted")
    capture = LogCapture()
    logger.addHandler(capture)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, capture
    logger.removeHandler(capture)
    logger.propagate = True


# -- the watch ----------------------------------------------------------------------------------
def test_the_watch_finds_a_message_a_number_a_birth_date_and_a_prescription(planted):
    logger, capture = planted
    values = SensitiveValues()
    values.add_request(sms_params("my baby has had a fever since tuesday", "+15557778888"))
    values.add_request({"From": "+15557778888", "Digits": "04221987", "CallSid": "CA1"})
    values.add_request({"From": "+15557778888", "SpeechResult": "my rx is 8812345"})
    logger.info("sms from %s", "+15557778888")
    logger.info("said %r", "my baby has had a fever since tuesday")
    logger.warning("dob %s", "1987-04-22")
    logger.warning("keys 04221987 pressed")
    logger.warning("prescription 8812345 checked")
    try:
        raise ValueError("cannot read 'my rx is 8812345'")
    except ValueError:
        logger.exception("speech failed")
    leaks = values.leaks(capture.records)
    assert {leak.kind for leak in leaks} == {"phone number", "message body", "date of birth",
                                            "speech result", "prescription number"}
    assert len(leaks) == 6 and all("tests.planted" in leak.where for leak in leaks)


def test_masked_and_unrelated_values_are_not_leaks(planted):
    logger, capture = planted
    values = SensitiveValues()
    values.add_request(sms_params("hi", "+15557778888"))  # too short to mean anything
    values.add_text(MESSAGE, "it is 7654321")
    logger.info("sms from ***8888, conv=3f2a, dob [date], job 17654321 queued")
    logger.info("message hi answered; pid 76543210")
    assert values.leaks(capture.records) == []


def test_a_string_of_the_bots_own_code_sent_by_the_fuzzer_is_not_a_leak(planted):
    """Hypothesis draws text from the constants of the code under test: the fuzzer once
    sent "plain language" as a speech result, and the opt-out log line names that source."""
    logger, capture = planted
    values = SensitiveValues()
    values.add_request({"From": "+15557778888", "SpeechResult": "plain language",
                        "CallSid": "CA1"})
    values.add_request(sms_params("plain language please, my baby is yellow", "+15557778888"))
    logger.info("opt-out (plain language) from ***8888")
    logger.info("said plain language please, my baby is yellow")
    [leak] = values.leaks(capture.records)
    assert leak.kind == MESSAGE and "my baby is yellow" in leak.context


def test_the_output_of_a_process_is_watched_too(tmp_path: Path):
    values = SensitiveValues()
    values.add_request(sms_params("please call me about my refill", "+15557778888"))
    log = tmp_path / "server.log"
    log.write_text("INFO turn conv=1 intent=greet\nERROR failed on 'please call me about my refill'\n")
    values.watch_file(log)
    [leak] = values.leaks([])
    assert leak.kind == "message body" and leak.where == "server.log"
    assert "ERROR failed on" in leak.context


def test_the_session_capture_is_first_on_the_root_logger():
    root = logging.getLogger()
    assert LOGS in root.handlers
    assert root.handlers.index(LOGS) == 0  # it sees records before any filter redacts them


# -- the paths that could leak -----------------------------------------------------------
def test_refills_emergencies_and_an_outage_leave_nothing_private_in_the_logs(
        twilio, engine, clock, caplog):
    first = len(LOGS.records)
    with caplog.at_level(logging.DEBUG):
        patient = "+15559871234"
        twilio.say("i need a refill for my daughter", sender=patient)
        twilio.say("my rx is 8812345", sender=patient)
        assert "R-" in " ".join(twilio.say("04/22/1987", sender=patient))
        assert "911" in " ".join(twilio.say("my baby is not breathing and turning blue",
                                            sender=patient))

        call = VoiceCaller(twilio, caller="+15559871235")
        call.start()
        call.press("5")
        call.press("8812346", finished_on_key="#")
        assert "September 30, 1984" in call.press("09301984").text
        assert "reference" in call.press("1").text
        assert "911" in call.say("my husband has chest pain after the infusion").text

        # Redis gone: the failure paths log the error, never what was said.
        settings = make_settings("unix:///nonexistent/redis.sock")
        down = create_app(settings, parts=build_parts(settings, clock=clock,
                                                            engine=engine))
        gone = TwilioClient(down.test_client(), AUTH_TOKEN)
        reply = gone.sms("please refill rx 5512345 born 02/02/1980", sender="+15559871236")
        assert "something went wrong" in reply.messages[0]
        assert "something went wrong" in VoiceCaller(gone, caller="+15559871237").start().text
    captured = LOGS.records[first:]
    assert captured, "the session capture saw nothing"
    leaks = SENSITIVE.leaks(captured, files=False)
    assert not leaks, [leak.describe() for leak in leaks]


# -- the last line of defence itself -----------------------------------------------------------
@pytest.mark.parametrize("written", ["+1 (555) 123-4567", "555-123-4567", "(555) 123-4567",
                                     "555.123.4567", "5551234567", "+15551234567",
                                     "+44 20 7946 4567", "1 555 123 4567"])
def test_the_log_filter_masks_a_phone_number_however_it_is_written(written):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s now", (written,), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "call ***4567 now"


@pytest.mark.parametrize("line", [
    "Listening at: http://127.0.0.1:60189 (16021)",  # gunicorn: a port and a pid
    '127.0.0.1 "POST /staff/login HTTP/1.1" status=401 bytes=1318 ms=113',
    "client 10.100.200.155 refused", "E-1042 and R-100001 opened",
])
def test_the_log_filter_leaves_what_is_not_a_phone_number(line):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, line, None, None)
    RedactingFilter().filter(record)
    assert record.getMessage() == line
