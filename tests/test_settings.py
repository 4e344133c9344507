"""Production settings refuse unsafe configurations and pass the deploy checks."""

import base64
import os
import secrets
import subprocess
import sys

from core.crypto import new_key_entry
from siskop2mi.paths import BASE_DIR


def run_manage(*args, **env):
    """manage.py under the production settings, with fresh personal-data keys unless a test gives its own."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FALLBACKS", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="siskop2mi.settings.production",
        PERSONAL_DATA_KEYS=new_key_entry("k1"),
        PERSONAL_DATA_HASH_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_passes_the_deploy_checks_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_a_long_secret_key_of_one_repeated_letter():
    result = run_manage("check", SECRET_KEY="a" * 60)
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


def test_production_refuses_a_generated_development_key():
    result = run_manage("check", SECRET_KEY="django-insecure-" + secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


def test_production_refuses_a_weak_key_among_the_fallbacks():
    fallbacks = f"{secrets.token_urlsafe(50)},{'ab' * 30}"
    result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), SECRET_KEY_FALLBACKS=fallbacks)
    assert result.returncode != 0
    assert "SECRET_KEY_FALLBACKS" in result.stderr
    assert "entry 2 is not" in result.stderr


def test_production_accepts_random_fallback_keys():
    fallbacks = f"{secrets.token_urlsafe(50)},{secrets.token_urlsafe(50)}"
    result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), SECRET_KEY_FALLBACKS=fallbacks)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_the_personal_data_keys():
    result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), PERSONAL_DATA_KEYS="")
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEYS lists no key" in result.stderr
    result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), PERSONAL_DATA_HASH_KEY="")
    assert result.returncode != 0
    assert "PERSONAL_DATA_HASH_KEY must be a base64 key" in result.stderr


def test_production_refuses_a_personal_data_key_of_the_wrong_size():
    short = base64.urlsafe_b64encode(os.urandom(16)).decode()
    result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), PERSONAL_DATA_KEYS=f"k2:{short}")
    assert result.returncode != 0
    assert "entry 1 (k2) must hold a base64 key of exactly 32 bytes" in result.stderr


def test_each_test_process_gets_its_own_redis_database_below_the_given_one():
    from siskop2mi.settings.test import redis_url_for_test_process

    assert redis_url_for_test_process("redis://127.0.0.1:6379/15", 0) == "redis://127.0.0.1:6379/15"
    assert redis_url_for_test_process("redis://127.0.0.1:6379/15", 1) == "redis://127.0.0.1:6379/14"
    assert redis_url_for_test_process("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/15"
    assert redis_url_for_test_process("unix:///srv/redis.sock?db=0", 2) == "unix:///srv/redis.sock?db=14"


def test_a_test_process_and_the_servers_it_starts_use_the_same_redis_database():
    """A Celery worker a test starts inherits PYTEST_XDIST_WORKER and reads the test settings again:
    it must not move one database further down, where the test's tasks never arrive."""
    code = "from django.conf import settings; print(settings.REDIS_URL, settings.CACHES['default']['LOCATION'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "siskop2mi.settings.test", "PYTEST_XDIST_WORKER": "gw1"}
    env.pop("TEST_PROCESS_REDIS_URL", None)
    env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    setup = "import django; django.setup(); "
    first = subprocess.run(
        [sys.executable, "-c", setup + code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert first.stdout.split() == ["redis://127.0.0.1:6379/14"] * 2
    env.update(REDIS_URL="redis://127.0.0.1:6379/14", TEST_PROCESS_REDIS_URL="redis://127.0.0.1:6379/14")
    child = subprocess.run(
        [sys.executable, "-c", setup + code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert child.stdout.split() == ["redis://127.0.0.1:6379/14"] * 2


def test_celery_and_redis_py_use_the_same_database_of_a_redis_on_a_unix_socket(tmp_path):
    """Celery's socket transport ignores ?db= (it reads ?virtual_host=): a task sent there went to
    database 0 while the health check and the queue lengths read the configured one."""
    import redis
    from kombu import Connection

    from bench.load import start_private_redis
    from siskop2mi.settings.base import celery_url

    server, url = start_private_redis(str(tmp_path))
    try:
        in_database_5 = url.replace("db=0", "db=5")
        with Connection(celery_url(in_database_5)) as connection:
            connection.SimpleQueue("a-queue").put({"n": 1})
        assert redis.Redis.from_url(in_database_5).llen("a-queue") == 1
        assert redis.Redis.from_url(url).llen("a-queue") == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
