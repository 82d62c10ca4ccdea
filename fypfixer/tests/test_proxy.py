"""The production topology survives slow clients: nginx (deploy/nginx.conf) in front of gunicorn.

Real processes on this machine: gunicorn serving the app, and Debian's nginx running the
repository's configuration. Skipped where nginx is not installed (CI installs it).
"""

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from fypfixer.tests.servers import ROOT, Gunicorn, environment, free_port, get

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="needs nginx (apt-get install nginx)")


class Nginx:
    """deploy/nginx.conf, listening on a free port and proxying to `upstream`."""

    def __init__(self, upstream: str, workdir: Path):
        self.port = free_port()
        config = (ROOT / "deploy" / "nginx.conf").read_text()
        config = config.replace("server web:8000;  # UPSTREAM", f"server {upstream};")
        config = config.replace("listen 8080;  # LISTEN", f"listen 127.0.0.1:{self.port};")
        config = config.replace("/tmp/nginx", str(workdir / "nginx"))
        self.config = workdir / "nginx.conf"
        self.config.write_text(config)
        self.workdir = workdir
        self.process = None

    def __enter__(self):
        import subprocess

        self.log = open(self.workdir / "nginx.log", "w")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.workdir), "-c", str(self.config), "-g", "daemon off; user root;"],
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                get(f"http://127.0.0.1:{self.port}/api/health", timeout=1)
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.__exit__()
        pytest.fail("nginx did not start: " + (self.workdir / "nginx.log").read_text())

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


class SlowClients:
    """Connections that send a request's headers one byte every `interval` seconds."""

    def __init__(self, port: int, count: int, interval: float = 2.0):
        self.port, self.count, self.interval = port, count, interval
        self.sockets: list[socket.socket] = []
        self.cut: list[float] = []
        self._stop = threading.Event()
        self._started = time.monotonic()

    def __enter__(self):
        for _ in range(self.count):
            client = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            client.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            self.sockets.append(client)
        threading.Thread(target=self._trickle, daemon=True).start()
        return self

    def _trickle(self):
        alive = list(self.sockets)
        while alive and not self._stop.wait(self.interval):
            for client in list(alive):
                try:
                    client.sendall(b"a")
                    client.setblocking(False)
                    try:
                        if client.recv(1024) == b"":
                            raise ConnectionResetError
                    except BlockingIOError:
                        pass
                    finally:
                        client.setblocking(True)
                except OSError:
                    alive.remove(client)
                    self.cut.append(time.monotonic() - self._started)

    def __exit__(self, *exc_info):
        self._stop.set()
        for client in self.sockets:
            client.close()


def probe(url: str, seconds: float) -> list[tuple[int, float]]:
    """Ask for `url` every 0.25 s for `seconds`; return (status or 0, seconds taken) for each."""
    answers = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, taken, _body = get(url, timeout=1.0)
        except OSError:
            status, taken = 0, 1.0
        answers.append((status, taken))
        time.sleep(0.25)
    return answers


@pytest.fixture
def app(tmp_path):
    env = environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="",
        DEBUG="False",
        SECRET_KEY="proxy-test-" + "k" * 50,
        SECURE_SSL_REDIRECT="False",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    from fypfixer.tests.servers import manage

    assert manage("migrate", "-v0", env=env).returncode == 0
    with Gunicorn(env, tmp_path / "gunicorn.log") as server:
        yield server


def test_without_the_proxy_a_few_slow_clients_take_gunicorn_down(app):
    """Why the proxy is there: gunicorn gives each slow client a thread until its headers end."""
    with SlowClients(app.port, count=8):
        answers = probe(f"{app.base}/api/health", seconds=4)

    assert sum(status == 200 for status, _taken in answers) == 0


def test_behind_nginx_50_slow_clients_leave_health_answering_and_are_cut(app, tmp_path):
    with Nginx(f"127.0.0.1:{app.port}", tmp_path) as proxy, SlowClients(proxy.port, count=50) as slow:
        answers = probe(f"http://127.0.0.1:{proxy.port}/api/health", seconds=13)
        cut = sorted(slow.cut)

    assert answers, "no probe was made"
    assert all(status == 200 and taken < 1.0 for status, taken in answers), answers
    # client_header_timeout (10 s) cuts every slow connection.
    assert len(cut) == 50 and cut[-1] < 13, cut


def test_errors_nginx_answers_itself_are_in_the_envelope(app, tmp_path):
    with Nginx(f"127.0.0.1:{app.port}", tmp_path) as proxy:
        status, _taken, body = get(f"http://127.0.0.1:{proxy.port}/api/health?{'x' * 20000}")

    assert status == 414
    assert body.startswith('{"success":false,"error":{"code":"uri_too_long"')
