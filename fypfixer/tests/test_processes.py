"""The app used the way operators use it: manage.py commands in fresh processes.

Nothing is imported beforehand, so a registration that only happens when some module
happens to be imported (and the test suite imports everything) would show here.
"""

import pytest

from fypfixer.tests.servers import environment, manage

PASSWORD = "a-long-enough-password-1"


@pytest.fixture
def fresh_database(tmp_path):
    """A migrated SQLite database of its own, with the suite's cache settings (Redis in CI)."""
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage("migrate", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    return env


def test_creating_a_user_in_the_shell_works(fresh_database):
    script = (
        "from accounts.models import User; "
        f"user = User.objects.create_user(email='shell@example.com', password='{PASSWORD}'); "
        "user.language = 'ru'; user.save(); print('created', user.pk)"
    )

    result = manage("shell", "-c", script, env=fresh_database)

    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout


def test_changepassword_works(fresh_database):
    created = manage(
        "shell",
        "-c",
        f"from accounts.models import User; User.objects.create_user(email='op@example.com', password='{PASSWORD}')",
        env=fresh_database,
    )
    assert created.returncode == 0, created.stderr

    # Without a terminal, changepassword reads the new password twice from its input.
    new_password = "another-long-password-2"
    result = manage("changepassword", "op@example.com", env=fresh_database, stdin=f"{new_password}\n{new_password}\n")

    assert result.returncode == 0, result.stderr
    assert "Password changed successfully" in result.stdout
    check = manage(
        "shell",
        "-c",
        "from accounts.models import User; "
        f"print(User.objects.get(email='op@example.com').check_password('{new_password}'))",
        env=fresh_database,
    )
    assert check.stdout.strip().endswith("True"), check.stderr


def test_loading_the_fixtures_twice_in_fresh_processes_works(fresh_database):
    for _ in range(2):
        result = manage("loaddata", "categories", "demo_plans", env=fresh_database)
        assert result.returncode == 0, result.stderr
