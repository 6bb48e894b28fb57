"""`python -m bot.cli` runs the salesbot command line (the same as the `salesbot` script)."""

import sys

from bot.cli.main import main

sys.exit(main())
