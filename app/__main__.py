"""`python -m app` runs the same front door as the `incident-timeline` command."""

import sys

import app

# before the command line's imports: a Ctrl-C while they load ends the command quietly
app.hold_ctrl_c_until_started()

from app.cli import main  # noqa: E402 - after the handler above, on purpose

sys.exit(main())
