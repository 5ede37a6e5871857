"""`python -m preflight doctor|seed-secrets STACK`: see preflight/cli.py."""

import sys

from preflight.cli import main

sys.exit(main())
