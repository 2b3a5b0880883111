"""Probes for the outside services some tests need; `python -m tests.services NAME` exits 0 when NAME is reachable."""

from __future__ import annotations

import os
import shutil
import socket
import sys

import pytest

CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    return _port_open("127.0.0.1", 5432)


def redis_available() -> bool:
    return _port_open("127.0.0.1", 6379)


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def require(available: bool, reason: str) -> None:
    """Skip with `reason` on a bare machine; with CI=true the service is mandatory and its absence fails the test."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (mandatory with CI=true)")
    pytest.skip(reason)


if __name__ == "__main__":
    probes = {"postgres": postgres_available, "redis": redis_available, "chromium": chromium_available}
    sys.exit(0 if probes[sys.argv[1]]() else 1)
