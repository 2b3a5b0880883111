"""gunicorn's configuration, read from the repository root whenever gunicorn starts there (`gunicorn portal.wsgi`).

The production settings refuse per-process memory caches when WEB_CONCURRENCY > 1, but `gunicorn -w 4` starts four
processes without that variable: the same rule is checked here on the worker count gunicorn really uses, before any
worker starts, and again when the count is raised at run time (TTIN). Settings that share nothing across processes by
design (dev, tests) do not set STIGAR_SHARED_CACHES_REQUIRED and are not checked."""

from __future__ import annotations

import os
import sys
from typing import Any

# gunicorn's own default, made explicit: WEB_CONCURRENCY when set; `-w N` on the command line wins.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))


def _problem(processes: int) -> str | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    from django.conf import settings

    from portal.web_processes import local_cache_problem

    if not getattr(settings, "STIGAR_SHARED_CACHES_REQUIRED", False):
        return None
    return local_cache_problem(settings.CACHES, processes, source="gunicorn workers")


def on_starting(server: Any) -> None:
    problem = _problem(server.cfg.workers)
    if problem:
        sys.exit(f"Stigar refuses to start: {problem}")


def nworkers_changed(server: Any, new_value: int, old_value: int | None) -> None:
    if old_value is not None and new_value > old_value:
        problem = _problem(new_value)
        if problem:
            server.log.error("Stigar keeps %s worker(s): %s", old_value, problem)
            server.num_workers = old_value
