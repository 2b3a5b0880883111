"""Cached lesson page throughput: production settings, 2 gunicorn workers, load from wrk on this machine (issue #5).

Run from the repository root: `.venv/bin/python bench/page_cache.py [--lessons 200] [--duration 15]`.
Needs wrk (Debian: `apt-get install wrk`). Builds synthetic lessons in a fresh SQLite file under a temporary
STIGAR_DATA_DIR, collects static files, then for each configuration starts `gunicorn -w 2` with
portal.settings.production and measures one public lesson page as an anonymous reader:
- page cache on, in files (the embedded default);
- page cache on, in Redis (127.0.0.1:6379, database 14; the production set-up for several machines);
- page cache off (PAGE_CACHE_SECONDS=0): every request renders the page, the baseline.
Prints requests/s and latency and writes bench/results/page_cache.json. Target: ≥ 1,500 requests/s cached.
wrk and gunicorn share the machine's cores, as the issue asks ("local load").
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TypedDict

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import ROOT

TMP = Path(tempfile.mkdtemp(prefix="stigar-bench-page-cache-"))
PORT = 8765
WRK = shutil.which("wrk")
REDIS_URL = (
    "redis://127.0.0.1:6379/14"  # a database of the bench's own: it is flushed before each configuration
)
TARGET_RPS = 1500
ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "PSEUDONYM_KEY": secrets.token_urlsafe(32),
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": f"sqlite:///{TMP / 'bench.sqlite3'}",
    "STIGAR_DATA_DIR": str(TMP),
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
# Behind the proxy that production runs behind: it terminates TLS and says so (SECURE_PROXY_SSL_HEADER).
PROXY_HEADER = ("X-Forwarded-Proto", "https")
CONFIGURATIONS: list[tuple[str, dict[str, str]]] = [
    ("page cache in files", {"PAGE_CACHE_SECONDS": "300"}),
    ("page cache in Redis", {"PAGE_CACHE_SECONDS": "300", "PAGE_CACHE_URL": REDIS_URL}),
    ("page cache off (renders every request)", {"PAGE_CACHE_SECONDS": "0"}),
]


def build(*, lessons: int) -> str:
    """Migrate, add synthetic lessons and collect static files; returns a public lesson's path."""
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.knowledge_data import build_lessons

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    return str(build_lessons(lessons=lessons)["lesson_url"])


def clear_page_caches() -> None:
    """Each configuration starts from an empty page cache (what a deployment has after a content change)."""
    import redis

    shutil.rmtree(TMP / "cache" / "pages", ignore_errors=True)
    redis.Redis.from_url(REDIS_URL).flushdb()


def get(url: str) -> http.client.HTTPResponse:
    # A loopback http:// URL built here, never a user-given one.
    request = urllib.request.Request(url, headers=dict([PROXY_HEADER]))  # noqa: S310
    response = urllib.request.urlopen(request, timeout=60)  # noqa: S310
    assert isinstance(response, http.client.HTTPResponse)  # what urlopen answers an http:// URL with
    return response


def start_gunicorn(extra: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi:application",
            "--workers=2",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV, **extra},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with get(url) as response:
                if response.status == 200:
                    return process
        except OSError:  # not listening yet (URLError, ConnectionError) or still importing (timeout)
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer {url} within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


class WrkResult(TypedDict):
    requests_per_s: int
    latency_p50: str | None
    latency_p90: str | None
    latency_p99: str | None
    non_2xx: int
    wrk_output: str


def wrk(url: str, *, duration: int, connections: int) -> WrkResult:
    assert WRK is not None
    output = subprocess.run(
        [
            WRK,
            "--threads=2",
            f"--connections={connections}",
            f"--duration={duration}s",
            "--latency",
            f"--header={PROXY_HEADER[0]}: {PROXY_HEADER[1]}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, flags=re.MULTILINE))
    assert rps is not None, output
    return {
        "requests_per_s": round(float(rps.group(1))),
        "latency_p50": latency.get("50"),
        "latency_p90": latency.get("90"),
        "latency_p99": latency.get("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "wrk_output": output,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", type=int, default=200, help="synthetic lessons (default 200)")
    parser.add_argument(
        "--duration", type=int, default=15, help="seconds of load per configuration (default 15)"
    )
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    args = parser.parse_args()
    if WRK is None:
        raise SystemExit("This benchmark needs wrk: apt-get install wrk")

    print(f"Building {args.lessons} synthetic lessons in {TMP} …", flush=True)
    path = build(lessons=args.lessons)
    url = f"http://127.0.0.1:{PORT}{path}"
    rows = []
    for name, extra in CONFIGURATIONS:
        clear_page_caches()
        process = start_gunicorn(extra, url)
        try:
            for _ in range(3):  # the first request of each worker renders and stores the page
                with get(url) as response:
                    headers = dict(response.headers)
            cached = "Age" in headers  # Django's cache middleware sets Age on what it serves from the cache
            print(
                f"{name}: {args.duration} s of load on {path} (served from the cache: {cached}) …", flush=True
            )
            result = wrk(url, duration=args.duration, connections=args.connections)
        finally:
            stop(process)
        rows.append(
            {
                "configuration": name,
                "served_from_cache": cached,
                "cache_control": headers.get("Cache-Control", ""),
                **result,
            }
        )

    sizes = {
        "lessons": args.lessons,
        "gunicorn_workers": 2,
        "wrk_threads": 2,
        "connections": args.connections,
        "duration_s": args.duration,
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }
    print()
    print(
        f"Cached lesson page, 2 gunicorn workers, wrk on the same {sizes['cpus']} CPUs; target ≥ {TARGET_RPS} req/s"
    )
    header = f"{'configuration':42} {'req/s':>8} {'p50':>9} {'p90':>9} {'p99':>9} {'non-2xx':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['configuration']:42} {row['requests_per_s']:8d} {row['latency_p50']:>9} {row['latency_p90']:>9} "
            f"{row['latency_p99']:>9} {row['non_2xx']:8d}"
        )
    out = ROOT / "bench" / "results" / "page_cache.json"
    out.write_text(
        json.dumps(
            {
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "target_requests_per_s": TARGET_RPS,
                "sizes": sizes,
                "url": path,
                "configurations": [{k: v for k, v in row.items() if k != "wrk_output"} for row in rows],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"Written to {out.relative_to(ROOT)}")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
