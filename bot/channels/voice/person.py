"""Reaching a person from a call: `<Dial>` to SPECIALIST_PHONE in business hours; when
closed, unconfigured or unanswered, a voicemail (`<Record>`, announced, transcribed by
Twilio) that becomes an escalation holding Twilio's recording SID and URL (we store no
audio) and, when Twilio posts it, the transcription."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from bot.channels.twilio.recordings import recording_sid_of
from bot.channels.voice.step import Step
from bot.channels.voice.twiml import VoiceScript
from bot.hours import BusinessHours
from bot.records.voicemails import Voicemails
from bot.settings import Settings

log = logging.getLogger(__name__)

ANSWERED = {"completed", "answered"}


class SpecialistLine:
    def __init__(self, script: VoiceScript, settings: Settings, hours: BusinessHours,
                 clock: Callable[[], float], voicemails: Voicemails) -> None:
        self.script = script
        self.settings = settings
        self.hours = hours
        self.clock = clock
        self.voicemails = voicemails

    def steps(self) -> dict[str, Callable[[Step], VoiceResponse]]:
        return {"transfer": self.on_dial_result, "voicemail": self.on_recording}

    def available(self) -> bool:
        return bool(self.settings.specialist_phone) and self.hours.is_open_at(self.clock())

    def dial(self, response: VoiceResponse, action: str | None) -> VoiceResponse:
        return self.script.dial(response, str(self.settings.specialist_phone),
                                caller_id=self.settings.twilio_phone_number, action=action)

    # -- steps --------------------------------------------------------------------------
    def transfer(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        lead = lead or []
        step.state.misses = 0
        if not self.hours.is_open_at(self.clock()):
            return self.voicemail(step, [*lead, step.script.text("utter_voice_voicemail_closed")])
        if not self.settings.specialist_phone:
            unanswered = step.script.text("utter_voice_voicemail_unanswered")
            return self.voicemail(step, [*lead, unanswered])
        response = VoiceResponse()
        step.script.say(response, [*lead, step.script.text("utter_voice_transfer")])
        log.info("call %s transferred to a specialist", step.call_sid)
        return self.dial(response, step.next_url("transfer"))

    def on_dial_result(self, step: Step) -> VoiceResponse:
        status = str(step.form.get("DialCallStatus") or "")
        if status in ANSWERED:
            return step.script.goodbye(VoiceResponse())
        log.info("call %s: the specialist line gave %s, offering voicemail", step.call_sid,
                 status or "nothing")
        return self.voicemail(step, [step.script.text("utter_voice_voicemail_unanswered")])

    def voicemail(self, step: Step, lead: list[str]) -> VoiceResponse:
        response = VoiceResponse()
        step.script.say(response, [*lead, step.script.text("utter_voice_voicemail")])
        action = step.next_url("voicemail")
        step.script.record(response, action, f"{step.base_url}/twilio/voice/transcription")
        # Twilio skips the action for an empty recording and runs the next verb instead:
        # the same step, without a recording.
        response.redirect(action, method="POST")
        return response

    def on_recording(self, step: Step) -> VoiceResponse:
        recording_sid = str(step.form.get("RecordingSid") or "")
        recording_url = str(step.form.get("RecordingUrl") or "")
        duration = str(step.form.get("RecordingDuration") or "")
        if not recording_sid or not recording_url or duration == "0":
            nothing = step.script.text("utter_voice_no_message")
            return step.script.goodbye(VoiceResponse(), [nothing])
        if recording_sid_of(recording_url, self.settings) != recording_sid:
            # The console would fetch it with the account's credentials: keep the
            # voicemail, never a link that is not its recording.
            log.warning("call %s: voicemail %s came with a link that is not its recording; "
                        "the link is not kept", step.call_sid, recording_sid)
            recording_url = ""
        try:
            reference = self.voicemails.open(
                recording_sid=recording_sid, recording_url=recording_url, duration=duration,
                call_sid=step.call_sid, phone=step.phone,
            )
        except Exception as exc:  # loud in the logs: the recording is still at Twilio
            log.error("voicemail %s of call %s NOT stored: %s", recording_sid, step.call_sid,
                      type(exc).__name__)
            response = VoiceResponse()
            step.script.say(response, [step.script.text("utter_voice_voicemail_failed")])
            response.hangup()
            return response
        log.info("call %s left voicemail %s: %s", step.call_sid, recording_sid, reference)
        saved = step.script.text("utter_voice_voicemail_saved", escalation_reference=reference)
        return step.script.goodbye(VoiceResponse(), [saved])

    def on_transcription(self, form: Mapping[str, Any]) -> None:
        """Twilio's transcribeCallback: not a step of the call, keyed by RecordingSid."""
        recording_sid = str(form.get("RecordingSid") or "")
        if not recording_sid:
            return
        completed = str(form.get("TranscriptionStatus") or "completed") == "completed"
        text = str(form.get("TranscriptionText") or "") if completed else ""
        reference = self.voicemails.transcribed(recording_sid, text)
        log.info("transcription of %s stored (%s)", recording_sid,
                 reference or "escalation not open yet")
