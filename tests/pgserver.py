"""A throw-away PostgreSQL server for the test suite (Debian's postgresql package).

``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` user, with its
data and socket in a temporary directory owned by that user. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.tmp: Path | None = None
        self.port = 0
        self.running = False

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        if self.bindir is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self.tmp = Path(tempfile.mkdtemp(prefix="caremgr-pg-"))
        data, sock = self.tmp / "data", self.tmp / "sock"
        data.mkdir()
        sock.mkdir()
        if os.geteuid() == 0:
            os.chmod(self.tmp, 0o755)
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(sock, "postgres", "postgres")
        res = self._run(self.bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8")
        if res.returncode != 0:
            raise RuntimeError(f"initdb failed: {res.stderr.strip()[-400:]}")
        self.port = _free_port()
        res = self._run(self.bindir / "pg_ctl", "-D", data, "-l", data / "server.log",
                        "-o", f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "-w", "start")
        if res.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {res.stderr.strip()[-400:]}")
        self.running = True

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        import psycopg2

        deadline = time.monotonic() + 10
        while True:
            try:
                conn = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=self.port)
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            cur.execute(f'CREATE DATABASE "{dbname}"')
        conn.close()
        return self.url(dbname)

    def stop(self) -> None:
        if self.running and self.tmp is not None:
            self._run(self.bindir / "pg_ctl", "-D", self.tmp / "data", "-m", "fast", "-w", "stop")
            self.running = False
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
