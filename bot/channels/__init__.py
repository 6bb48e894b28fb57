"""Rasa input channels for salesbot, loaded by the Rasa server by module path from credentials.yml.

They run in the Rasa environment (Python 3.10): import only the standard library, Rasa and what
Rasa installs, never the 3.11 stack (knowledge/, actions/).
"""
