"""``namhoc serve`` answers strangers without debug information (issue 9, item 7): a real server
process, on a fresh data directory, with no NAMHOC_DEBUG set (development mode would default to
DEBUG on). Static files are still served (whitenoise)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.slow
def test_serve_runs_without_debug_pages_and_serves_static_files(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
    env.update({"NAMHOC_DATA_DIR": str(tmp_path), "NAMHOC_ENV": "development"})
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "namhoc.cli",
            "serve",
            "--no-worker",
            "--workers",
            "1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = _get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not start in 60 s"
                time.sleep(0.2)

        # An anonymous stranger asking for a page that does not exist: no URL list
        status, _, body = _get(f"{base}/khong-co-trang-nay/")
        assert status == 404
        assert "<h1>Không tìm thấy</h1>" in body
        assert "URLconf" not in body
        assert "van-ban/" not in body

        # The API answers JSON
        status, headers, body = _get(f"{base}/api/khong-co")
        assert status == 404
        assert headers["Content-Type"].startswith("application/json")
        assert '"code": "not_found"' in body

        # The sign-in page and its stylesheet are served
        status, _, body = _get(f"{base}/dang-nhap/")
        assert status == 200
        assert "Đăng nhập" in body
        status, headers, body = _get(f"{base}/static/namhoc/app.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert len(body) > 1000
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
