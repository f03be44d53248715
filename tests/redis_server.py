"""A real redis-server (Debian's package) for the test session, like the embedded PostgreSQL."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on a loopback port with no persistence, in a temporary folder."""

    def __init__(self, process: subprocess.Popen, port: int, root: Path) -> None:
        self.process, self.port, self.root = process, port, root

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @classmethod
    def start(cls) -> RedisServer:
        """Start the server, or fail the test with what to install (never skip)."""
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(
                "redis-server is not installed: the job engine's Redis tests never "
                "skip. `make test` installs it (apt-get install redis-server).",
                pytrace=False,
            )
        root = Path(tempfile.mkdtemp(prefix="factcheck-redis-"))
        port = _free_port()
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(root),
                "--daemonize",
                "no",
                "--logfile",
                str(root / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64).startswith(b"+PONG"):
                        return cls(process, port, root)
            except OSError:
                time.sleep(0.05)
        log = (root / "redis.log").read_text() if (root / "redis.log").exists() else ""
        process.kill()
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"redis-server did not start: {log[-500:]}", pytrace=False)

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as conn:
            conn.sendall(b"FLUSHALL\r\n")
            conn.recv(64)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
