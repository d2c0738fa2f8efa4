"""`python -m app` runs the same front door as the `incident-timeline` command."""

import sys

from app.cli import main

sys.exit(main())
