"""Analysis settings for OpenSearch/Elasticsearch generated from the same data as the Whoosh analysis.

When the portal scales out to OpenSearch (SEARCH_BACKEND=opensearch), its index must keep the Swedish analysis:
the glossary and alias groups become a synonym_graph filter, the Swedish lexicon the word list of a
dictionary_decompounder, and both languages use the Snowball stemmers the Whoosh analysis uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .analysis import MIN_PART, PARTICLES, STOPWORDS, words
from .folding import fold
from .lexicon import swedish_lexicon

# The inline word list is limited to words at least this common (zipf 3 = once per million words): the dictionary's
# 250,000 words would make settings of several megabytes, and rare words rarely begin or end a compound.
DECOMPOUND_MIN_ZIPF = 3.0


def synonym_rules(groups: Iterable[Sequence[str]]) -> list[str]:
    """Solr-format equivalence rules ("a, b, c"), folded like the analysis folds text; groups of one name dropped."""
    rules: list[str] = []
    for group in groups:
        names = sorted({" ".join(words(name)) for name in group if words(name)})
        if len(names) > 1:
            rules.append(", ".join(name.replace(",", " ") for name in names))
    return sorted(set(rules))


def decompound_words(min_zipf: float = DECOMPOUND_MIN_ZIPF) -> list[str]:
    """Swedish words a compound may be made of: dictionary words that may begin or end one, common enough."""
    lexicon = swedish_lexicon()
    candidates = set(lexicon.compound_end) | {
        word for words in lexicon.compound_begin.values() for word in words
    }
    return sorted(
        word
        for word in candidates
        if len(word) >= MIN_PART
        and word not in STOPWORDS["sv"]
        and word not in PARTICLES
        and lexicon.frequency(word) >= min_zipf
    )


def index_settings(
    groups: Iterable[Sequence[str]], *, min_zipf: float = DECOMPOUND_MIN_ZIPF
) -> dict[str, Any]:
    """The `settings` of an index: analyzers `stigar_sv` and `stigar_en`, and a query-time synonym analyzer for each."""
    rules = synonym_rules(groups)
    filters: dict[str, Any] = {
        "stigar_synonyms": {"type": "synonym_graph", "synonyms": rules, "lenient": True},
        "stigar_sv_stop": {"type": "stop", "stopwords": sorted(STOPWORDS["sv"])},
        "stigar_en_stop": {"type": "stop", "stopwords": sorted(STOPWORDS["en"])},
        "stigar_sv_decompounder": {
            "type": "dictionary_decompounder",
            "word_list": decompound_words(min_zipf),
            "min_subword_size": MIN_PART,
            "only_longest_match": False,
        },
        "stigar_sv_stemmer": {"type": "stemmer", "language": "swedish"},
        "stigar_en_stemmer": {"type": "stemmer", "language": "english"},
    }
    analyzers = {
        "stigar_sv": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "stigar_sv_stop", "stigar_sv_decompounder", "stigar_sv_stemmer"],
        },
        "stigar_en": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "stigar_en_stop", "stigar_en_stemmer"],
        },
        # Synonyms at query time only: a glossary edit then needs no reindex (synonym_graph is query-time anyway).
        "stigar_sv_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "stigar_synonyms",
                "stigar_sv_stop",
                "stigar_sv_decompounder",
                "stigar_sv_stemmer",
            ],
        },
        "stigar_en_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "stigar_synonyms", "stigar_en_stop", "stigar_en_stemmer"],
        },
    }
    char_filters = {"stigar_folding": {"type": "mapping", "mappings": folding_mappings()}}
    for analyzer in analyzers.values():
        analyzer["char_filter"] = ["stigar_folding"]
    return {"analysis": {"char_filter": char_filters, "filter": filters, "analyzer": analyzers}}


def folding_mappings() -> list[str]:
    """analysis.fold as a mapping char filter: Latin letters with diacritics folded, å, ä and ö kept (no ICU plugin)."""
    mappings = []
    for code in range(0xC0, 0x250):
        char = chr(code)
        folded = fold(char)
        if char.lower() not in "åäö" and folded != char.lower():
            mappings.append(f"{char}=>{folded}")
    return mappings
