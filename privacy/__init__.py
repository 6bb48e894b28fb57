"""The privacy library, Rasa-free: personal-data export, erasure and retention across every store that
registers itself, PII redaction, and the agent console's accounts, sessions and audit log."""
