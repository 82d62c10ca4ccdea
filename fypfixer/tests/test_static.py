"""The admin's CSS and JS are served by the app itself under gunicorn with DEBUG off."""

import re
import urllib.request

from fypfixer.tests.servers import Gunicorn, environment, get, manage


def test_admin_static_files_are_served_under_gunicorn_with_debug_off(tmp_path):
    env = environment(
        DEBUG="False",
        SECRET_KEY="static-test-" + "k" * 50,
        SECURE_SSL_REDIRECT="False",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="",
    )
    collected = manage("collectstatic", "--noinput", "-v0", env=env)
    assert collected.returncode == 0, collected.stderr
    with Gunicorn(env, tmp_path / "gunicorn.log", probe="/admin/login/") as server:
        status, _seconds, page = get(f"{server.base}/admin/login/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the login page links a fingerprinted stylesheet"
        with urllib.request.urlopen(server.base + stylesheet.group(1), timeout=5) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/css")
            assert "max-age=315360000" in response.headers["Cache-Control"]
