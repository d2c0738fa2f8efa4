"""The bundle's entry point: the same front door as the `incident-timeline` command.

multiprocessing.freeze_support() (called first thing in app.cli.main) lets the spawned
sentiment workers of a frozen app run their job and exit instead of starting the app again.
"""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
