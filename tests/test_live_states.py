"""The states the policies see are the same whether replayed or kept up to date."""

from __future__ import annotations

from bot.dialogue.states import LiveStates, states_and_actions
from bot.dialogue.tracker import Tracker


def _user(intent: str) -> dict:
    return {"event": "user", "text": f"/{intent}",
            "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": []}}


def _action(name: str) -> dict:
    return {"event": "action", "name": name}


def test_kept_up_to_date_equals_replayed_through_rewinds_and_new_sessions(engine):
    domain = engine.domain
    tracker = Tracker("someone", domain)
    live = LiveStates(domain)
    script = [
        _action("action_session_start"), {"event": "session_started"}, _action("action_listen"),
        _user("greet"), _action("utter_greet"), _action("action_listen"),
        _user("request_refill"), _action("refill_form"),
        {"event": "active_loop", "name": "refill_form"},
        {"event": "slot", "name": "requested_slot", "value": "prescription_number"},
        _action("action_listen"), _user("nlu_fallback"), _action("action_default_fallback"),
        {"event": "rewind"}, _user("ask_copay_help"), _action("action_answer_question"),
        {"event": "slot", "name": "handoff_offered", "value": True}, _action("action_listen"),
        {"event": "restart"}, _action("action_session_start"), {"event": "session_started"},
        _action("action_listen"), _user("affirm"),
    ]
    for event in script:
        tracker.update(event)
        replayed, _ = states_and_actions(tracker.applied_events(), domain)
        assert live.of(tracker) == replayed, event
    tracker.replace_session([_action("action_session_start"), {"event": "session_started"}])
    assert live.of(tracker) == states_and_actions(tracker.applied_events(), domain)[0]
