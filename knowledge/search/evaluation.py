"""Whoosh queries evaluated a whole posting list at a time, with numpy.

Whoosh matches and scores one document at a time in Python: a query whose terms match thousands of
pages (a Swedish compound with its parts, over six fields) took a second at 20,000 lessons. Here each
term's postings are read once per segment through Whoosh's public reader API and kept (segments never
change once written; a deletion only hides documents, so postings read earlier stay a superset and the
current generation's live mask removes what was deleted since). And/Or/Not then combine whole arrays,
scores follow Whoosh's BM25F exactly (same idf, average field length and stored field lengths), and one
evaluation gives both the best hits and the exact count.

Query types this module does not know (phrases, for instance) are matched by Whoosh's own matcher for
that part of the tree, so every query Whoosh can run is still answered, with the same scores.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wquery
from whoosh import scoring as wscoring
from whoosh.reading import TermNotFound

# Postings kept per process, counted in documents (24 bytes each: id, weight, field length), plus one per term.
POSTINGS_BUDGET = 4_000_000


@dataclass(frozen=True)
class Postings:
    """One term in one segment: segment-local document numbers, term weights and field lengths."""

    ids: np.ndarray
    weights: np.ndarray
    lengths: np.ndarray


class PostingsCache:
    """Postings by (segment id, field, term), least recently used dropped first; shared by a process's threads."""

    def __init__(self, budget: int = POSTINGS_BUDGET) -> None:
        self.budget = budget
        self._entries: OrderedDict[tuple[str, str, bytes], Postings] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, reader: Any, fieldname: str, text: bytes) -> Postings:
        segment = segment_id(reader)
        if segment is None:  # an empty index has no segment, and nothing to keep
            return _read_postings(reader, fieldname, text)
        key = (segment, fieldname, text)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        postings = _read_postings(reader, fieldname, text)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = postings
                self._size += len(postings.ids) + 1
                while self._size > self.budget and len(self._entries) > 1:
                    _, dropped = self._entries.popitem(last=False)
                    self._size -= len(dropped.ids) + 1
        return postings

    def forget_segments_except(self, segment_ids: set[str]) -> None:
        """Drop the postings of segments that merges have replaced."""
        with self._lock:
            for key in [key for key in self._entries if key[0] not in segment_ids]:
                self._size -= len(self._entries.pop(key).ids) + 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


def segment_id(reader: Any) -> str | None:
    segment = reader.segment()
    return None if segment is None else str(segment.segment_id())


_EMPTY = Postings(
    ids=np.empty(0, dtype=np.int64),
    weights=np.empty(0, dtype=np.float64),
    lengths=np.empty(0, dtype=np.float64),
)


def _read_postings(reader: Any, fieldname: str, text: bytes) -> Postings:
    try:
        matcher = reader.postings(fieldname, text)
    except (TermNotFound, KeyError):
        return _EMPTY
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    length = reader.doc_field_length
    return Postings(
        ids=np.asarray(ids, dtype=np.int64),
        weights=np.asarray(weights, dtype=np.float64),
        lengths=np.asarray([length(docnum, fieldname, 1) for docnum in ids], dtype=np.float64),
    )


@dataclass
class Evaluation:
    """Scores and matches over the searcher's global document numbers."""

    scores: np.ndarray
    matched: np.ndarray

    def restrict(self, allowed: np.ndarray | None) -> Evaluation:
        matched = self.matched if allowed is None else self.matched & allowed
        return Evaluation(scores=self.scores, matched=matched)

    def count(self) -> int:
        return int(np.count_nonzero(self.matched))

    def best(self, limit: int | None = None) -> list[tuple[int, float]]:
        """(docnum, score), best first; equal scores in index order, so that pages never repeat a result."""
        if limit is not None and limit <= 0:
            return []
        docnums = np.flatnonzero(self.matched)
        scores = self.scores[docnums]
        if limit is not None and len(docnums) > limit:
            # Everything scoring at least the limit-th best score, so that ties at the cut keep index order.
            threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            keep = scores >= threshold
            docnums, scores = docnums[keep], scores[keep]
        order = np.lexsort((docnums, -scores))[:limit]
        return [(int(docnums[i]), float(scores[i])) for i in order]


class Evaluator:
    """Evaluates queries against one Whoosh searcher (one index generation)."""

    def __init__(self, searcher: Any, cache: PostingsCache, live: np.ndarray) -> None:
        self.searcher = searcher
        self.cache = cache
        self.live = live
        self.size = len(live)
        self.leaves: list[tuple[Any, int]] = list(searcher.leaf_searchers())
        weighting = searcher.weighting
        # Arrays reproduce BM25F only; another weighting model is scored by Whoosh's matchers instead.
        self.bm25f = type(weighting) is wscoring.BM25F and not getattr(weighting, "_field_B", None)

    def evaluate(self, query: Any) -> Evaluation:
        scores, matched = self._node(query)
        return Evaluation(scores=scores, matched=matched & self.live)

    def _zeros(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.size, dtype=np.float64), np.zeros(self.size, dtype=bool)

    def _node(self, query: Any) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(query, type(wquery.NullQuery)):
            return self._zeros()
        if isinstance(query, wquery.Term) and self.bm25f:
            return self._term(query)
        if type(query) is wquery.And or (
            type(query) is wquery.Or and not query.minmatch and query.scale is None
        ):
            parts = [self._node(sub) for sub in query.subqueries]
            if not parts:
                return self._zeros()
            scores = np.sum([part[0] for part in parts], axis=0)
            if isinstance(query, wquery.Or):
                matched = np.logical_or.reduce([part[1] for part in parts])
            else:
                matched = np.logical_and.reduce([part[1] for part in parts])
                scores = np.where(matched, scores, 0.0)
            return scores * query.boost, matched
        if isinstance(query, wquery.Not):
            # Whoosh scores a Not 1.0 whatever its boost (InverseMatcher's weight).
            _, inner = self._node(query.query)
            matched = ~inner & self.live
            return matched.astype(np.float64), matched
        if isinstance(query, wquery.Every) and query.fieldname in (None, "", "*"):
            return np.where(self.live, query.boost, 0.0), self.live.copy()
        if isinstance(query, wquery.MultiTerm) and self.bm25f:
            # Prefixes and fuzzy terms: the index's matching words, each scored as a term (as Whoosh does).
            return self._node(query.simplify(self.searcher.reader()))
        return self._whoosh(query)

    def _term(self, query: Any) -> tuple[np.ndarray, np.ndarray]:
        scores, matched = self._zeros()
        fieldname, text = query.fieldname, query.text
        if fieldname not in self.searcher.schema:
            return scores, matched
        text = self.searcher.schema[fieldname].to_bytes(text) if not isinstance(text, bytes) else text
        weighting = self.searcher.weighting
        scorable = self.searcher.schema[fieldname].scorable
        idf = self.searcher.idf(fieldname, text)
        average = self.searcher.avg_field_length(fieldname) or 1
        k1, b = weighting.K1, weighting.B
        for reader, offset in ((leaf.reader(), offset) for leaf, offset in self.leaves):
            postings = self.cache.get(reader, fieldname, text)
            if not len(postings.ids):
                continue
            tf = postings.weights
            if scorable:
                score = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * postings.lengths / average)))
            else:  # Whoosh scores a term of an unscored field (an ID, a KEYWORD) by its weight
                score = tf
            docnums = postings.ids + offset
            scores[docnums] = score * query.boost
            matched[docnums] = True
        return scores, matched

    def _whoosh(self, query: Any) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's own matcher, for a part of the query the arrays do not handle."""
        scores, matched = self._zeros()
        context = self.searcher.context()
        for leaf, offset in self.leaves:
            matcher = query.matcher(leaf, context)
            while matcher.is_active():
                docnum = matcher.id()
                scores[docnum + offset] = matcher.score()
                matched[docnum + offset] = True
                matcher.next()
        return scores, matched
