"""example/rotation.py: the two-service key rotation that `make demo` walks
through (an auth service publishing its JWKS, an API service verifying
through JWK_URL), run as a test on its own SQLite file."""

from tests.test_example_project import example_env, free_port, run


def test_the_two_service_rotation_refuses_no_valid_token(tmp_path):
    env = example_env(EXAMPLE_DB=str(tmp_path / "db.sqlite3"))
    for command in (
        ["manage.py", "migrate", "--noinput"],
        ["manage.py", "ensure_demo_user"],
    ):
        proc = run(command, env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run(["rotation.py", "--check", "--port", str(free_port())], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Key rotation: all 9 checks behaved as expected." in proc.stdout
    assert "token from step 1: refused (401)" in proc.stdout
    assert proc.stdout.count(": accepted") == 7
