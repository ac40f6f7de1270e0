#!/usr/bin/env python3
"""Installs everything the test suite needs, then runs all of it.

    python3 run_tests.py [pytest arguments]

Python packages go into .venv; as root on Debian/Ubuntu, missing system packages (Xvfb for the
window tests, PostgreSQL for the database tests, poppler for PDF text, fonts) come from apt-get.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import devtools

SYSTEM_NEEDS = {
    # package: how to tell it is already there
    "xvfb": lambda: shutil.which("Xvfb"),
    "xauth": lambda: shutil.which("xauth"),
    "poppler-utils": lambda: shutil.which("pdftotext"),
    "fonts-dejavu-core": lambda: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists(),
    "fonts-liberation2": lambda: Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf").exists(),
    "postgresql": lambda: list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
}


def install_system_packages() -> None:
    missing = [pkg for pkg, present in SYSTEM_NEEDS.items() if not present()]
    if not missing:
        return
    # One failing package must not keep the others out: retry them one by one.
    if devtools.can_install_system_packages() and not devtools.apt_install(missing):
        for pkg in missing:
            devtools.apt_install([pkg])
    still = [pkg for pkg, present in SYSTEM_NEEDS.items() if not present()]
    if still:
        devtools.say("not available: " + ", ".join(still) + " (tests that need them report why)")


def main() -> int:
    python = devtools.ensure_venv("[test]")
    install_system_packages()
    env = dict(os.environ)
    if SYSTEM_NEEDS["postgresql"]():
        # The server is installed, so a PostgreSQL run that cannot start is a failure, not a skip.
        env["CAREMGR_REQUIRE_POSTGRES"] = "1"
    devtools.say("ruff check …")
    lint = subprocess.call([str(devtools.venv_bin("ruff")), "check", "."], cwd=devtools.ROOT)
    devtools.say("pytest …")
    tests = subprocess.call([str(python), "-m", "pytest", *sys.argv[1:]], cwd=devtools.ROOT, env=env)
    return tests or lint


if __name__ == "__main__":
    sys.exit(main())
