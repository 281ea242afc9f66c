"""The dialogue engine against Rasa's semantics: rules, stories, forms, default actions.

Small Rasa projects written to tmp_path each show one rule of the engine; the real
project shows the same semantics where patients meet them (the refill form, sessions).
Messages to the small projects use Rasa's `/intent{"entity": "value"}` shortcut, so
only the dialogue layer is under test there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, ActionExecutionRejection
from rasa_sdk.events import ConversationPaused, FollowupAction

from bot.engine.assembly import StartupError, load_engine
from bot.nlu.registry import ConfigError
from bot.parts import build_parts
from bot.project import Project
from bot.records.keys import Keys
from bot.records.refills import RefillStore
from tests.chat import Chat
from tests.conftest import make_settings
from tests.helpers import PATIENT, FakeClock

# -- custom actions for the small projects ------------------------------------------------
# rasa_sdk's executor registers every Action subclass loaded in the process, so these
# are found next to the real ones in actions/ (and listed only in the small domains).


class ActionThenA(Action):
    def name(self) -> str:
        return "action_test_then_a"

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        dispatcher.utter_message(text="first")
        return [FollowupAction("utter_a")]


class ActionRunaway(Action):
    def name(self) -> str:
        return "action_test_runaway"

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        dispatcher.utter_message(text="again")
        return [FollowupAction("action_test_runaway")]


class ActionPause(Action):
    def name(self) -> str:
        return "action_test_pause"

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        dispatcher.utter_message(text="pausing")
        return [ConversationPaused()]


class ActionRefuse(Action):
    def name(self) -> str:
        return "action_test_refuse"

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        raise ActionExecutionRejection(self.name(), "not now")


class ActionDescribeDomain(Action):
    def name(self) -> str:
        return "action_test_describe_domain"

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        dispatcher.utter_message(text=json.dumps({
            "intents": domain.get("intents"),
            "responses": sorted(domain.get("responses") or {}),
            "slots": sorted(domain.get("slots") or {}),
            "forms": sorted(domain.get("forms") or {}),
            "session_config": domain.get("session_config"),
        }))
        return []


# -- small projects -------------------------------------------------------------------------
BASE_DOMAIN: dict[str, Any] = {
    "version": "3.1",
    "intents": ["greet", "goodbye", "ask_a", "ask_b", "i_am_vip", "inform", "chitchat"],
    "entities": ["name"],
    "slots": {
        "vip": {"type": "bool", "initial_value": False,
                "mappings": [{"type": "from_intent", "intent": "i_am_vip", "value": True}]},
    },
    "responses": {
        "utter_greet": [{"text": "hello!"}],
        "utter_vip_greet": [{"text": "welcome back, valued guest!"}],
        "utter_welcome": [{"text": "welcome, first time here"}],
        "utter_goodbye": [{"text": "bye!"}],
        "utter_a": [{"text": "answer a"}],
        "utter_a_again": [{"text": "answer a, after a greeting"}],
        "utter_a_after_bye": [{"text": "answer a, after a goodbye"}],
        "utter_b": [{"text": "answer b"}],
        "utter_ok": [{"text": "noted"}],
        "utter_how_can_i_help": [{"text": "how can I help?"}],
        "utter_default": [{"text": "sorry?"}],
        "utter_custom_fallback": [{"text": "I can only talk about a and b."}],
        "utter_ask_name": [{"text": "what is your name?"}],
        "utter_thanks_name": [{"text": "thanks {name}"}],
        "utter_emergency": [{"text": "call 911"}],
    },
    "actions": ["action_emergency"],
    "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
}

NAME_FORM: dict[str, Any] = {
    "slots": {
        "name": {"type": "text", "influence_conversation": False, "mappings": [
            {"type": "from_entity", "entity": "name",
             "conditions": [{"active_loop": "name_form", "requested_slot": "name"}]},
        ]},
    },
    "forms": {"name_form": {"required_slots": ["name"]}},
}

NAME_FORM_RULES = """
- rule: ask b starts the form
  steps:
  - intent: ask_b
  - action: name_form
  - active_loop: name_form
- rule: thank once the form is done
  steps:
  - action: name_form
  - active_loop: null
  - slot_was_set:
    - requested_slot: null
  - action: utter_thanks_name
"""

NLU = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello there
- intent: goodbye
  examples: |
    - bye
    - see you later
"""

RULE_POLICY_ONLY = [{"name": "RulePolicy"}]
BOTH_POLICIES = [{"name": "RulePolicy"}, {"name": "MemoizationPolicy", "max_history": 5}]


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = json.loads(json.dumps(base))
    for key, value in extra.items():
        if isinstance(value, dict):
            merged.setdefault(key, {}).update(value)
        elif isinstance(value, list):
            merged[key] = [*merged.get(key, []), *value]
        else:
            merged[key] = value
    return merged


def write_project(root: Path, *, rules: str = "", stories: str = "",
                  domain: dict[str, Any] | None = None,
                  policies: list[dict[str, Any]] | None = None) -> Path:
    """A Rasa 3 project: config.yml, domain.yml and data/{nlu,rules,stories}.yml."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "CountVectorsFeaturizer"},
                     {"name": "LogisticRegressionClassifier"}],
        "policies": policies or BOTH_POLICIES,
    }
    (root / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (root / "domain.yml").write_text(yaml.safe_dump(_merge(BASE_DOMAIN, domain or {}),
                                                    sort_keys=False))
    (root / "data" / "nlu.yml").write_text(NLU)
    (root / "data" / "rules.yml").write_text(f'version: "3.1"\nrules:\n{rules}')
    (root / "data" / "stories.yml").write_text(f'version: "3.1"\nstories:\n{stories}')
    return root


@pytest.fixture()
def start(tmp_path, redis_url, redis_client, clock):  # type: ignore[no-untyped-def]
    """Build a small project and start a chat with it."""

    def start(**project: Any) -> Chat:
        root = write_project(tmp_path / "project", **project)
        settings = make_settings(redis_url, BOT_PROJECT_DIR=str(root))
        engine = load_engine(Project(root), settings)
        return Chat(build_parts(settings, clock=clock, engine=engine).processor)

    return start


@pytest.fixture()
def patient(services) -> Chat:  # type: ignore[no-untyped-def]
    """A patient texting the real project."""
    return Chat(services.processor)


# -- RulePolicy -------------------------------------------------------------------------------
def test_a_rule_with_a_slot_condition_applies_only_once_the_slot_is_set(start):
    chat = start(rules="""
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
- rule: greet a vip
  condition:
  - slot_was_set:
    - vip: true
  steps:
  - intent: greet
  - action: utter_vip_greet
- rule: vip noted
  steps:
  - intent: i_am_vip
  - action: utter_ok
""")
    assert chat.say("/greet") == ["hello!"]
    assert chat.say("/i_am_vip") == ["noted"]
    assert chat.say("/greet") == ["welcome back, valued guest!"]


def test_a_conversation_start_rule_applies_to_the_first_message_of_a_session_only(start, clock):
    chat = start(rules="""
- rule: welcome a newcomer
  conversation_start: true
  steps:
  - intent: greet
  - action: utter_welcome
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
""")
    assert chat.say("/greet") == ["welcome, first time here"]
    assert chat.say("/greet") == ["hello!"]
    clock.advance(61 * 60)  # a new session
    assert chat.say("/greet") == ["welcome, first time here"]


@pytest.mark.parametrize(("wait", "expected"), [
    (False, ["hello!", "how can I help?"]),
    (True, ["hello!"]),
])
def test_wait_for_user_input_false_lets_the_next_rule_continue(start, wait, expected):
    chat = start(rules=f"""
- rule: greet, and go on
  wait_for_user_input: {str(wait).lower()}
  steps:
  - intent: greet
  - action: utter_greet
- rule: after a greeting, offer help
  steps:
  - action: utter_greet
  - action: utter_how_can_i_help
""")
    assert chat.say("/greet") == expected


def test_contradicting_rules_stop_start_up_naming_both(start):
    with pytest.raises(ConfigError) as error:
        start(rules="""
- rule: greet back
  steps:
  - intent: greet
  - action: utter_greet
- rule: answer a greeting with a
  steps:
  - intent: greet
  - action: utter_a
""")
    assert "greet back" in str(error.value) and "answer a greeting with a" in str(error.value)


# -- forms (active loops) ---------------------------------------------------------------------
def test_a_form_asks_until_filled_then_the_next_rule_runs(start):
    chat = start(domain=NAME_FORM, rules=NAME_FORM_RULES)
    assert chat.say("/ask_b") == ["what is your name?"]
    assert chat.say('/inform{"name": "Ann"}') == ["thanks Ann"]
    # Slots outlive the form, as in Rasa: the next time it starts already filled.
    assert chat.say("/ask_b") == ["thanks Ann"]


def test_a_general_rule_answers_what_the_form_rejected_then_the_form_resumes(start):
    chat = start(domain=NAME_FORM, rules=NAME_FORM_RULES + """
- rule: answer a
  steps:
  - intent: ask_a
  - action: utter_a
""")
    assert chat.say("/ask_b") == ["what is your name?"]
    # Rasa: a rule written without the form in mind handles the interruption, then the
    # form runs again instead of waiting.
    assert chat.say("/ask_a") == ["answer a", "what is your name?"]
    assert chat.say('/inform{"name": "Bo"}') == ["thanks Bo"]


def test_a_form_rejection_with_no_rule_for_the_message_falls_back(start):
    chat = start(domain=NAME_FORM, rules=NAME_FORM_RULES)
    chat.say("/ask_b")
    assert chat.say("/chitchat") == ["sorry?"]
    assert chat.say('/inform{"name": "Cy"}') == ["thanks Cy"]  # the form is still active


# -- core fallback and MemoizationPolicy ------------------------------------------------------
STORY_GREET_THEN_A = """
- story: greet, then ask a
  steps:
  - intent: greet
  - action: utter_greet
  - intent: ask_a
  - action: utter_a_again
"""


def test_core_fallback_runs_the_configured_action_when_no_rule_or_story_applies(start):
    chat = start(policies=[{"name": "RulePolicy", "core_fallback_threshold": 0.3,
                            "core_fallback_action_name": "utter_custom_fallback"}],
                 rules="- rule: greet\n  steps:\n  - intent: greet\n  - action: utter_greet\n")
    assert chat.say("/ask_a") == ["I can only talk about a and b."]
    assert chat.say("/greet") == ["hello!"]


def test_without_fallback_prediction_an_unknown_situation_gets_no_answer(start):
    chat = start(policies=[{"name": "RulePolicy", "enable_fallback_prediction": False}])
    assert chat.say("/ask_a") == []


@pytest.mark.parametrize(("threshold", "expected"), [
    (0.3, ["hello!"]),  # the story (confidence 1.0) beats the fallback
    (1.0, ["sorry?"]),  # a tie goes to the RulePolicy's higher priority
])
def test_core_fallback_threshold_is_the_confidence_to_beat(start, threshold, expected):
    chat = start(policies=[{"name": "RulePolicy", "core_fallback_threshold": threshold},
                           {"name": "MemoizationPolicy", "max_history": 5}],
                 stories=STORY_GREET_THEN_A)
    assert chat.say("/greet") == expected


def test_action_default_fallback_forgets_the_message_it_did_not_understand(start):
    chat = start(stories=STORY_GREET_THEN_A)
    assert chat.say("/greet") == ["hello!"]
    assert chat.say("/chitchat") == ["sorry?"]
    # The story goes on as if the misunderstood message had not been sent.
    assert chat.say("/ask_a") == ["answer a, after a greeting"]
    users = [e["text"] for e in chat.events() if e["event"] == "user"]
    assert users == ["/greet", "/chitchat", "/ask_a"]  # kept for the record, but rewound
    assert any(e["event"] == "rewind" for e in chat.events())


STORIES_A_DEPENDS_ON_HISTORY = """
- story: a after a greeting
  steps:
  - intent: greet
  - action: utter_greet
  - intent: ask_a
  - action: utter_a_again
- story: a after a goodbye
  steps:
  - intent: goodbye
  - action: utter_goodbye
  - intent: ask_a
  - action: utter_a_after_bye
"""


def test_memoization_follows_the_story_that_matches_the_recent_history(start):
    chat = start(stories=STORIES_A_DEPENDS_ON_HISTORY)
    assert chat.say("/greet") == ["hello!"]
    assert chat.say("/ask_a") == ["answer a, after a greeting"]

    other = Chat(chat.processor, sender="+15550002222")
    assert other.say("/goodbye") == ["bye!"]
    assert other.say("/ask_a") == ["answer a, after a goodbye"]


def test_memoization_sees_only_max_history_states(start):
    # With one state of history both stories start from the same state and disagree,
    # so nothing is memorised for it and the core fallback answers.
    chat = start(policies=[{"name": "RulePolicy"}, {"name": "MemoizationPolicy", "max_history": 1}],
                 stories=STORIES_A_DEPENDS_ON_HISTORY)
    assert chat.say("/greet") == ["hello!"]
    assert chat.say("/ask_a") == ["sorry?"]


# -- the prediction loop ----------------------------------------------------------------------
def test_a_followup_action_runs_next_whatever_the_policies_say(start):
    chat = start(domain={"actions": ["action_test_then_a"]}, rules="""
- rule: a through the custom action
  steps:
  - intent: ask_a
  - action: action_test_then_a
""")
    assert chat.say("/ask_a") == ["first", "answer a"]
    executed = [(e["name"], e.get("policy")) for e in chat.events()
                if e["event"] == "action" and e["name"] == "utter_a"]
    assert executed == [("utter_a", "FollowupAction")]


def test_the_bot_stops_after_ten_actions_for_one_message(start):
    chat = start(domain={"actions": ["action_test_runaway"]}, rules="""
- rule: runaway
  steps:
  - intent: ask_a
  - action: action_test_runaway
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
""")
    assert chat.say("/ask_a") == ["again"] * 10
    assert chat.events()[-1] == {**chat.events()[-1], "event": "action", "name": "action_listen"}
    assert chat.say("/greet") == ["hello!"]


def test_an_action_that_refuses_to_run_is_not_tried_again_at_once(start):
    chat = start(domain={"actions": ["action_test_refuse"]}, rules="""
- rule: refuse
  steps:
  - intent: ask_a
  - action: action_test_refuse
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
""")
    assert chat.say("/ask_a") == []
    assert sum(e["event"] == "action_execution_rejected" for e in chat.events()) == 1
    assert chat.say("/greet") == ["hello!"]


def test_a_paused_conversation_is_logged_but_not_answered_until_a_restart(start):
    chat = start(domain={"actions": ["action_test_pause"]}, rules="""
- rule: pause
  steps:
  - intent: ask_b
  - action: action_test_pause
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
""")
    assert chat.say("/ask_b") == ["pausing"]
    assert chat.say("/greet") == []
    assert [e["text"] for e in chat.events() if e["event"] == "user"][-1] == "/greet"
    chat.say("/restart")
    assert chat.say("/greet") == ["hello!"]


# -- default actions --------------------------------------------------------------------------
def test_restart_forgets_the_conversation_and_starts_a_new_session(start):
    chat = start(domain=NAME_FORM, rules=NAME_FORM_RULES + """
- rule: welcome a newcomer
  conversation_start: true
  steps:
  - intent: greet
  - action: utter_welcome
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
""")
    chat.say("/i_am_vip")
    assert chat.say("/ask_b") == ["what is your name?"]
    chat.say("/restart")
    assert chat.say("/greet") == ["welcome, first time here"]  # the form is gone
    names = [e["name"] for e in chat.events() if e["event"] == "action"]
    assert names[names.index("action_restart") + 1] == "action_session_start"


def test_custom_actions_receive_the_full_domain(start):
    chat = start(domain={"actions": ["action_test_describe_domain"], **NAME_FORM}, rules="""
- rule: describe
  steps:
  - intent: ask_a
  - action: action_test_describe_domain
""")
    [described] = chat.say("/ask_a")
    seen = json.loads(described)
    assert seen["intents"] == BASE_DOMAIN["intents"]
    assert seen["responses"] == sorted(BASE_DOMAIN["responses"])
    assert seen["slots"] == ["name", "vip"]
    assert seen["forms"] == ["name_form"]
    assert seen["session_config"] == BASE_DOMAIN["session_config"]


def test_a_domain_action_that_no_rasa_sdk_action_registers_stops_start_up(start):
    with pytest.raises(StartupError, match="action_check_insurance"):
        start(domain={"actions": ["action_check_insurance"]})


def test_a_rule_with_an_action_the_domain_does_not_know_stops_start_up(start):
    with pytest.raises(StartupError) as error:
        start(rules="- rule: parking\n  steps:\n  - intent: ask_a\n  - action: utter_parking\n")
    assert "utter_parking" in str(error.value) and "rule 'parking'" in str(error.value)
    assert "rules.yml" in str(error.value)
    with pytest.raises(StartupError, match="action_my_fallback"):
        start(policies=[{"name": "RulePolicy", "core_fallback_action_name": "action_my_fallback"}])


def test_a_response_listed_under_actions_is_still_a_response(start):
    chat = start(domain={"actions": ["utter_greet"]},
                 rules="- rule: greet\n  steps:\n  - intent: greet\n  - action: utter_greet\n")
    assert chat.say("/greet") == ["hello!"]


def test_start_up_names_an_unknown_policy(start):
    with pytest.raises(ConfigError, match="TEDPolicy"):
        start(policies=[{"name": "RulePolicy"}, {"name": "TEDPolicy"}])


# -- the real project: the refill form ----------------------------------------------------------
def test_a_refill_from_start_to_finish_files_a_request_for_the_staff(patient, services):
    assert patient.responses("i need a refill")[-1] == "utter_ask_prescription_number"
    assert patient.responses("1234567") == ["utter_ask_date_of_birth"]
    [reply] = patient.say("03/14/1990")
    reference = re.search(r"R-\d+", reply)
    assert reference, reply
    assert "ivig" not in reply.lower()
    [request] = RefillStore(services.redis, Keys(services.settings.key_prefix)).recent()
    assert request.reference == reference.group()
    assert (request.prescription_number, request.date_of_birth) == ("1234567", "1990-03-14")
    assert request.status == "new"
    assert request.phone_masked.endswith(PATIENT[-4:]) and PATIENT not in request.phone_masked
    assert patient.responses("thanks") == ["utter_thank"]


def test_values_that_cannot_be_right_are_asked_again_with_a_hint(patient):
    patient.say("i need a refill")
    assert patient.responses("12") == ["utter_invalid_prescription_number",
                                       "utter_ask_prescription_number"]
    assert patient.responses("1234567") == ["utter_ask_date_of_birth"]
    assert patient.responses("02/30/1990") == ["utter_invalid_date_of_birth",
                                               "utter_ask_date_of_birth"]
    assert patient.responses("March 14, 1990") == ["utter_refill_submitted"]


def test_three_failed_attempts_end_the_form_and_offer_a_person(patient):
    patient.say("i need a refill")
    patient.say("12")
    patient.say("34")
    assert patient.responses("56") == ["utter_refill_too_many_attempts"]
    [reply] = patient.say("yes")
    assert re.search(r"E-\d+", reply), reply


def test_cancel_during_the_form_stops_it_and_nothing_is_sent(patient, services):
    patient.say("i need a refill")
    assert patient.responses("cancel the refill") == ["utter_refill_cancelled"]
    assert patient.responses("hi") == ["utter_greet"]  # not read as a prescription number
    actions = [e["name"] for e in patient.events() if e["event"] == "action"]
    assert "action_deactivate_loop" in actions
    assert RefillStore(services.redis, Keys(services.settings.key_prefix)).recent() == []


def test_a_question_during_the_form_is_answered_then_the_form_goes_on(patient):
    patient.say("i need a refill")
    assert patient.responses("what is nh") == ["utter_ask_what_is_nh/definition", "utter_ask_prescription_number"]
    assert patient.responses("1234567") == ["utter_ask_date_of_birth"]


def test_the_same_question_outside_the_form_is_only_answered(patient):
    assert patient.responses("what is nh")[-1] == "utter_ask_what_is_nh/definition"


def test_yes_means_a_person_only_after_one_was_offered(patient):
    assert patient.responses("yes")[-1] == "utter_anything_else"
    assert patient.responses("how much does it cost") == ["utter_ask_copay_help/cost_amount",
                                                          "utter_offer_copay_team"]
    [reply] = patient.say("yes")
    assert re.search(r"E-\d+", reply), reply


def test_an_emergency_during_the_form_comes_first_and_ends_the_form(patient):
    patient.say("i need a refill")
    replies = patient.responses("my baby is not breathing")
    assert replies[0] == "utter_emergency_newborn"  # a baby's warning sign: "Call 911 now"
    assert "utter_ask_prescription_number" not in replies


def test_restart_during_the_form_starts_over_with_the_introduction(patient):
    patient.say("i need a refill")
    assert patient.responses("/restart") == ["utter_intro"]
    assert patient.responses("hi") == ["utter_greet"]


# -- the real project: sessions -------------------------------------------------------------------
def test_a_session_expires_an_hour_after_the_last_user_message(patient, clock: FakeClock):
    assert patient.responses("i need a refill") == ["utter_intro", "utter_ask_prescription_number"]
    clock.advance(59 * 60)
    assert patient.responses("what is nh") == ["utter_ask_what_is_nh/definition", "utter_ask_prescription_number"]
    clock.advance(59 * 60)  # 118 minutes after the first message, 59 after the last
    # A greeting is not taken for a prescription number: greeted, and asked again.
    assert patient.responses("hi") == ["utter_greet", "utter_ask_prescription_number"]
    clock.advance(61 * 60)
    assert patient.responses("hi") == ["utter_intro", "utter_greet"]  # the form is gone
    users = [e["text"] for e in patient.events() if e["event"] == "user"]
    assert users == ["hi"]  # older sessions are not kept


def test_bot_messages_after_the_last_user_message_do_not_extend_the_session(patient, clock,
                                                                            services):
    patient.say("i need a refill")
    clock.advance(50 * 60)
    services.conversations.append(PATIENT, [{"event": "bot", "text": "a staff reply",
                                             "timestamp": clock()}])
    clock.advance(11 * 60)
    assert patient.responses("hi")[0] == "utter_intro"
