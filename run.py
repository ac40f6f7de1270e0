#!/usr/bin/env python3
"""Sets up caremgr in .venv (first time only) and opens the application.

    python3 run.py            # open caremgr; an empty database starts the set-up wizard
    python3 run.py --demo     # same, with "load demo data" already ticked in the wizard
    python3 run.py --db FILE  # any other caremgr option or command is passed on
"""

import subprocess
import sys

import devtools

if __name__ == "__main__":
    python = devtools.ensure_venv()
    sys.exit(subprocess.call([str(python), "-m", "ui.cli", *sys.argv[1:]], cwd=devtools.ROOT))
