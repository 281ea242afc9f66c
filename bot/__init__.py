"""NH Support Line: a patient-support bot on Twilio with a Rasa-format dialogue engine."""
