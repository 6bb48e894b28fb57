"""Rasa input channels for salesbot, loaded by the Rasa server by module path from credentials.yml."""
