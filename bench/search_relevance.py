"""Relevance of the Whoosh and database search backends: nDCG@10, MRR and recall@10 on two judged sets, in one run.

Run: .venv/bin/python bench/search_relevance.py   (a few minutes; writes bench/results/search_relevance.json)
Sets, both in one index holding the demo knowledge and the held-out pages; each set is searched over its own pages
(a filter on the same index), since each was judged only on those:
- "demo": the queries below, judged on the demo pages (knowledge/demo.py and the promoted sprint lessons);
- "heldout": bench/heldout/judgements.yaml over bench/heldout/pages (imported with import_knowledge), written by a
  helper that had not read the analyser, and never used to tune it (see bench/heldout/README.md).
Judgements are graded 3 (the page to find), 2 (clearly relevant), 1 (related); unlisted pages count 0.
Targets (issue 16): nDCG@10 >= 0.90 demo, >= 0.85 held-out; held-out compound queries recall@10 >= 0.85; no held-out
query without a hit; at least 5 English held-out queries at nDCG@10 >= 0.6.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import yaml

from bench.harness import RESULTS, ROOT
from bench.search_common import Backend, ranked, rebuild, setup_django

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.models import QuerySet

    from knowledge.models import KnowledgePage

HELDOUT = ROOT / "bench" / "heldout"

# query -> {page slug: grade}, judged on topic against every demo page (demo/knowledge/ and the promoted sprint lessons).
JUDGEMENTS: dict[str, dict[str, int]] = {
    "bostadsbrist": {
        "korttidsboende-flaskhals": 3,
        "energi-kapacitet-nya-bostader": 2,
        "hackathon-om-tomma-hus": 2,
        "fysisk-planering-tomter": 1,
        "husbilder-som-saljer": 1,
    },
    "brist på bostäder": {
        "korttidsboende-flaskhals": 3,
        "energi-kapacitet-nya-bostader": 2,
        "hackathon-om-tomma-hus": 2,
        "fysisk-planering-tomter": 1,
        "husbilder-som-saljer": 1,
    },
    "kompetensförsörjning": {
        "matchning-vard-och-skola": 3,
        "medfoljande-partner-jobb": 2,
        "erfarenhetsutbyte-kompetens": 2,
        "valkomstpaket-for-nya-lakare": 2,
    },
    "förskola": {"forskoleplats-forsta-fragan": 3},
    "förskoleplatser": {"forskoleplats-forsta-fragan": 3},
    "förskoleplast": {"forskoleplats-forsta-fragan": 3},
    "Giron": {
        "annonser-till-aterkommande-besokare": 3,
        "lokala-vardar-visar-vardagen": 3,
        "prova-pa-boende-for-distansarbetare": 3,
        "erfarenhetsutbyte-testveckor": 2,
    },
    "Jåhkåmåhkke": {
        "samiska-perspektiv-i-marknadsforing": 3,
        "hackathon-om-tomma-hus": 3,
        "vinterveckan-bo-som-en-jokkmokkare": 3,
    },
    "Luleju": {
        "flyttguide-pa-engelska": 3,
        "medfoljande-partner-jobb": 3,
        "flyttlots-for-medfoljande-partner": 3,
        "pendla-till-lulea-bo-i-alvsbyn": 2,
    },
    "Matarenki": {"tornedalen-sprakkurs": 3, "meanmaa-i-sociala-medier": 3},
    "Bihtám välkomstsamtal": {
        "valkomstsamtal-forsta-manaden": 3,
        "kampanjtest-havet-eller-skogen": 1,
        "sasongsarbetare-som-stannar": 1,
    },
    "distansarbetare": {
        "distansarbete-coworking-by": 3,
        "prova-pa-boende-for-distansarbetare": 3,
        "skargardsliv-pa-distans": 3,
    },
    "coworking": {"distansarbete-coworking-by": 3},
    "välkomstsamtal": {
        "valkomstsamtal-forsta-manaden": 3,
        "flyttlots-en-kontaktperson": 1,
        "valkomstfika-for-nya-invanare": 1,
    },
    "telefonsamtal till nyinflyttade": {"valkomstsamtal-forsta-manaden": 3, "flyttlots-en-kontaktperson": 1},
    "engelsk flyttguide": {"flyttguide-pa-engelska": 3},
    "testveckor": {
        "pajala-prova-pa-sommar": 3,
        "metod-test-week": 3,
        "lokala-vardar-visar-vardagen": 2,
        "erfarenhetsutbyte-testveckor": 2,
        "prova-pa-boende-for-distansarbetare": 2,
        "vinterveckan-bo-som-en-jokkmokkare": 1,
    },
    "prova på boende": {
        "metod-test-week": 3,
        "prova-pa-boende-for-distansarbetare": 3,
        "korttidsboende-flaskhals": 2,
        "pajala-prova-pa-sommar": 2,
        "lokala-vardar-visar-vardagen": 2,
        "vinterveckan-bo-som-en-jokkmokkare": 2,
    },
    "samiska föreningar": {"samiska-perspektiv-i-marknadsforing": 3},
    "meänkieli": {"tornedalen-sprakkurs": 3, "meankieli-som-tillgang": 3, "meanmaa-i-sociala-medier": 1},
    "föreningsmässa": {"foreningsmasa-for-nya": 3, "valkomstfika-for-nya-invanare": 1},
    "att stanna kvar": {
        "overkalix-stanna-kvar": 3,
        "erfarenhetsutbyte-nasta": 3,
        "sasongsarbetare-som-stannar": 2,
        "distansarbete-coworking-by": 2,
        "biltestare-som-blir-invanare": 2,
    },
    "sommarjobb för unga": {"sommarjobb-for-unga-vuxna": 3},
    "hackathon": {"hackathon-valkomstapp": 3, "metod-hackathon": 3, "hackathon-om-tomma-hus": 3},
    "annonser": {
        "annonser-till-aterkommande-besokare": 3,
        "flyttguide-pa-engelska": 1,
        "metod-campaign-ab": 1,
    },
    "kampanjer": {
        "annonser-till-aterkommande-besokare": 3,
        "metod-campaign-ab": 3,
        "kampanjtest-havet-eller-skogen": 3,
    },
    "kontaktperson": {
        "flyttlots-en-kontaktperson": 3,
        "matchning-vard-och-skola": 2,
        "flyttlots-for-medfoljande-partner": 2,
    },
    "elkapacitet": {"energi-kapacitet-nya-bostader": 3},
    "kapacitet för el": {"energi-kapacitet-nya-bostader": 3},
    "tomter med sjöutsikt": {"fysisk-planering-tomter": 3},
    "gemensam ingång länet": {"regional-flyttportal": 3},
    "medföljande partner": {
        "medfoljande-partner-jobb": 3,
        "flyttlots-for-medfoljande-partner": 3,
        "erfarenhetsutbyte-kompetens": 2,
    },
    "barnfamiljer": {
        "forskoleplats-forsta-fragan": 3,
        "pajala-prova-pa-sommar": 2,
        "valkomstpaket-for-nya-lakare": 1,
    },
    "tjänstesafari": {"metod-service-safari": 3},
    "designsprint": {"metod-design-sprint": 3},
    "intervjuer med nyinflyttade": {"metod-interviews": 3, "valkomstsamtal-forsta-manaden": 1},
    "korttidsbonde": {"korttidsboende-flaskhals": 3},
}


# A query's figures, and a set's means over its queries (key names as in bench/results/search_relevance.json).
QueryScore = TypedDict(
    "QueryScore", {"ndcg@10": float, "rr": float, "recall@10": float, "hits": int, "top3": list[str]}
)
Summary = TypedDict(
    "Summary", {"queries_n": int, "ndcg@10": float, "mrr": float, "recall@10": float, "without_hit": int}
)
SetScore = TypedDict(
    "SetScore",
    {
        "queries_n": int,
        "ndcg@10": float,
        "mrr": float,
        "recall@10": float,
        "without_hit": int,
        "queries": dict[str, QueryScore],
    },
)
# The held-out set's queries have kinds (compound, english, ...): its score also has the means by kind.
HeldOutScore = TypedDict(
    "HeldOutScore",
    {
        "queries_n": int,
        "ndcg@10": float,
        "mrr": float,
        "recall@10": float,
        "without_hit": int,
        "by_kind": dict[str, Summary],
        "english_at_0.6": int,
        "queries": dict[str, QueryScore],
    },
)


class SetScores(TypedDict):
    """A backend's scores on both sets (and how long its index took to build; not for the search page as served)."""

    index_build_s: NotRequired[float]
    demo: SetScore
    heldout: HeldOutScore


def dcg(grades: list[int]) -> float:
    return sum((2.0**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def heldout_judgements() -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    """The held-out queries (query -> {slug: grade}) and each query's kind (compound, english, ...)."""
    data = yaml.safe_load((HELDOUT / "judgements.yaml").read_text(encoding="utf-8"))
    judgements = {entry["query"]: dict(entry["judgements"]) for entry in data["queries"]}
    kinds = {entry["query"]: entry["kind"] for entry in data["queries"]}
    return judgements, kinds


def engine(backend: Backend, queryset: QuerySet[KnowledgePage]) -> Callable[[str], list[str]]:
    """The slugs `backend` ranks first in `queryset` for a query, as a reader gets them (search_common.ranked)."""
    return lambda query: [page.slug for page in ranked(backend, query, queryset)]


def served(user: AbstractBaseUser) -> Callable[[str], list[str]]:
    """The knowledge pages the search page shows `user` for a query, top 10: the whole corpus (demo and held-out
    pages compete), sprints left out, and a query that finds nothing as typed loosened as the page does it."""
    from sitesearch.selectors import search_everything

    def first_ten(query: str) -> list[str]:
        outcome = search_everything(user=user, query=query, page_size=40)
        return [hit.slug for hit in outcome.results if hit.type != "sprint"][:10]

    return first_ten


def score(search: Callable[[str], list[str]], judgements: dict[str, dict[str, int]]) -> SetScore:
    per_query = query_scores(search, judgements)
    return {**summarise(per_query), "queries": per_query}


def score_by_kind(
    search: Callable[[str], list[str]], judgements: dict[str, dict[str, int]], kinds: dict[str, str]
) -> HeldOutScore:
    per_query = query_scores(search, judgements)
    by_kind = {
        kind: summarise({q: r for q, r in per_query.items() if kinds[q] == kind})
        for kind in sorted(set(kinds.values()))
    }
    english = [r for q, r in per_query.items() if kinds[q] == "english"]
    return {
        **summarise(per_query),
        "by_kind": by_kind,
        "english_at_0.6": sum(1 for r in english if r["ndcg@10"] >= 0.6),
        "queries": per_query,
    }


def query_scores(
    search: Callable[[str], list[str]], judgements: dict[str, dict[str, int]]
) -> dict[str, QueryScore]:
    per_query: dict[str, QueryScore] = {}
    for query, judged in judgements.items():
        slugs = search(query)
        grades = [judged.get(slug, 0) for slug in slugs]
        ideal = dcg(sorted(judged.values(), reverse=True)[:10])
        first = next((rank for rank, grade in enumerate(grades, start=1) if grade > 0), None)
        found = sum(1 for slug in set(slugs) if judged.get(slug, 0) > 0)
        per_query[query] = {
            "ndcg@10": dcg(grades) / ideal,
            "rr": 1 / first if first else 0.0,
            "recall@10": found / len(judged),
            "hits": len(slugs),
            "top3": slugs[:3],
        }
    return per_query


def summarise(per_query: dict[str, QueryScore]) -> Summary:
    n = len(per_query)
    return {
        "queries_n": n,
        "ndcg@10": sum(q["ndcg@10"] for q in per_query.values()) / n,
        "mrr": sum(q["rr"] for q in per_query.values()) / n,
        "recall@10": sum(q["recall@10"] for q in per_query.values()) / n,
        "without_hit": sum(1 for q in per_query.values() if not q["hits"]),
    }


def main() -> None:
    setup_django("relevance")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from modelsearch.backends import get_search_backend

    from knowledge import demo as knowledge_demo
    from knowledge.models import KnowledgePage
    from portal.management.commands.seed_demo import Command as SeedDemo
    from sitesearch import demo as sitesearch_demo
    from sprints import demo as sprints_demo

    class Quiet:
        def write(self, *args: object, **kwargs: object) -> None:
            pass

    SeedDemo().seed_users("bench-password-not-used")
    sprints_demo.seed(stdout=Quiet())
    knowledge_demo.seed(stdout=Quiet())
    sitesearch_demo.seed(stdout=Quiet())
    owner = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    assert owner is not None
    demo_ids = list(KnowledgePage.objects.live().values_list("pk", flat=True))
    call_command(
        "import_knowledge", str(HELDOUT / "pages"), publish=True, owner=owner.username, stdout=Quiet()
    )
    heldout_ids = list(KnowledgePage.objects.live().exclude(pk__in=demo_ids).values_list("pk", flat=True))
    print(f"knowledge pages: {len(demo_ids)} demo + {len(heldout_ids)} held-out", flush=True)

    heldout, kinds = heldout_judgements()
    sets: dict[str, SetScores] = {}
    for name, label in (("default", "whoosh"), ("database", "database")):
        seconds = rebuild(name)
        backend: Backend = get_search_backend(name)
        live = KnowledgePage.objects.live()
        sets[label] = {
            "index_build_s": round(seconds, 2),
            "demo": score(engine(backend, live.filter(pk__in=demo_ids)), JUDGEMENTS),
            "heldout": score_by_kind(engine(backend, live.filter(pk__in=heldout_ids)), heldout, kinds),
        }
    # The engine's figures above are for what the backend ranks within each set; these are what a coordinator
    # gets from the search page itself, over every page at once, with its loosening of queries that find nothing.
    coordinator = get_user_model().objects.get(username="coordinator")
    sets["whoosh_as_served"] = {
        "demo": score(served(coordinator), JUDGEMENTS),
        "heldout": score_by_kind(served(coordinator), heldout, kinds),
    }
    print(f"{'':16} {'set':8} {'nDCG@10':>8} {'MRR':>6} {'R@10':>6} {'no hit':>6}")
    for label in ("whoosh", "database", "whoosh_as_served"):
        for set_name in ("demo", "heldout"):
            r = sets[label][set_name]
            print(
                f"{label:16} {set_name:8} {r['ndcg@10']:8.3f} {r['mrr']:6.3f} {r['recall@10']:6.3f} {r['without_hit']:6}"
            )
        by_kind = sets[label]["heldout"]["by_kind"]
        print(
            "                 held-out by kind: "
            + ", ".join(
                f"{kind} nDCG {r['ndcg@10']:.3f} R@10 {r['recall@10']:.3f}" for kind, r in by_kind.items()
            )
        )
        print(
            f"                 English queries at nDCG@10 >= 0.6: {sets[label]['heldout']['english_at_0.6']}"
        )
    report = {"demo_queries": len(JUDGEMENTS), "heldout_queries": len(heldout), **sets}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search_relevance.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
