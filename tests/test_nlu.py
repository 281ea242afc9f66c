"""NLU: Rasa's components by their config.yml names, checked against scikit-learn, saved
and loaded by fingerprint, served through /model/parse, with the emergency net on top."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from bot.dialogue.policies import build_policies
from bot.nlu import safety
from bot.nlu.classifiers import FallbackClassifier
from bot.nlu.featurizers import CountVectorsFeaturizer
from bot.nlu.message import Message
from bot.nlu.model import NLUModel, build_pipeline, load_or_train, model_path, train, train_project
from bot.nlu.registry import Component, ConfigError
from bot.nlu.tokenizers import WhitespaceTokenizer
from bot.nlu.training_data import Example, TrainingData, load_training_data
from bot.project import Project
from bot.records import refill_details as verification


# -- the registry -------------------------------------------------------------------------------
def test_an_unknown_component_stops_with_its_name_and_the_known_ones():
    with pytest.raises(ConfigError) as error:
        build_pipeline({"pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "DIETClassifier"}]})
    message = str(error.value)
    assert "pipeline[1]" in message and "DIETClassifier" in message
    assert "LogisticRegressionClassifier" in message  # what can be used instead


def test_an_unknown_parameter_stops_with_the_component_and_parameter_names():
    with pytest.raises(ConfigError) as error:
        build_pipeline({"pipeline": [{"name": "CountVectorsFeaturizer", "max_ngrams": 2}]})
    assert "CountVectorsFeaturizer" in str(error.value) and "max_ngrams" in str(error.value)


def test_an_invalid_parameter_value_stops_start_up():
    with pytest.raises(ConfigError, match="analyzer"):
        build_pipeline({"pipeline": [{"name": "CountVectorsFeaturizer", "analyzer": "bigram"}]})


def test_an_unknown_policy_or_policy_parameter_stops_with_its_name():
    with pytest.raises(ConfigError, match="UnexpecTEDIntentPolicy"):
        build_policies({"policies": [{"name": "RulePolicy"}, {"name": "UnexpecTEDIntentPolicy"}]})
    with pytest.raises(ConfigError, match="max_histroy"):
        build_policies({"policies": [{"name": "MemoizationPolicy", "max_histroy": 3}]})


# -- WhitespaceTokenizer ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "tokens"), [
    ("Hi! my rx# is 1234567, ok?", ["Hi", "my", "rx#", "is", "1234567", "ok"]),
    ("born 03/14/1990.", ["born", "03/14/1990"]),
    ("can't sleep", ["can", "t", "sleep"]),
    ("it costs $1,200.50", ["it", "costs", "$1,200.50"]),
    ("email a@b.com  please", ["email", "a@b.com", "please"]),
    ("thanks 🙏🙏", ["thanks"]),
    ("!!!", ["!!!"]),  # nothing but punctuation stays one token, as in Rasa
])
def test_the_whitespace_tokenizer_splits_as_rasa_does(text, tokens):
    found = WhitespaceTokenizer({}).tokenize(text)
    assert [t.text for t in found] == tokens
    assert all(text[t.start:t.end] == t.text for t in found)  # offsets point into the text


def test_a_token_pattern_splits_words_further():
    found = WhitespaceTokenizer({"token_pattern": r"(?u)\b\w+\b"}).tokenize("rx#1234567 ok")
    assert [(t.text, t.start, t.end) for t in found] == [
        ("rx", 0, 2), ("1234567", 3, 10), ("ok", 11, 13)]


# -- CountVectorsFeaturizer against scikit-learn --------------------------------------------------
CORPUS = [
    "I need a refill for rx 1234567",
    "refill RX# 7654321 please!!",
    "What is NH? is it genetic",
    "is ivig safe for my baby",
    "IVIG dose 1g/kg every week",
    "a",
    "ok ok ok",
    "can a pharmacist call me back",
    "my baby is not breathing",
    "café au lait",
]
UNSEEN = ["refill 555555 for a baby", "what is ivig", "zzz unknown words", "I", "ok"]


def _tokenized(text: str) -> Message:
    message = Message(text)
    WhitespaceTokenizer({}).process(message)
    return message


def _rasa_document(message: Message) -> str:
    """What Rasa hands sklearn's CountVectorizer: the tokens, numbers as __NUMBER__."""
    return " ".join(re.sub(r"\b[0-9]+\b", "__NUMBER__", token.text) for token in message.tokens)


def _dense(message: Message, block: int = -1) -> np.ndarray:
    features = message.features[block]
    row = np.zeros(features.size)
    for column, value in features.values.items():
        row[column] = value
    return row


@pytest.mark.parametrize("params", [
    {"analyzer": "word"},
    {"analyzer": "word", "min_ngram": 1, "max_ngram": 2},
    {"analyzer": "word", "max_ngram": 2, "min_df": 2},
    {"analyzer": "word", "max_df": 0.3},
    {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"analyzer": "char_wb", "min_ngram": 3, "max_ngram": 5},
    {"analyzer": "char_wb", "min_ngram": 4, "max_ngram": 6},  # longer than short words
    {"analyzer": "char", "min_ngram": 2, "max_ngram": 3},
], ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_count_vectors_equal_sklearns_count_vectorizer(params: dict[str, Any]):
    featurizer = CountVectorsFeaturizer(params)
    messages = [_tokenized(text) for text in CORPUS]
    featurizer.train(messages, TrainingData())
    sklearn = CountVectorizer(
        analyzer=params["analyzer"],
        ngram_range=(params.get("min_ngram", 1), params.get("max_ngram", 1)),
        min_df=params.get("min_df", 1), max_df=params.get("max_df", 1.0),
        lowercase=True, token_pattern=r"(?u)\b\w+\b",
    ).fit([_rasa_document(m) for m in messages])
    assert featurizer.vocabulary == {term: int(i) for term, i in sklearn.vocabulary_.items()}
    for text in CORPUS + UNSEEN:
        message = _tokenized(text)
        featurizer.process(message)
        expected = sklearn.transform([_rasa_document(message)]).toarray()[0]
        assert _dense(message).tolist() == expected.tolist(), text


def test_numbers_count_as_one_feature_whatever_the_digits():
    featurizer = CountVectorsFeaturizer({"analyzer": "word"})
    featurizer.train([_tokenized(text) for text in CORPUS], TrainingData())
    first, second = _tokenized("refill 1234567"), _tokenized("refill 9876543210")
    featurizer.process(first)
    featurizer.process(second)
    assert "__number__" in featurizer.vocabulary
    assert first.features[-1].values == second.features[-1].values


# -- LogisticRegressionClassifier against scikit-learn ---------------------------------------------
EXAMPLES = {
    "greet": ["hi", "hello there", "good morning", "hey", "hi again", "hello"],
    "request_refill": ["i need a refill", "refill please", "can i reorder my ivig",
                       "refill rx 1234567", "next shipment please", "send my refill"],
    "ask_ivig_treatment": ["what is ivig", "how does ivig work", "when does ivig start",
                           "how long is ivig given", "ivig dose", "is ivig safe"],
    "ask_what_is_nh": ["what is nh", "what is neonatal hemochromatosis", "is nh genetic",
                       "what causes nh", "tell me about gald", "why did nh happen"],
}
FEATURE_PIPELINE = [
    {"name": "WhitespaceTokenizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "word", "min_ngram": 1, "max_ngram": 2},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
]


def _training_data(examples: dict[str, list[str]]) -> TrainingData:
    return TrainingData([Example(text, intent)
                         for intent, texts in examples.items() for text in texts])


def _feature_row(components: list[Component], text: str) -> np.ndarray:
    message = Message(text)
    for component in components:
        component.process(message)
    return np.concatenate([_dense(message, i) for i in range(len(message.features))])


@pytest.mark.parametrize("intents", [list(EXAMPLES), ["greet", "request_refill"]],
                         ids=["four", "two"])
def test_logistic_regression_probabilities_equal_sklearns_predict_proba(intents: list[str]):
    data = _training_data({intent: EXAMPLES[intent] for intent in intents})
    config = {"pipeline": [*FEATURE_PIPELINE,
                           {"name": "LogisticRegressionClassifier", "max_iter": 500}]}
    model = train(config, data)
    featurizers = model.components[:-1]
    rows = csr_matrix(np.vstack([_feature_row(featurizers, e.text) for e in data.examples]))
    sklearn = LogisticRegression(solver="lbfgs", max_iter=500, tol=1e-4, random_state=42,
                                 class_weight="balanced")
    sklearn.fit(rows, [e.intent for e in data.examples])
    for text in ["hello", "refill for my baby", "what is ivig exactly", "nh gald", "qwerty"]:
        row = csr_matrix(_feature_row(featurizers, text))
        expected = dict(zip(sklearn.classes_, sklearn.predict_proba(row)[0], strict=True))
        parsed = model.parse_message(text)
        got = {entry["name"]: entry["confidence"] for entry in parsed.intent_ranking}
        assert got == pytest.approx(expected, abs=1e-9), text
        assert parsed.intent["name"] == sklearn.predict(row)[0]
        confidences = [entry["confidence"] for entry in parsed.intent_ranking]
        assert confidences == sorted(confidences, reverse=True)


def test_ranking_length_limits_the_ranking_but_not_the_intent():
    config = {"pipeline": [*FEATURE_PIPELINE,
                           {"name": "LogisticRegressionClassifier", "ranking_length": 2}]}
    parsed = train(config, _training_data(EXAMPLES)).parse("what is ivig")
    assert len(parsed["intent_ranking"]) == 2
    assert parsed["intent"] == parsed["intent_ranking"][0]


# -- FallbackClassifier ----------------------------------------------------------------------------
def _ranked(*confidences: float) -> Message:
    message = Message("text")
    message.intent_ranking = [{"name": f"intent_{i}", "confidence": c}
                              for i, c in enumerate(confidences)]
    message.intent = dict(message.intent_ranking[0])
    return message


@pytest.mark.parametrize(("confidences", "fallback"), [
    ((0.29, 0.01), True),    # below the threshold
    ((0.30, 0.01), False),   # at the threshold is enough, as in Rasa
    ((0.60, 0.56), True),    # ambiguous: the top two are closer than 0.05
    ((0.60, 0.54), False),
    ((0.95,), False),
])
def test_the_fallback_classifier_replaces_low_or_ambiguous_intents(confidences, fallback):
    message = _ranked(*confidences)
    FallbackClassifier({"threshold": 0.3, "ambiguity_threshold": 0.05}).process(message)
    if fallback:
        assert message.intent == {"name": "nlu_fallback", "confidence": 0.3}
        assert message.intent_ranking[0] == message.intent
        kept = [r["name"] for r in message.intent_ranking[1:]]
        assert kept == [f"intent_{i}" for i in range(len(confidences))]
    else:
        assert message.intent["name"] == "intent_0"


def test_a_trained_pipeline_falls_back_when_unsure():
    config = {"pipeline": [*FEATURE_PIPELINE, {"name": "LogisticRegressionClassifier"},
                           {"name": "FallbackClassifier", "threshold": 0.7}]}
    model = train(config, _training_data(EXAMPLES))
    assert model.parse("the weather in paris")["intent"]["name"] == "nlu_fallback"
    assert model.parse("what is ivig")["intent"]["name"] == "ask_ivig_treatment"



@pytest.mark.parametrize("text", ["?", "\U0001F62D\U0001F62D", "\u4ec0\u4e48\u662f", "\u0645\u0627 \u0647\u0648", ""])
def test_a_message_with_no_known_feature_is_a_fallback_not_the_likeliest_intent(app, text):
    """Punctuation, emoji or another script share nothing with the training data: the
    intercepts alone would say `affirm`, and an emoji would accept an offer."""
    parsed = app.test_client().post("/model/parse", json={"text": text}).get_json()
    assert parsed["intent"]["name"] == "nlu_fallback"
    assert parsed["intent_ranking"][1]["confidence"] < 0.2

# -- RegexEntityExtractor and EntitySynonymMapper ----------------------------------------------
ENTITY_NLU = r"""
version: "3.1"
nlu:
- intent: request_refill
  examples: |
    - refill rx [1234567](prescription_number) please
    - i need more [ivig](medication)
    - reorder [Privigen](medication:ivig)
    - a refill of [immune globulin](medication)
- intent: greet
  examples: |
    - hi
    - hello
- regex: prescription_number
  examples: |
    - \b(?:rx\s*#?\s*)?\d{6,10}\b
- regex: zip_code
  examples: |
    - \b\d{5}\b
- lookup: medication
  examples: |
    - ivig
    - privigen
    - immune globulin
    - gammagard
- synonym: ivig
  examples: |
    - immune globulin
"""
ENTITY_CONFIG = {"pipeline": [
    {"name": "WhitespaceTokenizer"}, {"name": "RegexFeaturizer"},
    {"name": "CountVectorsFeaturizer"}, {"name": "LogisticRegressionClassifier"},
    {"name": "RegexEntityExtractor"}, {"name": "EntitySynonymMapper"},
]}


@pytest.fixture(scope="module")
def entity_model(tmp_path_factory) -> NLUModel:
    path = tmp_path_factory.mktemp("nlu") / "nlu.yml"
    path.write_text(ENTITY_NLU)
    return train(ENTITY_CONFIG, load_training_data(path))


def test_regexes_and_lookups_named_like_an_entity_extract_it(entity_model):
    text = "Refill RX 7654321 of Gammagard, zip 94110"
    entities = entity_model.parse(text)["entities"]
    found = [(e["entity"], e["value"], text[e["start"]:e["end"]]) for e in entities]
    assert found == [("prescription_number", "RX 7654321", "RX 7654321"),
                     ("medication", "Gammagard", "Gammagard")]
    # zip_code is a regex but no example is annotated with it: a feature, not an entity.
    assert all(e["extractor"] == "RegexEntityExtractor" for e in entities)


def test_synonyms_map_extracted_values_to_their_canonical_value(entity_model):
    entities = entity_model.parse("reorder PRIVIGEN and Immune Globulin")["entities"]
    assert [(e["entity"], e["value"]) for e in entities] == [("medication", "ivig")] * 2
    assert all("EntitySynonymMapper" in e["processors"] for e in entities)


# -- the model file: fingerprint, save and load -----------------------------------------------
NLU_PROJECT_DATA = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
- intent: goodbye
  examples: |
    - bye
    - goodbye
"""


def _nlu_project(root: Path) -> Project:
    (root / "data").mkdir(parents=True)
    (root / "config.yml").write_text(yaml.safe_dump(
        {"recipe": "default.v1", "language": "en", "pipeline": FEATURE_PIPELINE + [
            {"name": "LogisticRegressionClassifier"}, {"name": "FallbackClassifier"}],
         "policies": [{"name": "RulePolicy"}]}))
    (root / "data" / "nlu.yml").write_text(NLU_PROJECT_DATA)
    (root / "data" / "rules.yml").write_text('version: "3.1"\nrules: []\n')
    return Project(root)


def test_the_model_file_is_named_by_a_hash_of_config_and_data(tmp_path):
    project = _nlu_project(tmp_path / "one")
    models = tmp_path / "models"
    _, path = train_project(project, models)
    assert path.exists() and re.fullmatch(r"nlu-[0-9a-f]{16}\.npz", path.name)
    assert path == model_path(project, models)
    same = _nlu_project(tmp_path / "two")  # the same files elsewhere: the same name
    assert model_path(same, models) == path

    (project.root / "data" / "rules.yml").write_text('version: "3.1"\nrules:\n- rule: r\n  steps:\n'
                                                     "  - intent: greet\n  - action: utter_greet\n")
    assert model_path(project, models) == path  # rules are not NLU data
    (project.root / "data" / "nlu.yml").write_text(NLU_PROJECT_DATA + "    - see you\n")
    data_changed = model_path(project, models)
    assert data_changed != path
    config = yaml.safe_load(project.config_path.read_text())
    config["pipeline"][-1]["threshold"] = 0.5
    project.config_path.write_text(yaml.safe_dump(config))
    assert model_path(project, models) not in {path, data_changed}


def test_start_up_loads_the_matching_model_or_trains_one(tmp_path, monkeypatch):
    project = _nlu_project(tmp_path / "project")
    models = tmp_path / "models"
    trained = load_or_train(project, models)  # none yet: trains and saves
    [saved] = models.glob("*.npz")

    def no_training(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("trained although a matching model exists")

    monkeypatch.setattr("bot.nlu.model.train", no_training)
    loaded = load_or_train(project, models)
    assert loaded.parse("hello there") == trained.parse("hello there")
    monkeypatch.undo()

    (project.root / "data" / "nlu.yml").write_text(NLU_PROJECT_DATA + "    - farewell\n")
    load_or_train(project, models)
    assert len(list(models.glob("*.npz"))) == 2 and saved.exists()


def test_a_saved_model_parses_exactly_as_the_trained_one(tmp_path, entity_model):
    path = tmp_path / "models" / "nlu-test.npz"
    entity_model.save(path)
    loaded = NLUModel.load(path, ENTITY_CONFIG)
    for text in ["refill rx 1234567 please", "hi", "reorder privigen", "something else", ""]:
        assert loaded.parse(text) == entity_model.parse(text)


def test_a_model_trained_with_another_pipeline_is_not_loaded(tmp_path, entity_model):
    path = tmp_path / "nlu-test.npz"
    entity_model.save(path)
    with pytest.raises(ConfigError, match="different pipeline"):
        NLUModel.load(path, {"pipeline": [*FEATURE_PIPELINE,
                                          {"name": "LogisticRegressionClassifier"}]})


# -- /model/parse ----------------------------------------------------------------------------------
def test_model_parse_answers_in_rasas_shape(app, engine):
    response = app.test_client().post("/model/parse", json={"text": "what is ivig"})
    assert response.status_code == 200
    parsed = response.get_json()
    assert parsed["text"] == "what is ivig"
    assert set(parsed["intent"]) >= {"name", "confidence"}
    assert parsed["intent"]["name"] == "ask_ivig_treatment"
    assert isinstance(parsed["entities"], list)
    ranking = parsed["intent_ranking"]
    assert (ranking[0]["name"], ranking[0]["confidence"]) == (parsed["intent"]["name"], parsed["intent"]["confidence"])
    # As Rasa: the retrieval intent's answer, from its ResponseSelector.
    assert parsed["intent"]["full_retrieval_intent_name"] == "ask_ivig_treatment/overview"
    selected = parsed["response_selector"]["ask_ivig_treatment"]["response"]
    assert selected["intent_response_key"] == "ask_ivig_treatment/overview"
    assert selected["utter_action"] == "utter_ask_ivig_treatment/overview"
    assert "ask_ivig_treatment" in parsed["response_selector"]["all_retrieval_intents"]
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert {r["name"] for r in ranking} <= set(engine.domain.intents) | {"nlu_fallback"}
    assert all(0.0 <= r["confidence"] <= 1.0 for r in ranking)


def test_model_parse_returns_entities_with_offsets_into_the_text(app):
    text = "please refill rx 1234567 for my daughter"
    parsed = app.test_client().post("/model/parse", json={"text": text}).get_json()
    [entity] = [e for e in parsed["entities"] if e["entity"] == "prescription_number"]
    assert text[entity["start"]:entity["end"]] == entity["value"]
    assert verification.prescription_number(entity["value"]) == "1234567"


def test_model_parse_understands_rasas_intent_shortcut(app):
    parsed = app.test_client().post(
        "/model/parse", json={"text": '/inform{"prescription_number": "7654321"}'}).get_json()
    assert parsed["intent"] == {"name": "inform", "confidence": 1.0}
    assert parsed["entities"] == [{"entity": "prescription_number", "value": "7654321"}]


# -- the emergency safety net ----------------------------------------------------------------------
EMERGENCIES = [
    "my baby is turning blue",
    "she is having a seizure right now",
    "my lips are swelling after the infusion",
    "newborn is not breathing!!",
    "we need an ambulance",
    "baby wont wake up and is floppy",
]
NOT_EMERGENCIES = [
    "what is nh",
    "what are the signs of trouble breathing",
    "our first baby had seizures in 2019",
    "is a headache a side effect of ivig",
    "i need a refill",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_the_safety_net_catches_an_emergency_the_classifier_never_learnt(text):
    # A model that knows nothing about emergencies: only the net can recognise them.
    model = train({"pipeline": [*FEATURE_PIPELINE, {"name": "LogisticRegressionClassifier"},
                                {"name": "FallbackClassifier"}]}, _training_data(EXAMPLES))
    assert "report_emergency" not in model.intents
    parsed = model.parse(text)
    assert parsed["intent"] == {"name": "report_emergency", "confidence": 1.0}
    assert parsed["intent_ranking"][0]["name"] == "report_emergency"
    assert parsed["emergency_net"]["now"] is True


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_the_safety_net_leaves_questions_about_signs_and_the_past_alone(text):
    assert not safety.check(text).matched


@pytest.mark.parametrize("text", EMERGENCIES)
def test_the_project_model_recognises_every_emergency(engine, text):
    assert engine.nlu.parse(text)["intent"]["name"] == "report_emergency"


# -- prescription number and date of birth ------------------------------------------------------
def test_the_project_model_extracts_a_prescription_number_and_a_date_of_birth(engine):
    parsed = engine.nlu.parse("refill rx 1234567, dob 03/14/1990")
    values = {e["entity"]: e["value"] for e in parsed["entities"]}
    assert verification.prescription_number(values["prescription_number"]) == "1234567"
    assert verification.date_of_birth(values["date_of_birth"]) == "1990-03-14"


TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("text", "iso"), [
    ("03/14/1990", "1990-03-14"),
    ("3/4/90", "1990-03-04"),
    ("14.03.1990", "1990-03-14"),  # a first number above 12 is the day
    ("1990-03-14", "1990-03-14"),
    ("March 14th, 1990", "1990-03-14"),
    ("14 march 1990", "1990-03-14"),
    ("my son was born on sept 2 2024", "2024-09-02"),
    ("03141990", "1990-03-14"),  # keyed on a phone keypad
    ("3 14 1990", "1990-03-14"),  # spoken, as speech recognition writes it
    ("02/30/1990", None),  # no such day
    ("12/01/2027", None),  # in the future
    ("01/01/1850", None),
    ("last tuesday", None),
    ("", None),
])
def test_dates_of_birth_are_normalised_to_iso(text, iso):
    assert verification.date_of_birth(text, today=TODAY) == iso


@pytest.mark.parametrize(("text", "digits"), [
    ("1234567", "1234567"),
    ("RX# 123-4567", "1234567"),
    ("my rx number is 7654321", "7654321"),
    ("one two three four five six seven", "1234567"),
    ("it's 12345678 thanks", "12345678"),
    ("12345", None),  # too short
    ("12345678901", None),  # too long
    ("1234567 or 7654321", None),  # which one?
    ("no idea", None),
    (None, None),
])
def test_prescription_numbers_are_read_as_digits(text, digits):
    assert verification.prescription_number(text) == digits


def test_the_nlu_examples_file_reader_keeps_entity_offsets(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text(textwrap.dedent("""
        version: "3.1"
        nlu:
        - intent: inform
          examples: |
            - my rx is [1234567](prescription_number) and dob [3/14/90]{"entity": "date_of_birth"}
        """))
    [example] = load_training_data(path).examples
    assert example.text == "my rx is 1234567 and dob 3/14/90"
    assert [(example.text[e["start"]:e["end"]], e["entity"]) for e in example.entities] == [
        ("1234567", "prescription_number"), ("3/14/90", "date_of_birth")]
