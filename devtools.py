"""Set-up shared by run.py and run_tests.py: a project virtualenv with caremgr installed in it.

Only the standard library is used here, because this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
IS_WINDOWS = os.name == "nt"


def say(message: str) -> None:
    print(f"[caremgr] {message}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if IS_WINDOWS else "bin/python")


def venv_bin(name: str) -> Path:
    return VENV / ("Scripts" if IS_WINDOWS else "bin") / (name + (".exe" if IS_WINDOWS else ""))


def check_python() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this runs on whatever python3 the user has
        sys.exit(f"caremgr needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    try:
        import tkinter  # noqa: F401
    except ImportError:
        if not IS_WINDOWS and shutil.which("apt-get") and can_install_system_packages():
            apt_install(["python3-tk"])
        try:
            import tkinter  # noqa: F401, F811
        except ImportError:
            sys.exit("This Python has no Tk (tkinter). Install it first, e.g. 'apt-get install python3-tk' "
                     "on Debian/Ubuntu, or the python.org installer on Windows (Tk is included).")


def ensure_venv(extras: str = "") -> Path:
    """Creates .venv and installs caremgr (editable) with the extras; repeats only when pyproject changes."""
    check_python()
    if not venv_python().exists():
        say("creating the virtual environment in .venv …")
        create_venv()
    stamp = VENV / f".installed{extras or '-base'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        say(f"installing caremgr{extras} and its dependencies …")
        subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=False)
        subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet", "-e", f".{extras}"],
                       check=True, cwd=ROOT)
        stamp.write_text(wanted)
    return venv_python()


def create_venv() -> None:
    try:
        venv.EnvBuilder(with_pip=True).create(VENV)
        return
    except (subprocess.CalledProcessError, OSError) as exc:
        failure = exc
    # Debian/Ubuntu ship venv's pip bootstrap separately (python3-venv).
    shutil.rmtree(VENV, ignore_errors=True)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if can_install_system_packages() and (apt_install([f"python{version}-venv"]) or apt_install(["python3-venv"])):
        venv.EnvBuilder(with_pip=True).create(VENV)
        return
    sys.exit(f"Could not create .venv ({failure}). On Debian/Ubuntu install python3-venv "
             f"(sudo apt-get install python{version}-venv) and run this again.")


def can_install_system_packages() -> bool:
    return not IS_WINDOWS and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


_apt_updated = False


def apt_install(packages: list[str]) -> bool:
    global _apt_updated
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        say("apt-get update …")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        _apt_updated = True
    say("apt-get install " + " ".join(packages) + " …")
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        say("apt-get failed: " + result.stderr.strip()[-300:])
    return result.returncode == 0
