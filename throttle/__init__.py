"""Abuse limits shared by the Rasa channels (Python 3.10) and the web app (Python 3.11): message rates per
sender and per client address, the longest message read, and the client address behind a trusted proxy.
Standard library only, so both environments import it (a contract in pyproject.toml checks it)."""
