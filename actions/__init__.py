"""Custom actions for the NH Support Line, written against rasa_sdk only.

They run in-process through rasa_sdk's ActionExecutor, or on a rasa_sdk action server
(`python -m rasa_sdk --actions actions`) with the same environment (REDIS_URL, ...).
"""
