"""Search at scale: 20,000 generated lessons, Whoosh against Wagtail's database backend on SQLite, in one run.

Run: .venv/bin/python bench/search.py [--lessons 20000] [--queries 30] [--saves 50]
     (generating 20,000 pages takes about 6 minutes; `--reuse DIR --rebuild` measures again on pages an earlier run
     generated, rebuilding and timing both indexes)
Prints and writes bench/results/search.json: index build (s), query p50/p95 (ms, warm searcher, top 20 plus
total count, filtered to public live pages as an anonymous reader), single save reaching the index p95 (ms).
Generating the pages themselves is not measured (Wagtail's page tree inserts take most of the run).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import TypedDict

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import RESULTS
from bench.search_common import Backend, rebuild, setup_django

SUBJECTS = [
    "bostadsbrist",
    "korttidsboende",
    "förskoleplatser",
    "distansarbete",
    "coworking",
    "välkomstsamtal",
    "flyttguide",
    "medföljande partner",
    "kompetensförsörjning",
    "sommarjobb",
    "föreningsliv",
    "testvecka",
    "prova-på-boende",
    "lokala värdar",
    "elkapacitet",
    "tomter",
    "kampanjer",
    "annonser",
    "samisk kultur",
    "meänkieli",
    "hemflyttare",
    "säsongsarbetare",
    "läkare",
    "lärare",
    "barnfamiljer",
    "pendling",
    "skärgård",
]
VERBS = ["lockade", "hjälpte", "bromsade", "ökade", "förenklade", "visade", "stärkte", "försvårade"]
GROUPS = [
    "nyinflyttade",
    "besökare",
    "distansarbetare",
    "barnfamiljer",
    "unga vuxna",
    "internationella besökare",
    "hemflyttare",
    "medföljande partner",
    "säsongsanställda",
    "studenter",
]
PHRASES = [
    "Vi testade under sex veckor och mätte mot en baslinje.",
    "Kommunen ringde alla hushåll som skrivit sig under våren.",
    "Det saknas möblerade lägenheter för en till tre månader.",
    "En kontaktperson hela vägen gjorde störst skillnad.",
    "Barnfamiljer frågar om förskoleplats innan de frågar om bostad.",
    "Annonser riktade till tidigare besökare gav fler klick.",
    "Föreningarna visade upp sig en kväll i bygden.",
    "Elnätets kapacitet styr var nya bostäder kan byggas.",
    "Unga vuxna som sommarjobbat återkom oftare som invånare.",
    "Distansarbetare stannade längre när det fanns en coworkingyta i byn.",
    "Samarbetet med samiska föreningar gjorde berättelserna trovärdiga.",
    "En kurs i vardagsfraser på meänkieli uppskattades.",
]
QUERIES = [
    "bostadsbrist",
    "brist på bostäder",
    "kompetensförsörjning",
    "förskola",
    "Giron",
    "Luleju",
    "distansarbetare",
    "coworking",
    "välkomstsamtal",
    "flyttguide engelska",
    "testveckor",
    "prova på boende",
    "samiska föreningar",
    "meänkieli",
    "föreningsliv",
    "stanna kvar",
    "sommarjobb unga",
    "annonser besökare",
    "kampanjer",
    "kontaktperson",
    "elkapacitet",
    "tomter sjöutsikt",
    "medföljande partner",
    "barnfamiljer",
    "läkare",
    "pendling",
    "skärgård",
    "hemflyttare",
    "säsongsarbetare",
    "nyinflyttade kiruna",
]


def lesson_text(rng: random.Random, municipality: str) -> dict[str, str]:
    subject = rng.choice(SUBJECTS)
    group = rng.choice(GROUPS)
    return {
        "title": f"{subject.capitalize()} {rng.choice(VERBS)} {group} i {municipality}",
        "summary": f"<p>{' '.join(rng.sample(PHRASES, 2))}</p>",
        "context": f"<p>{rng.choice(PHRASES)} {subject.capitalize()} var en fråga för {group}.</p>",
        "what_we_did": f"<p>{' '.join(rng.sample(PHRASES, 2))}</p>",
        "result": f"<p>{rng.choice(PHRASES)}</p>",
        "advice": f"<p>Börja med {rng.choice(SUBJECTS)} och fråga {rng.choice(GROUPS)}.</p>",
    }


def generate(count: int, seed: int = 20_000) -> None:
    from django.db import transaction

    from knowledge.models import LessonPage
    from knowledge.selectors import knowledge_index
    from themes.models import Municipality, WorkPackage

    rng = random.Random(seed)
    parent = knowledge_index()
    assert parent is not None
    municipalities = list(Municipality.objects.all())
    work_packages = list(WorkPackage.objects.all())
    started = time.perf_counter()
    for start in range(0, count, 500):
        with transaction.atomic():
            for number in range(start, min(count, start + 500)):
                municipality = rng.choice(municipalities)
                page = LessonPage(
                    slug=f"bench-{number}",
                    municipality=municipality,
                    work_package=rng.choice(work_packages),
                    visibility=rng.choice(("public", "public", "partners", "internal")),
                    language="sv",
                    live=True,
                    **lesson_text(rng, municipality.name),
                )
                parent.add_child(instance=page)
                parent.refresh_from_db(fields=["numchild"])
        print(
            f"  generated {min(count, start + 500)}/{count} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Latency(TypedDict):
    p50_ms: float
    p95_ms: float


class BackendFigures(TypedDict):
    index_build_s: float | None  # None: reused data whose earlier run left no build time
    query_rounds: int
    query_warm_up: bool
    query: Latency
    save_to_index: Latency


def latency(timings: list[float]) -> Latency:
    return {"p50_ms": round(statistics.median(timings), 2), "p95_ms": round(percentile(timings, 0.95), 2)}


def measure_queries(backend: Backend, queries: list[str], rounds: int, warm: bool = True) -> Latency:
    from knowledge.models import KnowledgePage

    def run(query: str) -> None:
        results = backend.search(query, KnowledgePage.objects.live().filter(visibility="public"))
        list(results[:20])
        results.count()

    for query in queries if warm else ():  # warm the searcher, the caches and SQLite's pages
        run(query)
    timings = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            run(query)
            timings.append((time.perf_counter() - started) * 1000)
    return latency(timings)


def measure_saves(backend: Backend, count: int) -> Latency:
    from knowledge.models import LessonPage

    rng = random.Random(7)
    pages = list(LessonPage.objects.filter(slug__startswith="bench-").order_by("?")[:count])
    timings = []
    for page in pages:
        page.title = f"{page.title} ({rng.randint(1, 99)})"
        page.save(update_fields=["title", "draft_title"])
        started = time.perf_counter()
        backend.add(page)
        timings.append((time.perf_counter() - started) * 1000)
    return latency(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=len(QUERIES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument(
        "--database-rounds",
        type=int,
        default=1,
        help="rounds for the database backend, without a warm-up pass: at 20,000 pages its broad queries take 20-30 s each",
    )
    parser.add_argument(
        "--reuse",
        metavar="DATA_DIR",
        help="measure again on a data directory an earlier run generated and indexed (no generation, no rebuild)",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="with --reuse: rebuild both indexes from the reused database and time the builds again",
    )
    parser.add_argument("--only", choices=("whoosh", "database"), help="measure one backend")
    options = parser.parse_args()

    data_dir = setup_django("scale", reuse=options.reuse)
    from django.conf import settings
    from modelsearch.backends import get_search_backend

    # Page inserts are not what is measured: no index updates while generating.
    whoosh_config = dict(settings.WAGTAILSEARCH_BACKENDS["default"])
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    if not options.reuse:
        generate(options.lessons)
    settings.WAGTAILSEARCH_BACKENDS["default"] = whoosh_config
    print(f"data directory: {data_dir}", flush=True)
    earlier = RESULTS / "search.json"
    previous = json.loads(earlier.read_text()) if options.reuse and earlier.exists() else {}
    if options.rebuild or previous.get("lessons") != options.lessons or previous.get("reused_data_dir"):
        previous = {}  # build times only carry over from the run that generated this many lessons

    queries = QUERIES[: options.queries]
    report: dict[str, object] = {
        "lessons": options.lessons,
        "queries": len(queries),
        "rounds": options.rounds,
        "reused_data_dir": bool(options.reuse) and not options.rebuild,
        "regenerated_pages": not options.reuse,
    }
    figures: dict[str, BackendFigures] = {}
    for name, label in (("default", "whoosh"), ("database", "database")):
        if options.only and label != options.only:
            continue
        # Reusing a run's data: its index is already built; its build time is carried over.
        build: float | None
        if options.reuse and not options.rebuild:
            build = previous.get(label, {}).get("index_build_s")
        else:
            build = rebuild(name)
        backend: Backend = get_search_backend(name)
        rounds = options.rounds if label == "whoosh" else options.database_rounds
        figures[label] = {
            "index_build_s": None if build is None else round(build, 2),
            "query_rounds": rounds,
            "query_warm_up": label == "whoosh",
            "query": measure_queries(backend, queries, rounds, warm=label == "whoosh"),
            "save_to_index": measure_saves(backend, options.saves),
        }
        print(f"{label}: {figures[label]}", flush=True)
    report.update(figures)
    if options.only:
        print(json.dumps(report, indent=2))
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"search_{options.only}_rerun.json").write_text(json.dumps(report, indent=2))
        return
    whoosh, database = figures["whoosh"], figures["database"]
    report["ratio_whoosh_to_database"] = {
        "index_build": round(whoosh["index_build_s"] / database["index_build_s"], 2)
        if whoosh["index_build_s"] and database["index_build_s"]
        else None,
        "query_p50": round(whoosh["query"]["p50_ms"] / database["query"]["p50_ms"], 2),
        "query_p95": round(whoosh["query"]["p95_ms"] / database["query"]["p95_ms"], 2),
        "save_p95": round(whoosh["save_to_index"]["p95_ms"] / database["save_to_index"]["p95_ms"], 2),
    }
    print(f"{'':10} {'build s':>8} {'q p50 ms':>9} {'q p95 ms':>9} {'save p95 ms':>12}")
    for label in ("whoosh", "database"):
        r = figures[label]
        print(
            f"{label:10} {r['index_build_s'] or float('nan'):8.1f} {r['query']['p50_ms']:9.1f} {r['query']['p95_ms']:9.1f}"
            f" {r['save_to_index']['p95_ms']:12.1f}"
        )
    print(f"whoosh/database: {report['ratio_whoosh_to_database']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
