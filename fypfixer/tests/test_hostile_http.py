"""Hostile HTTP through a live gunicorn: huge bodies, lying lengths, chunked bodies, junk in the admin."""

import json
import socket

import pytest

from fypfixer.tests.servers import Gunicorn, environment, manage


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("hostile")
    env = environment(
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        REDIS_URL="",
        DEBUG="False",
        SECRET_KEY="hostile-test-" + "k" * 50,
        SECURE_SSL_REDIRECT="False",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(workdir / "static"),
    )
    assert manage("migrate", "-v0", env=env).returncode == 0
    made = manage(
        "shell",
        "-c",
        "from accounts.models import User; from accounts.services import user_tokens; "
        "print(user_tokens(user=User.objects.create_user(email='h@example.com'))['token'])",
        env=env,
    )
    token = made.stdout.strip().splitlines()[-1]
    with Gunicorn(env, workdir / "gunicorn.log") as server:
        server.token = token
        yield server


def raw(server, request: bytes, timeout: float = 5.0) -> tuple[int, dict | None]:
    """Send raw bytes; return the status and the JSON body (None when not JSON)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as client:
        client.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < content_length(answer):
            chunk = client.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def content_length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def request(server, method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Authorization: Bearer {server.token}",
        "Connection: close",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_a_body_over_the_limit_is_413_before_it_is_read(server):
    body = b'{"dark_mode": true, "x": "' + b"a" * 3_000_000 + b'"}'
    status, answer = raw(
        server,
        request(
            server, "PATCH", "/api/preferences", {"Content-Type": "application/json", "Content-Length": len(body)}, body
        ),
    )

    assert status == 413
    assert answer["error"]["code"] == "payload_too_large"


def test_a_lying_content_length_is_413_at_once(server):
    headers = {"Content-Type": "application/json", "Content-Length": 10 * 1024**3}
    status, answer = raw(server, request(server, "PATCH", "/api/preferences", headers, b"{}"), timeout=3)

    assert status == 413
    assert answer["error"]["code"] == "payload_too_large"


def test_a_chunked_body_without_a_length_is_411_not_silently_dropped(server):
    chunk = b'{"dark_mode": false}'
    body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}

    status, answer = raw(server, request(server, "PATCH", "/api/preferences", headers, body))

    assert status == 411
    assert answer["error"]["code"] == "length_required"
    status, preferences = raw(server, request(server, "GET", "/api/preferences", {}))
    assert preferences["data"]["dark_mode"] is True  # nothing changed behind the client's back


@pytest.mark.parametrize(
    ("line", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431),
    ],
)
def test_requests_gunicorn_refuses_itself_get_the_json_envelope(server, line, status):
    got, answer = raw(server, line)

    assert got == status
    assert answer is not None and answer["success"] is False
