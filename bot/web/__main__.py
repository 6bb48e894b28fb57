"""python -m bot.web [--port N]: serve the demo shop page and the chat widget."""

from __future__ import annotations

import argparse
import logging
import sys

from aiohttp import web

from bot.web.app import create_app
from bot.web.widget import WidgetAssetsMissing
from config.settings import SettingsError, load_settings
from privacy.redact import install_log_redaction


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    parser.add_argument("--port", type=int, help="default: SALESBOT_WEB_PORT (5080)")
    args = parser.parse_args()
    try:
        settings = load_settings()
        app = create_app(settings)
    except (SettingsError, WidgetAssetsMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    install_log_redaction()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(app, port=args.port or settings.web_port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
