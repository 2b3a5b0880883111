"""What the benchmarks share: the page benchmarks' machinery (bench/pages.py, bench/knowledge_pages.py,
bench/dashboard.py) and running manage.py in a child process (bench/load.py, bench/scoring.py).

A page benchmark: a fresh SQLite file in a temporary STIGAR_DATA_DIR, a bare Django view measured in the same run as
the floor (bench/urls.py), signed-in test clients, query counts at a small and at the full data size (they must not
grow), wall-clock and CPU time per request, and the table and JSON each benchmark reports. Call `setup_django` before
importing anything from Django or Stigar.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BARE_URL = "/bench/bare/"

# What the entries' URLs are built from (ids, slugs, paths of the built data), by name.
Data = dict[str, str]
Browsers = dict[str | None, "Client"]


class Row(TypedDict):
    """A page's figures, as the table prints them and the JSON holds them."""

    page: str
    url: str
    p50_ms: float
    p95_ms: float
    cpu_p50_ms: float
    queries: int
    queries_at_small_size: int
    queries_constant: bool
    target_queries: int | None
    target_p50_ms: float | None
    meets_targets: bool
    meets_targets_on_cpu_time: bool


def setup_django(prefix: str) -> Path:
    """Point the test settings at a fresh SQLite file and data directory, and set Django up."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"stigar-bench-{prefix}-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["STIGAR_DATA_DIR"] = str(data_dir)
    import django

    django.setup()
    return data_dir


def page_parser(description: str | None) -> argparse.ArgumentParser:
    """A page benchmark's command line: its module docstring as the help, and --repeat."""
    result = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    result.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    return result


def add_programme_arguments(parser: argparse.ArgumentParser) -> None:
    """The sizes of the synthetic programme (harness.build_sprints) at full size and for the query-growth check."""
    parser.add_argument("--sprints", type=int, default=40, help="sprints per municipality (default 40)")
    parser.add_argument("--results", type=int, default=10, help="results per sprint (default 10)")
    parser.add_argument(
        "--small", type=int, default=4, help="sprints per municipality for the query-growth check (default 4)"
    )


@dataclass
class Entry:
    """One page to measure. `url` gets the built data (ids, slugs); `user` is a username or None (anonymous).
    `before` runs before every measured request (e.g. to make a page's own cache stale, so it is measured uncached)."""

    name: str
    url: Callable[[Data], str]
    user: str | None
    target_queries: int | None = None
    target_p50_ms: float | None = None
    before: Callable[[], None] | None = None


BARE = Entry("bare Django view", lambda d: BARE_URL, None)


def dashboard_uncached() -> None:
    """The dashboard caches its figures until a sprint, result or lesson changes; this is what such a change does."""
    from dashboard.cache import invalidate

    invalidate()


def uncached_dashboard(name: str, url: str, user: str) -> Entry:
    """A dashboard page measured with its cached figures made stale before every request, against the targets of
    issue #8: ≤ 20 queries and p50 ≤ 100 ms."""
    return Entry(name, lambda d: url, user, 20, 100, dashboard_uncached)


def users() -> None:
    """A coordinator, a partner and Kiruna's project lead."""
    from django.contrib.auth import get_user_model

    from themes.models import Municipality, Role
    from themes.services import membership_assign

    User = get_user_model()
    for username, role, municipality in (
        ("coordinator", Role.COORDINATOR, None),
        ("partner", Role.PARTNER, None),
        ("lead-kiruna", Role.LEAD, Municipality.objects.get(slug="kiruna")),
    ):
        user, _ = User.objects.get_or_create(username=username)
        membership_assign(user=user, role=role, municipality=municipality, skip_permission_checks=True)


def clients() -> dict[str | None, Client]:
    """A signed-in client per user, and an anonymous one under None."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    result: dict[str | None, Client] = {None: Client()}
    for user in get_user_model().objects.all():
        client = Client()
        client.force_login(user)
        result[user.username] = client
    return result


def build_sprints(*, per_municipality: int, results_per_sprint: int, start_index: int = 0) -> Data:
    """Bulk-create synthetic sprints (with phases and results) up to `per_municipality` in each of the 14."""
    from sprints.models import Result, Sprint, Status
    from themes.models import (
        Municipality,
        RelocationPhase,
        SprintMethod,
        ValueChainStep,
        Visibility,
        WorkPackage,
    )

    municipalities = list(Municipality.objects.order_by("slug"))
    phases = list(RelocationPhase.objects.all())
    methods = list(SprintMethod.objects.all())
    wps = list(WorkPackage.objects.all())
    chain = list(ValueChainStep.objects.all())
    statuses = list(Status.values)
    levels = list(Visibility.values)
    new = []
    for m, municipality in enumerate(municipalities):
        for i in range(start_index, per_municipality):
            start = datetime.date(2025, 1, 1) + datetime.timedelta(days=(i * 23 + m * 7) % 700)
            new.append(
                Sprint(
                    municipality=municipality,
                    title=f"Sprint {i} i {municipality.name}: testvecka för distansarbetare (syntetisk)",
                    slug=f"sprint-{i}",
                    goal="Fler ska pröva att bo här.",
                    hypothesis="Vi tror att …",
                    work_package=wps[i % len(wps)],
                    value_chain_step=chain[i % len(chain)],
                    method=methods[(i + m) % len(methods)],
                    start=start,
                    end=start + datetime.timedelta(days=14 + i % 60),
                    status=statuses[i % len(statuses)],
                    visibility=levels[i % len(levels)],
                    position=i,
                )
            )
    created = Sprint.objects.bulk_create(new, batch_size=500)
    through = Sprint.relocation_phases.through
    through.objects.bulk_create(
        [
            through(sprint_id=sprint.pk, relocationphase_id=phases[(n + k * 2) % len(phases)].pk)
            for n, sprint in enumerate(created)
            for k in range(1 + n % 3)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    Result.objects.bulk_create(
        [
            Result(
                sprint=sprint,
                metric=f"Mått {r}",
                unit="st",
                baseline=Decimal(10),
                target=Decimal(20) if r % 4 else None,
                actual=Decimal(5 + (r * 7 + sprint.pk) % 30),
                date=sprint.end,
            )
            for sprint in created
            for r in range(results_per_sprint)
        ],
        batch_size=1000,
    )
    kiruna = Sprint.objects.filter(municipality__slug="kiruna").order_by("pk").first()
    return {"kiruna_sprint": str(kiruna.pk if kiruna else 0)}


def query_count(client: Client, url: str, before: Callable[[], None] | None = None) -> int:
    """Queries of one steady-state request (one request first: caches such as the taxonomy vocabulary fill)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def timings(
    client: Client, url: str, repeat: int, before: Callable[[], None] | None = None
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request. CPU time is reported too because this machine is shared:
    when other processes compete for the cores, wall time grows while the CPU time a request needs does not."""
    for _ in range(2):  # warm up templates, URL resolver, translation catalogues and caches
        client.get(url)
    wall, cpu = [], []
    for _ in range(repeat):
        if before:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu


def small_query_counts(entries: list[Entry], browsers: Browsers, data: Data) -> dict[str, int]:
    return {entry.name: query_count(browsers[entry.user], entry.url(data), entry.before) for entry in entries}


def measure(
    entries: list[Entry],
    browsers: Browsers,
    data: Data,
    *,
    repeat: int,
    small_queries: dict[str, int],
    rounds: int = 5,
) -> list[Row]:
    """A row per entry: p50/p95 wall time, CPU p50, queries now and at the small size, and the verdicts.

    The `repeat` requests per page are taken in `rounds` rounds over all pages, not back to back: this machine has
    slower and faster minutes (the same page measured minutes apart differs by up to 1.7×), and interleaving spreads
    every page, the bare view included, over the same minutes, so the pages compare fairly with each other.
    """
    queries = small_query_counts(entries, browsers, data)
    samples: dict[str, tuple[list[float], list[float]]] = {entry.name: ([], []) for entry in entries}
    per_round = [repeat // rounds + (1 if r < repeat % rounds else 0) for r in range(rounds)]
    for count in per_round:
        for entry in entries:
            wall, cpu = timings(browsers[entry.user], entry.url(data), count, entry.before)
            samples[entry.name][0].extend(wall)
            samples[entry.name][1].extend(cpu)
    rows: list[Row] = []
    for entry in entries:
        url, (wall, cpu) = entry.url(data), samples[entry.name]
        p50, cpu_p50 = statistics.median(wall), statistics.median(cpu)
        count = queries[entry.name]
        queries_ok = (
            entry.target_queries is None or count <= entry.target_queries
        ) and count == small_queries[entry.name]
        rows.append(
            {
                "page": entry.name,
                "url": url,
                "p50_ms": round(p50, 1),
                "p95_ms": round(statistics.quantiles(wall, n=20)[-1], 1),
                "cpu_p50_ms": round(cpu_p50, 1),
                "queries": count,
                "queries_at_small_size": small_queries[entry.name],
                "queries_constant": count == small_queries[entry.name],
                "target_queries": entry.target_queries,
                "target_p50_ms": entry.target_p50_ms,
                "meets_targets": queries_ok and (entry.target_p50_ms is None or p50 <= entry.target_p50_ms),
                # The same verdict on CPU time, which competing processes on a shared machine do not inflate.
                "meets_targets_on_cpu_time": queries_ok
                and (entry.target_p50_ms is None or cpu_p50 <= entry.target_p50_ms),
            }
        )
    return rows


@dataclass
class Measured:
    rows: list[Row]
    build_seconds: float  # building both sizes of the data and counting the queries at the small size


def measure_growth(
    entries: list[Entry], *, repeat: int, small: Callable[[], Data], grow: Callable[[], object]
) -> Measured:
    """A page benchmark's run, with the bench's URLs (bench/urls.py) and DEBUG off: migrate the fresh database, add
    the users, build the `small` data (it returns what the entries' URLs are built from) and count each page's
    queries on it, `grow` the data to full size, then measure every page (`measure`)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        call_command("migrate", verbosity=0)
        users()
        started = time.perf_counter()
        data = small()
        browsers = clients()
        small_queries = small_query_counts(entries, browsers, data)
        grow()
        build_seconds = time.perf_counter() - started
        rows = measure(entries, browsers, data, repeat=repeat, small_queries=small_queries)
    return Measured(rows, build_seconds)


def programme_sizes() -> dict[str, object]:
    """What a benchmark on the synthetic programme measured on: municipalities, sprints, results and lessons."""
    from knowledge.models import LessonPage
    from sprints.models import Result, Sprint

    return {
        "municipalities": 14,
        "sprints": Sprint.objects.count(),
        "results": Result.objects.count(),
        "lessons": LessonPage.objects.count(),
    }


def programme_title(benchmark: str, sizes: Mapping[str, object]) -> str:
    """The title of a benchmark on the synthetic programme (`programme_sizes` and "repeat" in `sizes`)."""
    return (
        f"Stigar {benchmark} benchmark: {sizes['sprints']} sprints, {sizes['results']} results, "
        f"{sizes['lessons']} lessons (synthetic), {sizes['repeat']} requests each"
    )


def machine() -> dict[str, object]:
    from django.conf import settings

    return {
        "database": settings.DATABASES["default"]["ENGINE"],
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }


def report(*, title: str, rows: list[Row], sizes: Mapping[str, object], small: str, out_name: str) -> None:
    """Print the table (`small` labels the small-size query column) and write bench/results/`out_name`."""
    print(title)
    print(f"Load average (1 min) at the end: {sizes['load_average_1min_at_end']} on {sizes['cpus']} CPUs")
    width = max(len(row["page"]) for row in rows) + 1
    header = f"{'page':{width}} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'queries':>8} {small:>8}  targets"
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = ""
        if row["target_queries"] is not None or row["target_p50_ms"] is not None:
            verdict = ("ok" if row["meets_targets"] else "MISSED") + (
                " (cpu: ok)" if row["meets_targets_on_cpu_time"] else " (cpu: MISSED)"
            )
        print(
            f"{row['page']:{width}} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['cpu_p50_ms']:8.1f} "
            f"{row['queries']:8d} {row['queries_at_small_size']:8d}  {verdict}"
        )
    out = RESULTS / out_name
    out.parent.mkdir(parents=True, exist_ok=True)
    measured_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    document = {"measured_at": measured_at, "sizes": sizes, "small_size": small, "pages": rows}
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {out.relative_to(ROOT)}")


def manage(*args: str, env: Mapping[str, str] | None = None, timeout: float | None = None) -> str:
    """Run manage.py in a child process from the repository root (with `env`, or this process's environment) and
    return what it printed; if it fails, stop with the tail of its output."""
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return run.stdout
