"""Production settings refuse to start without their secrets and pass `check --deploy` with them set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-only-0123456789abcdef",
    "ALLOWED_HOSTS": "stigar.example.org",
    "DATABASE_URL": "postgres://stigar@127.0.0.1:5432/stigar",
    "PSEUDONYM_KEY": "another-long-random-secret-for-pseudonyms-0123456789",
}


def _run(*args: str, env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SECRETS and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_production_refuses_to_start_without_each_secret(missing: str) -> None:
    result = _run("manage.py", "check", env_overrides={k: v for k, v in SECRETS.items() if k != missing})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_check_deploy_is_clean_with_the_secrets_set(tmp_path: Path) -> None:
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={**SECRETS, "STIGAR_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


CSP_PROBE = """
import json
import django

django.setup()
from django.test import Client

client = Client()
print(json.dumps({
    path: client.get(path, secure=True, HTTP_HOST="stigar.example.org").get("Content-Security-Policy")
    for path in ("/api/schema/", "/admin/")
}))
"""


def _directives(header: str) -> dict[str, set[str]]:
    return {
        name: set(values) for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_production_sends_a_strict_content_security_policy(tmp_path: Path) -> None:
    import json

    result = _run(
        "-c",
        CSP_PROBE,
        env_overrides={**SECRETS, "STIGAR_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    portal = _directives(headers["/api/schema/"])
    assert portal["script-src"] == {"'self'"}
    assert portal["style-src"] == {"'self'"}
    assert portal["object-src"] == {"'none'"}
    assert portal["frame-ancestors"] == {"'none'"}
    assert portal["default-src"] == {"'self'"}
    admin = _directives(headers["/admin/"])
    # The admin's looser policy still allows no other origin.
    assert "'unsafe-inline'" in admin["script-src"]
    assert all(
        value.startswith("'") or value in {"data:", "blob:"} for values in admin.values() for value in values
    )


def test_production_refuses_a_per_process_memory_cache_with_several_web_processes(tmp_path: Path) -> None:
    base = {**SECRETS, "STIGAR_DATA_DIR": str(tmp_path), "CACHE_URL": "locmemcache://"}
    refused = _run("manage.py", "check", env_overrides={**base, "WEB_CONCURRENCY": "4"})
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert "WEB_CONCURRENCY=4" in refused.stderr
    alone = _run("manage.py", "check", env_overrides={**base, "WEB_CONCURRENCY": "1"})
    assert alone.returncode == 0, alone.stderr
