"""Sales analytics, Rasa-free: experiments with sticky assignment, sales events, reported orders, the funnel
and the statistics of experiment reports. Stands on `config.settings` only (an import-linter contract)."""
