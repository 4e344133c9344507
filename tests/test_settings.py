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
