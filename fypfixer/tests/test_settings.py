"""Settings as production sees them: nothing insecure by default, `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "q3Vn8Zr2LwT5yXp0Kd7Ms4Hc1Jb6Gf9Ae-Ru2Wt8Yq5Zn3Lp7Kx0Vm4Ds1Hb6Gj9",
    "ALLOWED_HOSTS": "api.fypfixer.example",
    "CSRF_TRUSTED_ORIGINS": "https://api.fypfixer.example",
}


def manage(*arguments: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_security_headers_and_cookies():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY)"
    )

    result = manage("shell", "-c", script, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https') DENY True same-origin"
    )
