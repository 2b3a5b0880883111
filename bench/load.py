"""Concurrent writers against a real server (issue #17): 12 signed-in leads writing through the REST API for 60 s.

Run from the repository root: `.venv/bin/python bench/load.py [--seconds 60] [--writers 12] [--backends sqlite,postgres]`.
For each backend, a fresh database (embedded SQLite in a temporary STIGAR_DATA_DIR; PostgreSQL in the database
`stigar_api_hardening2` at 127.0.0.1:5432, dropped and created anew) is migrated, one project lead per municipality
gets an API token, and `gunicorn portal.wsgi -w 4` serves the dev settings (file caches, the embedded broker and
Whoosh index, as `make run` has them). Each writer creates a sprint of its own municipality and then, until the time is
up, logs results on its sprints (60 %), PATCHes a sprint's goal (25 %), comments on a sprint (10 %) or creates another
sprint (5 %). Counted: requests, 5xx, other refusals, transport errors, p50/p95 latency, and lost writes: every write
the server acknowledged (2xx) is looked up in the database afterwards (results and comments by id with their values,
each sprint's goal against the last acknowledged PATCH). Writes bench/results/load.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import requests

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import harness
from bench.harness import RESULTS, ROOT

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
POSTGRES_DB = "stigar_api_hardening2"
POSTGRES_URL = f"postgres://postgres@127.0.0.1:5432/{POSTGRES_DB}"
PORT = 8791
MANAGE_SECONDS = 1800  # the longest a manage.py command may take (migrate, update_index, the shell scripts)
PSQL = shutil.which("psql") or "/usr/bin/psql"

USERS_SCRIPT = """
import json
from rest_framework.authtoken.models import Token
from tests.factories import user_with_role
from themes.models import Municipality
leads = {}
for municipality in Municipality.objects.order_by("name")[:WRITERS]:
    user = user_with_role("lead", municipality, username=f"load-{municipality.slug}")
    leads[municipality.slug] = Token.objects.get_or_create(user=user)[0].key
print("LEADS=" + json.dumps(leads))
"""

CHECK_SCRIPT = """
import json
from decimal import Decimal
from conversations.models import Comment
from sprints.models import Result, Sprint
acked = json.load(open(ACKED))
results = {r.pk: r for r in Result.all_objects.filter(pk__in=[int(k) for k in acked["results"]])}
lost_results = [k for k, actual in acked["results"].items()
                if int(k) not in results or results[int(k)].actual != Decimal(actual)]
goals = dict(Sprint.objects.filter(pk__in=[int(k) for k in acked["sprints"]]).values_list("pk", "goal"))
lost_sprints = [k for k, goal in acked["sprints"].items() if goals.get(int(k)) != goal]
comments = set(Comment.objects.filter(pk__in=acked["comments"]).values_list("pk", flat=True))
lost_comments = [k for k in acked["comments"] if k not in comments]
print("CHECK=" + json.dumps({"results": len(acked["results"]), "lost_results": lost_results,
    "sprints": len(acked["sprints"]), "lost_sprint_goals": lost_sprints,
    "comments": len(acked["comments"]), "lost_comments": lost_comments,
    "results_in_db": Result.objects.count(), "sprints_in_db": Sprint.objects.count()}))
"""


@dataclass
class Tally:
    """What one writer saw; merged at the end."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    transport_errors: list[str] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)  # result id → acknowledged actual
    sprints: dict[str, str] = field(default_factory=dict)  # sprint id → last acknowledged goal
    comments: list[int] = field(default_factory=list)


def _env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "WEB_CONCURRENCY")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "DJANGO_DEBUG": "false",
            "STIGAR_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "CACHE_URL": f"filecache://{data_dir / 'cache' / 'default'}",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


class Check(TypedDict):
    """What CHECK_SCRIPT found of the acknowledged writes (ids of the lost ones)."""

    results: int
    lost_results: list[str]
    sprints: int
    lost_sprint_goals: list[str]
    comments: int
    lost_comments: list[int]
    results_in_db: int
    sprints_in_db: int


def _marked(output: str, marker: str) -> Any:
    """The JSON a script run in `manage.py shell` printed on its line starting with `marker`."""
    line = next(line for line in output.splitlines() if line.startswith(marker))
    return json.loads(line.removeprefix(marker))


def _fresh_postgres() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {POSTGRES_DB}", f"CREATE DATABASE {POSTGRES_DB}"):
        subprocess.run(
            [PSQL, "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True, capture_output=True
        )


class Writer(threading.Thread):
    def __init__(self, base: str, slug: str, token: str, deadline: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.base, self.slug, self.deadline = base, slug, deadline
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.random = random.Random(seed)
        self.tally = Tally()
        self.my_sprints: list[int] = []
        self.n = 0

    def _call(
        self, kind: str, method: str, path: str, body: dict[str, str | list[str]]
    ) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, json=body, timeout=60)
        except requests.RequestException as error:
            self.tally.transport_errors.append(f"{kind}: {type(error).__name__}")
            return None
        self.tally.latencies.setdefault(kind, []).append(time.perf_counter() - started)
        key = f"{response.status_code}"
        self.tally.statuses[key] = self.tally.statuses.get(key, 0) + 1
        return response

    def create_sprint(self) -> None:
        today = datetime.date(2027, 1, 1)
        goal = f"Fler besök från {self.slug} ({self.n})"
        response = self._call(
            "create sprint",
            "POST",
            "/api/sprints/",
            {
                "title": f"Lasttest {self.slug} {self.n}",
                "municipality": self.slug,
                "work_package": "WP1",
                "phase": ["discover"],
                "method": "campaign-ab",
                "start": today.isoformat(),
                "end": (today + datetime.timedelta(days=30)).isoformat(),
                "goal": goal,
            },
        )
        if response is not None and response.status_code == 201:
            sprint = response.json()["id"]
            self.my_sprints.append(sprint)
            self.tally.sprints[str(sprint)] = goal

    def log_result(self) -> None:
        sprint = self.random.choice(self.my_sprints)
        actual = f"{self.random.randint(0, 99999)}.{self.random.randint(0, 99):02d}"
        response = self._call(
            "log result",
            "POST",
            f"/api/sprints/{sprint}/results/",
            {"metric": "Besök på flyttguiden", "unit": "st", "actual": actual, "date": "2027-01-15"},
        )
        if response is not None and response.status_code == 201:
            self.tally.results[str(response.json()["id"])] = actual

    def patch_goal(self) -> None:
        sprint = self.random.choice(self.my_sprints)
        goal = f"Mål {self.n} för {self.slug}"
        response = self._call("patch sprint", "PATCH", f"/api/sprints/{sprint}/", {"goal": goal})
        if response is not None and response.status_code == 200:
            self.tally.sprints[str(sprint)] = goal

    def comment(self) -> None:
        sprint = self.random.choice(self.my_sprints)
        response = self._call(
            "comment", "POST", f"/api/sprints/{sprint}/comments/", {"body": f"Uppdatering {self.n}"}
        )
        if response is not None and response.status_code == 201:
            self.tally.comments.append(response.json()["id"])

    def run(self) -> None:
        self.create_sprint()
        while time.monotonic() < self.deadline:
            self.n += 1
            if not self.my_sprints:
                self.create_sprint()
                continue
            roll = self.random.random()
            if roll < 0.60:
                self.log_result()
            elif roll < 0.85:
                self.patch_goal()
            elif roll < 0.95:
                self.comment()
            else:
                self.create_sprint()


def _wait_for(base: str, process: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped before answering")
        try:
            requests.get(base + "/api/search/autocomplete/?q=ab", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run_backend(name: str, *, seconds: float, writers: int) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"stigar-bench-load-{name}-"))
    if name == "postgres":
        _fresh_postgres()
        database_url = POSTGRES_URL
    else:
        database_url = f"sqlite:///{data_dir / 'stigar.sqlite3'}"
    env = _env(data_dir, database_url)
    print(f"[{name}] migrating {database_url}", flush=True)
    harness.manage("migrate", "--noinput", env=env, timeout=MANAGE_SECONDS)
    harness.manage(
        "update_index", env=env, timeout=MANAGE_SECONDS
    )  # as `make run` does before it starts the server
    users_script = USERS_SCRIPT.replace("WRITERS", str(writers))
    leads: dict[str, str] = _marked(
        harness.manage("shell", "-c", users_script, env=env, timeout=MANAGE_SECONDS), "LEADS="
    )
    base = f"http://127.0.0.1:{PORT}"
    log = (data_dir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [GUNICORN, "portal.wsgi", "-w", "4", "--bind", f"127.0.0.1:{PORT}", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(base, server)
        for _ in range(8):  # the first request of each worker imports and opens what it needs: not measured
            requests.get(base + "/api/sprints/", timeout=120)
        load_before = os.getloadavg()
        print(f"[{name}] {len(leads)} writers for {seconds:.0f} s (load {load_before[0]:.1f})", flush=True)
        deadline = time.monotonic() + seconds
        threads = [
            Writer(base, slug, token, deadline, seed=i)
            for i, (slug, token) in enumerate(sorted(leads.items()))
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    merged = Tally()
    for thread in threads:
        for kind, values in thread.tally.latencies.items():
            merged.latencies.setdefault(kind, []).extend(values)
        for status, count in thread.tally.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + count
        merged.transport_errors.extend(thread.tally.transport_errors)
        merged.results.update(thread.tally.results)
        merged.sprints.update(thread.tally.sprints)
        merged.comments.extend(thread.tally.comments)
    acked_file = data_dir / "acked.json"
    acked_file.write_text(
        json.dumps({"results": merged.results, "sprints": merged.sprints, "comments": merged.comments})
    )
    check: Check = _marked(
        harness.manage(
            "shell",
            "-c",
            CHECK_SCRIPT.replace("ACKED", repr(str(acked_file))),
            env=env,
            timeout=MANAGE_SECONDS,
        ),
        "CHECK=",
    )
    every = [v for values in merged.latencies.values() for v in values]
    requests_made = len(every) + len(merged.transport_errors)
    server_errors = sum(count for status, count in merged.statuses.items() if status.startswith("5"))
    lost = len(check["lost_results"]) + len(check["lost_sprint_goals"]) + len(check["lost_comments"])
    gunicorn_log = (data_dir / "gunicorn.log").read_text()
    kept_log = Path(tempfile.gettempdir()) / f"stigar-bench-load-{name}-gunicorn.log"
    shutil.copyfile(data_dir / "gunicorn.log", kept_log)
    outcome: dict[str, object] = {
        "backend": name,
        "server": "gunicorn portal.wsgi -w 4 (portal.settings.dev, DJANGO_DEBUG=false, file caches)",
        "database": "embedded SQLite (WAL)" if name == "sqlite" else "PostgreSQL",
        "writers": len(leads),
        "seconds": round(elapsed, 1),
        "requests": requests_made,
        "requests_per_second": round(requests_made / elapsed, 1),
        "server_errors_5xx": server_errors,
        "statuses": dict(sorted(merged.statuses.items())),
        "transport_errors": len(merged.transport_errors),
        "acknowledged_writes": len(merged.results) + len(merged.sprints) + len(merged.comments),
        "lost_writes": lost,
        "check": check,
        "latency_ms": {
            "p50": round(statistics.median(every) * 1000, 1) if every else None,
            "p95": round(_percentile(every, 0.95) * 1000, 1),
            "max": round(max(every) * 1000, 1) if every else None,
            "p95_by_kind": {
                k: round(_percentile(v, 0.95) * 1000, 1) for k, v in sorted(merged.latencies.items())
            },
            "requests_by_kind": {k: len(v) for k, v in sorted(merged.latencies.items())},
        },
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "tracebacks_in_server_log": gunicorn_log.count("Traceback"),
        "server_log": str(kept_log),
    }
    print(json.dumps(outcome, indent=1), flush=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--writers", type=int, default=12)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--output", default=str(RESULTS / "load.json"))
    args = parser.parse_args()
    runs = [
        run_backend(name, seconds=args.seconds, writers=args.writers) for name in args.backends.split(",")
    ]
    report = {
        "benchmark": "bench/load.py",
        "issue": 17,
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "note": "2 cores shared with other sessions; see load averages"},
        "runs": runs,
        "expected": "0 server errors and 0 lost writes on every backend",
    }
    Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
