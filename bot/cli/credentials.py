"""The credentials file Rasa runs with: bot/credentials.yml minus the channels that are not configured.

Rasa refuses to start when credentials.yml names an unset `${VARIABLE}`, and a channel with an empty
token fails at start-up. So the template lists every channel, and a channel goes into the file Rasa
reads only when all the variables it names have a value (an optional key, such as `api_url`, is left
out instead when its variables have none). Secrets stay in the environment: the file
keeps the `${...}` references and Rasa expands them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

VARIABLE = re.compile(r"\$\{([^}]+)\}")
# Keys a channel runs without: left out when their variables are empty, the channel then uses its own
# default (the Slack and Telegram API URLs are constants in bot/rasa_plugins/channels; no trusted proxy).
OPTIONAL_KEYS = frozenset({"api_url", "trusted_proxies"})


def variables(section: Any) -> set[str]:
    """Every `${NAME}` in a channel's section."""
    if isinstance(section, Mapping):
        return set().union(*(variables(value) for value in section.values()))
    if isinstance(section, list):
        return set().union(*(variables(value) for value in section))
    return set(VARIABLE.findall(section)) if isinstance(section, str) else set()


def configured_channels(template: Path, environ: Mapping[str, str]) -> dict[str, Any]:
    channels = yaml.safe_load(template.read_text()) or {}
    configured = {}
    for name, section in channels.items():
        if isinstance(section, Mapping):  # an optional key without its values is left out
            section = {
                key: value
                for key, value in section.items()
                if key not in OPTIONAL_KEYS or all(environ.get(v) for v in variables(value))
            }
        if all(environ.get(v) for v in variables(section)):
            configured[name] = section
    return configured


def write_credentials(template: Path, environ: Mapping[str, str], target: Path) -> list[str]:
    """Write the configured channels to `target`; returns their names."""
    channels = configured_channels(template, environ)
    target.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Written by salesbot from {template.name} at start-up: only the configured channels. Do not edit.\n"
    target.write_text(header + yaml.safe_dump(channels, sort_keys=False))
    return list(channels)
