"""A refill request by phone: the prescription number by keypad (ending with #), the
date of birth as 8 digits (MMDDYYYY), both read back and confirmed, then the same refill
record SMS creates, its reference read back one character at a time.

Spoken words are heard at every prompt too: an emergency goes to the 911 answer at
once, "a person" to a specialist, "never mind" back to the menu. Three invalid entries
offer a specialist instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from twilio.twiml.voice_response import VoiceResponse

from bot.channels.voice.calls import Step
from bot.channels.voice.twiml import CHANNEL, ENTRY_TIMEOUT, digit_by_digit, spoken_date
from bot.hours import BusinessHours
from bot.privacy import mask_phone
from bot.records import refill_details as verification
from bot.records.refills import RefillStore

if TYPE_CHECKING:
    from bot.channels.voice.ivr import VoiceIvr

log = logging.getLogger(__name__)

MAX_FAILED_ENTRIES = 3


class RefillByPhone:
    def __init__(self, ivr: VoiceIvr, refills: RefillStore, hours: BusinessHours,
                 clock: Callable[[], float]) -> None:
        self.ivr = ivr
        self.script = ivr.script
        self.refills = refills
        self.hours = hours
        self.clock = clock

    def steps(self) -> dict[str, Callable[[Step], VoiceResponse]]:
        return {
            "prescription": self.on_prescription_number,
            "birth-date": self.on_date_of_birth,
            "confirm-refill": self.on_confirm,
            "refill-help": self.on_offer_person,
        }

    def today(self) -> date:
        return datetime.fromtimestamp(self.clock(), tz=self.hours.zone).date()

    # -- asking -------------------------------------------------------------------------
    def start(self, step: Step) -> VoiceResponse:
        step.state.clear_refill()
        return self.ask_prescription_number(step)

    def _entry(self, step: Step, name: str, texts: list[str],
               num_digits: int | None) -> VoiceResponse:
        return self.script.gather(VoiceResponse(), step.next_url(name), texts,
                                  num_digits=num_digits, finish_on_key="#", timeout=ENTRY_TIMEOUT)

    def _prescription_entry(self, step: Step, texts: list[str]) -> VoiceResponse:
        return self._entry(step, "prescription", texts, None)

    def _date_of_birth_entry(self, step: Step, texts: list[str]) -> VoiceResponse:
        return self._entry(step, "birth-date", texts, 8)

    def ask_prescription_number(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        return self._prescription_entry(
            step, [*(lead or []), self.script.text("utter_voice_ask_prescription_number")])

    def ask_date_of_birth(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        return self._date_of_birth_entry(
            step, [*(lead or []), self.script.text("utter_voice_ask_date_of_birth")])

    def ask_confirmation(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        state = step.state
        if not (state.prescription_number and state.date_of_birth):
            return self.start(step)
        readback = (
            f"{self.script.text('utter_voice_readback_prescription_number')} "
            f"{digit_by_digit(state.prescription_number)}, "
            f"{self.script.text('utter_voice_readback_date_of_birth')} "
            f"{spoken_date(state.date_of_birth)}. {self.script.text('utter_voice_refill_confirm')}"
        )
        return self.script.gather(VoiceResponse(), step.next_url("confirm-refill"),
                                  [*(lead or []), readback])

    def ask_person(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        texts = [*(lead or []), self.script.text("utter_refill_too_many_attempts")]
        return self.script.gather(VoiceResponse(), step.next_url("refill-help"), texts)

    # -- answers ------------------------------------------------------------------------
    def _anywhere(self, step: Step) -> VoiceResponse | None:
        """What works at every refill prompt: 911, a person, back to the menu."""
        heard = step.heard
        if heard.meaning == "emergency":
            return self.ivr.emergency(step)
        if heard.digits == "0" or heard.meaning == "specialist":
            step.state.clear_refill()
            return self.ivr.transfer(step)
        if heard.meaning in {"cancel", "menu"}:
            step.state.clear_refill()
            return self.ivr.ask_menu(step, [self.script.text("utter_refill_cancelled")])
        return None

    def _invalid(self, step: Step, hint: str,
                 entry: Callable[[Step, list[str]], VoiceResponse]) -> VoiceResponse:
        """Asked again with a hint (the hint itself asks); the third time, a person."""
        step.state.failures += 1
        if step.state.failures >= MAX_FAILED_ENTRIES:
            step.state.clear_refill()
            return self.ask_person(step)
        return entry(step, [self.script.text(hint)])

    @staticmethod
    def _entered(step: Step) -> str:
        """Keys (without # or *), or the spoken words ("one two three ...")."""
        return step.heard.digits.strip("#*") or step.heard.speech

    def on_prescription_number(self, step: Step) -> VoiceResponse:
        if step.heard.silence:
            return self.ivr.missed(step, self.ask_prescription_number)
        special = self._anywhere(step)
        if special is not None:
            return special
        digits = verification.prescription_number(self._entered(step))
        if not digits:
            return self._invalid(step, "utter_voice_invalid_prescription_number",
                                 self._prescription_entry)
        step.state.prescription_number = digits
        return self.ask_date_of_birth(step)

    def on_date_of_birth(self, step: Step) -> VoiceResponse:
        if step.heard.silence:
            return self.ivr.missed(step, self.ask_date_of_birth)
        special = self._anywhere(step)
        if special is not None:
            return special
        iso = verification.date_of_birth(self._entered(step), self.today())
        if not iso:
            return self._invalid(step, "utter_voice_invalid_date_of_birth",
                                 self._date_of_birth_entry)
        step.state.date_of_birth = iso
        return self.ask_confirmation(step)

    def on_confirm(self, step: Step) -> VoiceResponse:
        heard = step.heard
        if heard.digits == "1" or heard.meaning == "yes":
            return self.submit(step)
        if heard.digits == "2" or heard.meaning == "no":
            step.state.prescription_number = step.state.date_of_birth = ""
            return self.ask_prescription_number(step)
        if heard.digits == "9" or heard.meaning == "repeat":
            return self.ask_confirmation(step)
        special = None if heard.silence else self._anywhere(step)
        return special or self.ivr.missed(step, self.ask_confirmation)

    def on_offer_person(self, step: Step) -> VoiceResponse:
        heard = step.heard
        if heard.digits in {"1", "0"} or heard.meaning in {"yes", "specialist"}:
            return self.ivr.transfer(step)
        if heard.digits == "2" or heard.meaning in {"no", "menu", "cancel"}:
            return self.ivr.ask_menu(step)
        if heard.digits == "9" or heard.meaning == "repeat":
            return self.ask_person(step)
        if heard.meaning == "emergency":
            return self.ivr.emergency(step)
        return self.ivr.missed(step, self.ask_person)

    def submit(self, step: Step) -> VoiceResponse:
        state = step.state
        if not (state.prescription_number and state.date_of_birth):
            return self.start(step)
        try:
            request = self.refills.create(
                phone=step.phone, prescription_number=state.prescription_number,
                date_of_birth=state.date_of_birth, channel=CHANNEL,
            )
        except Exception as exc:  # nothing is claimed: the caller is given the number to call
            log.error("refill request by phone not stored: %s", type(exc).__name__)
            text = self.script.text("utter_refill_failed")
        else:
            log.info("call %s: refill %s requested from %s", step.call_sid, request.reference,
                     mask_phone(step.phone))
            text = self.script.text("utter_refill_submitted", refill_reference=request.reference)
        state.clear_refill()
        return self.ivr.say_then_ask_more(step, [text])
