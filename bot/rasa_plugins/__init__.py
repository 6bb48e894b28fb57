"""Code the Rasa server loads (Python 3.10): input channels, the NLU sentence featurizer, the lock store.

Rasa imports these by module path from bot/config.yml, bot/credentials.yml and endpoints.yml. They may
import only the standard library, Rasa and what Rasa installs, never the Python 3.11 code
(knowledge/, actions/, the rest of bot/); an import-linter contract in pyproject.toml checks it.
"""
