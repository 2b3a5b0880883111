"""Per-process memory caches are refused with more than one web process however the processes are started:
WEB_CONCURRENCY (production settings) or `gunicorn -w N` (gunicorn.conf.py) (#17)."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import override_settings

from tests.portal.test_settings import ROOT, SECRETS

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FILES = {
    "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "cache"}
}  # never opened


def test_gunicorn_dash_w_without_web_concurrency_refuses_a_memory_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {
            **SECRETS,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "STIGAR_DATA_DIR": str(tmp_path),
            "CACHE_URL": "locmemcache://",
        }
    )
    # From the repository root, where gunicorn reads gunicorn.conf.py by itself (no -c).
    run = subprocess.run(
        [GUNICORN, "portal.wsgi", "-w", "2", "--bind", "127.0.0.1:0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode != 0
    assert "gunicorn workers=2" in run.stderr
    assert "CACHE_URL" in run.stderr


def _config() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def _server(workers: int) -> tuple[SimpleNamespace, list[tuple[object, ...]]]:
    errors: list[tuple[object, ...]] = []
    server = SimpleNamespace(cfg=SimpleNamespace(workers=workers), num_workers=workers)
    server.log = SimpleNamespace(error=lambda *args: errors.append(args))
    return server, errors


@override_settings(STIGAR_SHARED_CACHES_REQUIRED=True, CACHES=LOCAL)
def test_the_hook_refuses_several_workers_and_allows_one() -> None:
    config = _config()
    with pytest.raises(SystemExit, match="gunicorn workers=4"):
        config["on_starting"](_server(4)[0])
    config["on_starting"](_server(1)[0])


@override_settings(STIGAR_SHARED_CACHES_REQUIRED=True, CACHES=FILES)
def test_shared_caches_may_have_many_workers() -> None:
    _config()["on_starting"](_server(4)[0])


@override_settings(STIGAR_SHARED_CACHES_REQUIRED=True, CACHES=LOCAL)
def test_raising_the_workers_at_run_time_is_undone() -> None:
    server, errors = _server(1)
    _config()["nworkers_changed"](server, 2, 1)
    assert server.num_workers == 1
    assert errors


def test_settings_that_do_not_require_shared_caches_are_not_checked() -> None:
    # The test settings use memory caches on purpose; the bench runs `gunicorn -w 4` on dev settings with files.
    _config()["on_starting"](_server(4)[0])
