"""The customers library, Rasa-free: leads and tickets in the app database, purchase-intent scoring, hand-off
decisions. Shared by the action server, the web app and the CLI."""
