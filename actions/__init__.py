"""Rasa custom actions: thin adapters between the dialogue and the knowledge engine.

The action server imports this package first, so its log lines are redacted (privacy.redact) from the start.
"""

from privacy.redact import install_log_redaction

install_log_redaction()
