"""The credentials file Rasa runs with: bot/credentials.yml minus the channels that are not configured.

Rasa refuses to start when credentials.yml names an unset `${VARIABLE}`, and a channel with an empty
token fails at start-up. So the template lists every channel, and a channel goes into the file Rasa
reads only when all the variables it names have a value. Secrets stay in the environment: the file
keeps the `${...}` references and Rasa expands them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

VARIABLE = re.compile(r"\$\{([^}]+)\}")


def variables(section: Any) -> set[str]:
    """Every `${NAME}` in a channel's section."""
    if isinstance(section, Mapping):
        return set().union(*(variables(value) for value in section.values()))
    if isinstance(section, list):
        return set().union(*(variables(value) for value in section))
    return set(VARIABLE.findall(section)) if isinstance(section, str) else set()


def configured_channels(template: Path, environ: Mapping[str, str]) -> dict[str, Any]:
    channels = yaml.safe_load(template.read_text()) or {}
    return {name: section for name, section in channels.items() if all(environ.get(v) for v in variables(section))}


def write_credentials(template: Path, environ: Mapping[str, str], target: Path) -> list[str]:
    """Write the configured channels to `target`; returns their names."""
    channels = configured_channels(template, environ)
    target.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Written by salesbot from {template.name} at start-up: only the configured channels. Do not edit.\n"
    target.write_text(header + yaml.safe_dump(channels, sort_keys=False))
    return list(channels)
