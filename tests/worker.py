"""A real Celery worker process on Redis, sharing the test database, for the worker integration tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
# A Redis database of the tests' own; STIGAR_TEST_REDIS_URL picks another where several checkouts share one Redis.
REDIS_URL = os.environ.get("STIGAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError(
            "The worker shares the test database, which needs PostgreSQL (the in-memory SQLite is private)."
        )
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def _use_broker(app: object, broker_url: str, result_backend: str) -> None:
    """Point the Celery app at another broker and result backend. The app caches its connection pools and backend on
    first use (earlier tests used the in-memory ones), so drop those caches too, as Celery itself does after a fork."""
    app.conf.broker_url, app.conf.result_backend = broker_url, result_backend  # type: ignore[attr-defined]
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    app._backend_cache = None  # type: ignore[attr-defined]
    app._local.__dict__.pop("backend", None)  # type: ignore[attr-defined]


@contextmanager
def running_worker(
    *, queues: str = "celery", env: dict[str, str] | None = None, purge: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `celery worker` against Redis and the test database; point this process's Celery app at it too.
    `env` adds settings for the worker (e.g. a short IMPORT_HEARTBEAT_SECONDS); `purge=False` keeps the queue."""
    from portal.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "STIGAR_DATA_DIR": str(settings.DATA_DIR),
        **(env or {}),
    }
    previous = (app.conf.broker_url, app.conf.result_backend)
    _use_broker(app, REDIS_URL, REDIS_URL)
    if purge:
        app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queues,
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-worker-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else b""
                raise RuntimeError("The Celery worker exited: " + output.decode(errors="replace"))
            if app.control.ping(timeout=0.5):
                break
        else:
            raise RuntimeError("The Celery worker did not answer a ping within 60 s")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        _use_broker(app, *previous)
