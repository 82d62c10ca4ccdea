"""Faults: PostgreSQL or Redis going away and coming back, under a real gunicorn.

The app runs in its own gunicorn process and reaches PostgreSQL and Redis through TCP
proxies that this test can cut and restore, as a server stopping and starting would.
Runs where the suite runs on PostgreSQL and Redis (CI); skipped on the embedded default.
"""

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts.models import User
from conftest import PASSWORD, make_plan
from fypfixer.tests.servers import (
    NEEDS_POSTGRES_AND_REDIS,
    Gunicorn,
    environment,
    eventually,
    free_port,
    get,
    manage,
    shared_database_url,
)

pytestmark = NEEDS_POSTGRES_AND_REDIS


class Proxy:
    """A TCP forwarder to (host, port) that can be cut (refusing and dropping) and restored."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = free_port()
        self._listener = None
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and reset every open connection, like a server that went down."""
        listener, self._listener = self._listener, None
        # shutdown() first: close() alone does not wake a thread blocked in accept().
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
            link.close()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            # The timeout was for connecting: an idle link stays open, as on a real network.
            server.settimeout(None)
            with self._lock:
                self._links += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()


@pytest.fixture
def stack(tmp_path):
    """Proxies to PostgreSQL and Redis, and gunicorn serving the app through them."""
    database = settings.DATABASES["default"]
    redis = urlsplit(settings.REDIS_URL)
    postgres_proxy = Proxy(database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432))
    redis_proxy = Proxy(redis.hostname, redis.port or 6379)
    postgres_proxy.start()
    redis_proxy.start()
    env = environment(
        DATABASE_URL=shared_database_url().replace(
            f"{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}", f"127.0.0.1:{postgres_proxy.port}"
        ),
        REDIS_URL=f"redis://127.0.0.1:{redis_proxy.port}{redis.path or '/0'}",
        DEBUG="False",
        SECRET_KEY=settings.SECRET_KEY + "-faults-test-0123456789",
        SECURE_SSL_REDIRECT="False",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path),
        JWT_SIGNING_KEY=settings.SIMPLE_JWT["SIGNING_KEY"],
    )
    with Gunicorn(env, tmp_path / "gunicorn.log") as server:
        yield server.base, postgres_proxy, redis_proxy, env
    for proxy in (postgres_proxy, redis_proxy):
        if proxy._listener is not None:
            proxy.cut()


def test_without_postgresql_the_api_answers_503_fast_and_recovers(stack, category):
    base, postgres, _redis, _env = stack
    User.objects.create_user(email="faults@example.com", password=PASSWORD)
    assert get(f"{base}/api/health")[0] == 200
    assert get(f"{base}/api/categories")[0] == 200

    postgres.cut()

    # Health checks the database at most once a second per worker (HEALTH_CHECK_SECONDS).
    probes = []
    assert eventually(lambda: probes.append(get(f"{base}/api/health")) or probes[-1][0] == 503, seconds=3)
    body = probes[-1][2]
    assert all(probe_seconds < 2.0 for _status, probe_seconds, _body in probes)
    assert '"database":"unavailable"' in body and "Traceback" not in body
    request = urllib.request.Request(
        f"{base}/api/auth/login",
        data=b'{"email": "faults@example.com", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=5)
        login_status, login_body = 200, ""
    except urllib.error.HTTPError as error:
        login_status, login_body = error.code, error.read().decode()
    assert login_status == 503
    assert '"code":"service_unavailable"' in login_body
    plans_status, plans_seconds, _ = get(f"{base}/api/plans?category=nope")
    assert plans_status == 503 and plans_seconds < 2.0

    postgres.start()

    # The first request on each broken connection may still answer 503 (it drops it).
    assert eventually(lambda: get(f"{base}/api/health")[0] == 200, seconds=5)
    assert eventually(lambda: get(f"{base}/api/plans?category=nope")[0] == 404, seconds=5)


def test_without_redis_the_api_keeps_serving_and_health_says_so(stack, category):
    base, _postgres, redis, _env = stack
    assert get(f"{base}/api/categories")[0] == 200

    redis.cut()

    probes = []
    assert eventually(lambda: probes.append(get(f"{base}/api/health")) or '"cache":"unavailable"' in probes[-1][2], 3)
    status, seconds, body = probes[-1]
    assert status == 200 and all(probe_seconds < 2.0 for _status, probe_seconds, _body in probes)
    assert '"status":"degraded"' in body
    for path in ("/api/categories", "/api/plans", "/api/plan?category=personal_growth"):
        code, seconds, _ = get(f"{base}{path}")
        assert code in (200, 404) and seconds < 2.0, path

    redis.start()

    assert eventually(lambda: '"cache":"connected"' in get(f"{base}/api/health")[2], seconds=5)


def test_an_edit_saved_while_redis_is_down_is_served_once_it_is_back(stack, category):
    """The version bump cannot reach Redis during the save; the old payloads must not come back."""
    base, _postgres, redis, env = stack
    plan = make_plan(category=category, title="Before the outage")
    url = f"{base}/api/plans/{plan.pk}"
    assert '"title":"Before the outage"' in get(url)[2]  # now cached in Redis

    redis.cut()
    # An editor saves from another process (the admin, a shell) that cannot reach Redis either.
    edit = manage(
        "shell",
        "-c",
        f"from plans.models import Plan; p = Plan.objects.get(pk={plan.pk}); "
        "p.title = 'Saved during the outage'; p.save()",
        env=env,
    )
    assert edit.returncode == 0, edit.stderr
    redis.start()

    # At most CONTENT_VERSION_SECONDS (2 s) after Redis is back, never the old plan for an hour.
    assert eventually(
        lambda: '"title":"Saved during the outage"' in get(url)[2], seconds=settings.CONTENT_VERSION_SECONDS + 2
    )


def test_with_redis_down_wrong_passwords_are_still_limited(stack, category):
    base, _postgres, redis, _env = stack
    User.objects.create_user(email="guessed@example.com", password=PASSWORD)
    redis.cut()

    def login() -> int:
        request = urllib.request.Request(
            f"{base}/api/auth/login",
            data=b'{"email": "guessed@example.com", "password": "wrong-guess"}',
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # The limits count in fixed one-minute windows: start the 15 tries early in one, so a
    # window ending halfway (and its count starting again) cannot split them.
    into_window = time.time() % 60
    if into_window > 30:
        time.sleep(60 - into_window + 0.1)
    answers = [login() for _ in range(15)]

    # One worker: its own count of wrong passwords (5 a minute per email and address) holds.
    assert answers[:5] == [401] * 5
    assert set(answers[5:]) == {429}
