"""A modelsearch (Wagtail 8 search layer) backend on Whoosh: full text in Whoosh, filters and ordering in the database."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connections, models
from django.db.models import Count
from django.utils.encoding import force_str
from django.utils.module_loading import import_string
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
)
from modelsearch.index import AutocompleteField, RelatedFields, SearchField, get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

# Plain Whoosh API only (index, fields, query, writing, spelling): the fork in use is one dependency line.
from whoosh import fields as wfields
from whoosh import query as wquery
from whoosh import writing as wwriting
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError

from .analysis import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    STOPWORDS,
    QueryWord,
    Synonyms,
    detect_language,
    highlight,
    plain_analyzer,
    query_words,
    split_compound,
    swedish_lemma,
    text_analyzer,
    words,
)
from .evaluation import Evaluation, Evaluator, PostingsCache, segment_id

logger = logging.getLogger(__name__)

INDEX_NAME = "stigar"
# Stored text used for highlights is cut here: a passage is picked from it, never the whole page.
STORED_TEXT_LIMIT = 20_000
# SQLite accepts up to 32 766 query parameters; pk lists are sent in chunks well below that.
PK_CHUNK = 10_000
SYNONYM_TTL_SECONDS = 60.0
# Up to this many matches, the database checks the filters for just their pks (below SQLite's 32,766
# parameters, and cheaper than listing every object that passes the filters).
PK_PROBE_LIMIT = 2_000
# A multi-process rebuild batch gives each process at least this many documents (else start-up costs more).
MULTIPROCESS_MINIMUM = 500
# A compound's single parts match on their own too, far below the compound or all its parts together.
LOOSE_PART_BOOST = 0.2
# All parts of a compound together (design + sprint for "designsprint") rank below pages with the compound itself: the
# parts may stand far apart in an unrelated text.
SPLIT_BOOST = 0.5


# --- Schema ---------------------------------------------------------------------------------------
def _field_name(path: str, suffix: str) -> str:
    """Whoosh ignores document keys that start with "_", so every model field gets a prefix."""
    return f"f_{path}__{suffix}"


def build_schema() -> Any:
    schema = wfields.Schema(
        doc_id=wfields.ID(unique=True, stored=True, sortable=True),
        doc_pk=wfields.ID(sortable=True),
        doc_ct=wfields.KEYWORD(),
        doc_lang=wfields.ID(stored=True),
        doc_text=wfields.STORED(),
        doc_spell=wfields.TEXT(analyzer=plain_analyzer(), phrase=False),
    )
    for language in LANGUAGES:
        schema.add(f"f_*__{language}", wfields.TEXT(analyzer=text_analyzer(language)), glob=True)
    schema.add("f_*__ac", wfields.TEXT(analyzer=plain_analyzer(), phrase=False), glob=True)
    return schema


class _Storage(FileStorage):
    """Whoosh's FileStorage with its scratch space inside our directory.

    Whoosh puts a writer's scratch files in ``$TMPDIR/<indexname>.tmp`` and deletes that directory
    when done, so two indexes with the same name (tests, several checkouts) would clobber each other.
    """

    def __init__(self, path: str, scratch: str) -> None:
        super().__init__(path)
        self._scratch = scratch

    def temp_storage(self, name: str | None = None) -> Any:
        return FileStorage(os.path.join(self._scratch, name or "scratch")).create()


class _TermLookup:
    """`(field, text) in lookup`: whether the index holds a term, remembered for the generation.

    Compiling a query asks this for every field, language and word variant (a hundred questions for
    a two-word query); the reader answers each by probing every segment."""

    LIMIT = 50_000

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.known: dict[tuple[str, str], bool] = {}

    def __contains__(self, term: tuple[str, str]) -> bool:
        found = self.known.get(term)
        if found is None:
            if len(self.known) >= self.LIMIT:
                self.known.clear()
            found = self.known[term] = term in self.reader
        return found


class _Generation:
    """What one index generation answers without asking again: live documents, pks, content types.

    Built per thread when the searcher changes (after any write), so nothing here can be stale."""

    def __init__(self, searcher: Any, postings: PostingsCache) -> None:
        reader = searcher.reader()
        size = reader.doc_count_all()
        self.live = np.zeros(size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.evaluator = Evaluator(searcher, postings, self.live)
        # The pk of every document (deleted ones too: document numbers index this list).
        self.pks: list[str] = list(reader.column_reader("doc_pk")) if size else []
        self._pk_numbers: np.ndarray | None = None
        self._content_types: dict[str, np.ndarray] = {}
        self.terms = _TermLookup(reader)

    def content_type_mask(self, content_type: str) -> np.ndarray:
        mask = self._content_types.get(content_type)
        if mask is None:
            mask = self.evaluator.evaluate(wquery.Term("doc_ct", content_type)).matched
            self._content_types[content_type] = mask
        return mask

    def pk_mask(self, pks: Sequence[Any]) -> np.ndarray:
        """Documents whose pk is one of `pks` (of any model: combine with a content type mask)."""
        if self._pk_numbers is None:
            self._pk_numbers = np.array([int(pk) if pk.isdigit() else -1 for pk in self.pks], dtype=np.int64)
        if not pks:
            return np.zeros(len(self.pks), dtype=bool)
        if isinstance(pks[0], int):
            return np.isin(self._pk_numbers, np.asarray(pks, dtype=np.int64))
        # Non-integer keys (UUIDs, strings): compared as the text the index stores.
        wanted = {str(pk) for pk in pks}
        return np.fromiter((pk in wanted for pk in self.pks), dtype=bool, count=len(self.pks))


@dataclass
class _Handle:
    """One open index per directory and process, and one searcher per thread (Whoosh searchers are not shared)."""

    path: str
    index: Any
    local: threading.local = field(default_factory=threading.local)
    # Postings of written segments, shared by the process's threads (segments never change once written).
    postings: PostingsCache = field(default_factory=PostingsCache)

    def searcher(self) -> Any:
        current = getattr(self.local, "searcher", None)
        # Only the generation number on disk is compared when nothing changed. Whoosh's own
        # refresh() is avoided: it reuses segment readers that cache their deleted-document set,
        # so documents deleted by a later commit would still be found (whoosh-reloaded 2.7.5).
        if current is not None and current.reader().generation() == self.index.latest_generation():
            return current
        if current is not None:
            current.close()
        current = self.index.searcher()
        self.local.searcher = current
        self.local.generation = None
        segments = (segment_id(reader) for reader, _ in current.reader().leaf_readers())
        self.postings.forget_segments_except({segment for segment in segments if segment is not None})
        return current

    def generation(self) -> _Generation:
        searcher = self.searcher()
        state: _Generation | None = getattr(self.local, "generation", None)
        if state is None:
            state = _Generation(searcher, self.postings)
            self.local.generation = state
        return state


_HANDLES: dict[str, _Handle] = {}
_HANDLES_LOCK = threading.Lock()
_DEFAULT_PATH: list[str] = []


def _default_path() -> str:
    # No PATH: a private directory per process (modelsearch's own test settings give no options).
    if not _DEFAULT_PATH:
        _DEFAULT_PATH.append(tempfile.mkdtemp(prefix="stigar-whoosh-"))
    return _DEFAULT_PATH[0]


@contextlib.contextmanager
def _file_lock(path: str) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_handle(path: str) -> _Handle:
    path = os.path.abspath(path)
    with _HANDLES_LOCK:
        handle = _HANDLES.get(path)
        if handle is not None:
            return handle
        index_dir = os.path.join(path, "index")
        scratch = os.path.join(path, "scratch")
        os.makedirs(index_dir, exist_ok=True)
        os.makedirs(scratch, exist_ok=True)
        storage = _Storage(index_dir, scratch)
        # Creating the index must happen once even when several processes start together.
        with _file_lock(os.path.join(path, "create.lock")):
            try:
                index = storage.open_index(INDEX_NAME)
            except EmptyIndexError:
                index = storage.create_index(build_schema(), indexname=INDEX_NAME)
        handle = _Handle(path=path, index=index)
        _HANDLES[path] = handle
        return handle


# --- What gets indexed --------------------------------------------------------------------------
def _prepare(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(_prepare(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(_prepare(item) for item in value.values())
    return force_str(value)


def _is_model_field(model: type[models.Model], search_field: Any) -> bool:
    try:
        search_field.get_field(model)
    except FieldDoesNotExist:
        return False
    return True


def _field_values(
    obj: Any, search_fields: Iterable[Any], prefix: str = ""
) -> Iterator[tuple[str, bool, str, bool]]:
    """(path, is autocomplete, text, is a computed list) for every SearchField/AutocompleteField, following RelatedFields."""
    for search_field in search_fields:
        if isinstance(search_field, SearchField | AutocompleteField):
            value = search_field.get_value(obj)
            text = _prepare(value)
            if text:
                path, is_autocomplete = (
                    prefix + search_field.field_name,
                    isinstance(search_field, AutocompleteField),
                )
                # A list that no model field holds is computed (tag names), not the page's prose.
                computed_list = isinstance(value, list | tuple) and not _is_model_field(
                    type(obj), search_field
                )
                yield path, is_autocomplete, text, computed_list
        elif isinstance(search_field, RelatedFields):
            related = search_field.get_value(obj)
            if related is None:
                continue
            if isinstance(related, models.Manager):
                related_objects: Iterable[Any] = related.all()
            else:
                related_objects = [related() if callable(related) else related]
            for related_obj in related_objects:
                yield from _field_values(
                    related_obj, search_field.fields, prefix=f"{prefix}{search_field.field_name}__"
                )


def _content_types(model: type[models.Model]) -> list[str]:
    """The content type of `model` and of every indexed ancestor (a Novel is also found as a Book)."""
    names = [model.indexed_get_content_type()]  # type: ignore[attr-defined]
    parent = model.indexed_get_parent()  # type: ignore[attr-defined]
    while parent is not None:
        names.append(parent.indexed_get_content_type())
        parent = parent.indexed_get_parent()
    return names


def document_id(obj: Any) -> str:
    """One id per object whatever class it is loaded as: the root indexed model's content type and the pk."""
    return f"{_content_types(type(obj))[-1]}:{obj.pk}"


def _language_of(obj: Any, text: str, default: str) -> str:
    for attribute in ("search_language", "language"):
        value = getattr(obj, attribute, None)
        if callable(value):
            value = value()
        if isinstance(value, str) and value[:2].lower() in LANGUAGES:
            return value[:2].lower()
    return detect_language(text, default=default)


def build_document(obj: Any, default_language: str) -> dict[str, Any]:
    search_texts: dict[str, list[str]] = {}
    autocomplete_texts: dict[str, list[str]] = {}
    listed: set[str] = set()
    for path, is_autocomplete, text, computed_list in _field_values(obj, obj.get_search_fields()):
        if computed_list:
            listed.add(path)
        (autocomplete_texts if is_autocomplete else search_texts).setdefault(path, []).append(text)
    everything = "\n".join(text for texts in search_texts.values() for text in texts)
    language = _language_of(obj, everything, default_language)
    document: dict[str, Any] = {
        "doc_id": document_id(obj),
        "doc_pk": str(obj.pk),
        "doc_ct": " ".join(_content_types(type(obj))),
        "doc_lang": language,
        "doc_spell": "\n".join([everything, *(t for texts in autocomplete_texts.values() for t in texts)]),
    }
    for path, texts in search_texts.items():
        document[_field_name(path, language)] = "\n".join(texts)
    for path, texts in autocomplete_texts.items():
        document[_field_name(path, "ac")] = "\n".join(texts)
    # The passage for highlights: the object's own prose, without its title (shown anyway), without
    # related objects' names (municipality, tags) and computed lists (tag names), which read as noise in a passage;
    # else everything.
    body = "\n".join(
        t
        for path, texts in search_texts.items()
        if path != "title" and "__" not in path and path not in listed
        for t in texts
    )
    document["doc_text"] = (body or everything)[:STORED_TEXT_LIMIT]
    return document


# --- Index ----------------------------------------------------------------------------------------
class WhooshIndex(BaseIndex):
    """The one Whoosh index of a backend; every write takes Whoosh's single writer lock, retrying while busy."""

    def __init__(self, backend: SearchBackend) -> None:
        super().__init__(backend)
        self.backend: SearchBackend = backend
        self._rebuilt_ids: set[str] | None = None
        self._pending: list[dict[str, Any]] = []

    def get_key(self) -> str:
        return "default"

    # Writes
    @contextlib.contextmanager
    def writer(self, mergetype: Any = None, procs: int = 1, batch: int = 0) -> Iterator[Any]:
        """A Whoosh writer, committed on success; waits (bounded) for other processes' writers to finish.

        With `procs` > 1, Whoosh's multi-process writer analyses documents in that many processes, each
        writing its own segment (no merge at commit)."""
        handle = self.backend.handle
        deadline = time.monotonic() + self.backend.lock_timeout
        options: dict[str, Any] = {}
        if procs > 1:
            # Documents go to the processes in batches (Whoosh's default is 100; smaller flushes split too).
            options = {"procs": procs, "multisegment": True, "batchsize": max(1, min(100, batch // procs))}
        while True:
            try:
                writer = handle.index.writer(
                    timeout=min(2.0, self.backend.lock_timeout), delay=0.01, **options
                )
                break
            except LockError:
                if time.monotonic() >= deadline:
                    raise
                logger.info("search index busy, waiting for the writer lock")
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=mergetype)

    def add_items(self, model: type[models.Model], items: Sequence[Any]) -> None:
        if not model.get_search_fields():  # type: ignore[attr-defined]
            return
        # Documents are built (database reads for related fields) before the lock is taken.
        documents = [build_document(item, self.backend.default_language) for item in items]
        if not documents:
            return
        if self._rebuilt_ids is not None:
            # A rebuild writes large batches: modelsearch hands over 1,000 objects at a time, and a
            # commit per 1,000 would leave many small segments that Whoosh then merges (rewriting
            # every posting) within the rebuild or, worse, during a later page save.
            self._pending.extend(documents)
            if len(self._pending) >= self.backend.rebuild_batch:
                self._flush_rebuild()
            return
        self._write(documents)

    def _write(self, documents: Sequence[dict[str, Any]], procs: int = 1) -> None:
        with self.writer(procs=procs, batch=len(documents)) as writer:
            for document in documents:
                writer.update_document(**document)

    def _flush_rebuild(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        procs = self.backend.rebuild_procs if len(pending) >= 2 * MULTIPROCESS_MINIMUM else 1
        self._write(pending, procs=procs)
        if self._rebuilt_ids is not None:
            self._rebuilt_ids.update(document["doc_id"] for document in pending)

    def delete_item(self, item: Any) -> None:
        with self.writer() as writer:
            writer.delete_by_term("doc_id", document_id(item))

    def reset(self) -> None:
        # CLEAR drops every existing segment at commit: an empty index, not one full of deletions.
        with self.writer(mergetype=wwriting.CLEAR) as writer:
            writer.delete_by_query(wquery.Every())

    def refresh(self) -> None:
        # Commits are synchronous and searchers refresh themselves before each query.
        return None

    # Rebuilds: the index keeps serving while it is rebuilt; what the rebuild did not see goes at the end.
    def begin_rebuild(self) -> None:
        self._rebuilt_ids = set()
        self._pending = []

    def end_rebuild(self) -> None:
        self._flush_rebuild()
        rebuilt, self._rebuilt_ids = self._rebuilt_ids or set(), None
        searcher = self.backend.handle.searcher()
        reader = searcher.reader()
        ids = reader.column_reader("doc_id")
        stale = [ids[docnum] for docnum in reader.all_doc_ids()]
        stale = [doc_id for doc_id in stale if doc_id not in rebuilt]
        if not stale:
            return
        # A document saved by another process during the rebuild exists in the database: keep it.
        toplevel = {
            model.indexed_get_content_type(): model
            for model in get_indexed_models()
            if not model.indexed_get_parent()
        }
        by_model: dict[str, list[str]] = {}
        for doc_id in stale:
            label, _, pk = doc_id.partition(":")
            by_model.setdefault(label, []).append(pk)
        doomed: list[str] = []
        for label, pks in by_model.items():
            model = toplevel.get(label)
            existing: set[str] = set()
            if model is not None:
                for chunk in _chunks(pks, PK_CHUNK):
                    values = [_to_python(model, pk) for pk in chunk]
                    existing.update(
                        str(pk)
                        for pk in model._default_manager.filter(pk__in=values).values_list("pk", flat=True)
                    )
            doomed.extend(f"{label}:{pk}" for pk in pks if pk not in existing)
        if doomed:
            with self.writer() as writer:
                for doc_id in doomed:
                    writer.delete_by_term("doc_id", doc_id)


class WhooshRebuilder:
    def __init__(self, index: WhooshIndex) -> None:
        self.index = index

    def start(self) -> WhooshIndex:
        self.index.begin_rebuild()
        return self.index

    def finish(self) -> None:
        self.index.end_rebuild()


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _to_python(model: type[models.Model], pk: str) -> Any:
    return model._meta.pk.to_python(pk)


# --- Query compilation ------------------------------------------------------------------------
class _All:
    """Matches every document (translated MATCH_ALL)."""


class _None:
    """Matches nothing (translated MATCH_NONE)."""


ALL = _All()
NONE = _None()
Compiled = Any  # a Whoosh query, ALL or NONE


def _descendant_models(model: type[models.Model]) -> list[type[models.Model]]:
    return [m for m in get_indexed_models() if issubclass(m, model)] or [model]


def _field_paths(
    search_fields: Iterable[Any], wanted: type, prefix: str = "", boost: float = 1.0
) -> Iterator[tuple[str, float]]:
    for search_field in search_fields:
        if isinstance(search_field, wanted):
            name: str = getattr(search_field, "field_name", "")
            yield prefix + name, boost * float(getattr(search_field, "boost", None) or 1.0)
        elif isinstance(search_field, RelatedFields):
            yield from _field_paths(
                search_field.fields, wanted, f"{prefix}{search_field.field_name}__", boost
            )


def _any(queries: list[Any]) -> Any:
    """Or, without the parts that cannot match; NullQuery if none is left."""
    queries = [q for q in queries if q is not wquery.NullQuery]
    return wquery.NullQuery if not queries else queries[0] if len(queries) == 1 else wquery.Or(queries)


def _every(queries: list[Any]) -> Any:
    """And; NullQuery as soon as one part cannot match."""
    if not queries or any(q is wquery.NullQuery for q in queries):
        return wquery.NullQuery
    return queries[0] if len(queries) == 1 else wquery.And(queries)


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True
    field_class: type = SearchField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.highlight_terms: dict[str, set[str]] = {language: set() for language in LANGUAGES}
        self._synonyms: Synonyms = Synonyms()
        self._reader: Any = None

    # Fields of the searched model and of its indexed subclasses, with their boosts.
    def target_fields(self) -> dict[str, float]:
        paths: dict[str, float] = {}
        for model in _descendant_models(self.queryset.model):
            for path, boost in _field_paths(model.get_search_fields(), self.field_class):  # type: ignore[attr-defined]
                if self.fields is not None and path.split("__", 1)[0] not in self.fields:
                    continue
                paths[path] = max(boost, paths.get(path, 0.0))
        return paths

    def compile(self, synonyms: Synonyms, reader: Any = None) -> Compiled:
        """The Whoosh query; with `reader`, terms the index does not contain are left out (a query
        over every field in two languages is hundreds of terms, almost all of them absent)."""
        self._synonyms = synonyms
        self._fields = self.target_fields()
        self._reader = reader
        return self._translate(self.query, 1.0)

    def _translate(self, query: Any, boost: float) -> Compiled:
        if isinstance(query, MatchAll):
            return ALL
        if isinstance(query, PlainText):
            return self._plain_text(query.query_string, query.operator, boost * query.boost)
        if isinstance(query, Fuzzy):
            return self._plain_text(query.query_string, query.operator, boost, fuzzy=True)
        if isinstance(query, Phrase):
            return self._phrase(query.query_string, boost)
        if isinstance(query, Boost):
            return self._translate(query.subquery, boost * query.boost)
        if isinstance(query, Not):
            inner = self._translate(query.subquery, boost)
            if inner is ALL:
                return NONE
            if inner is NONE:
                return ALL
            return wquery.Not(inner)
        if isinstance(query, And):
            parts = [self._translate(sub, boost) for sub in query.subqueries]
            if any(part is NONE for part in parts):
                return NONE
            parts = [part for part in parts if part is not ALL]
            return ALL if not parts else parts[0] if len(parts) == 1 else wquery.And(parts)
        if isinstance(query, Or):
            parts = [self._translate(sub, boost) for sub in query.subqueries]
            if any(part is ALL for part in parts):
                # Everything matches, but matching documents should still rank first.
                scored = [part for part in parts if part is not NONE and part is not ALL]
                return wquery.Or([wquery.Every(), *scored]) if scored else ALL
            parts = [part for part in parts if part is not NONE]
            return NONE if not parts else parts[0] if len(parts) == 1 else wquery.Or(parts)
        raise NotImplementedError(f"`{type(query).__name__}` is not supported by the Whoosh search backend.")

    def _words(self, text: str, language: str) -> list[QueryWord]:
        found = query_words(text, language, self._synonyms)
        for word in found:
            self.highlight_terms[language].update(word.terms())
        return found

    def _term(self, path: str, language: str, text: str, boost: float, fuzzy: bool) -> Any:
        name = _field_name(path, language)
        if fuzzy:
            return wquery.FuzzyTerm(
                name, text, boost=boost, maxdist=1 if len(text) < 6 else 2, prefixlength=1
            )
        return wquery.Term(name, text, boost=boost)

    def _any_field(self, language: str, text: str, boost: float, fuzzy: bool = False) -> Any:
        fields = list(self._fields.items())
        if self._reader is not None and not fuzzy:
            fields = [(p, w) for p, w in fields if (_field_name(p, language), text) in self._reader]
        return _any([self._term(path, language, text, boost * weight, fuzzy) for path, weight in fields])

    def _plain_text(self, text: str, operator: str, boost: float, fuzzy: bool = False) -> Compiled:
        if not self._fields:
            return NONE
        per_language = []
        for language in LANGUAGES:
            word_queries = []
            for word in self._words(text, language):
                alternatives = [
                    self._any_field(language, alternative[0], boost, fuzzy)
                    if len(alternative) == 1
                    else _every([self._any_field(language, term, boost, fuzzy) for term in alternative])
                    for alternative in word.alternatives
                ]
                if word.split:
                    alternatives.append(
                        _every(
                            [
                                self._any_field(language, part, boost * SPLIT_BOOST, fuzzy)
                                for part in word.split
                            ]
                        )
                    )
                alternatives += [
                    self._any_field(language, part, boost * LOOSE_PART_BOOST, fuzzy) for part in word.loose
                ]
                word_queries.append(_any(alternatives))
            if word_queries:
                per_language.append(_every(word_queries) if operator == "and" else _any(word_queries))
        combined = _any(per_language)
        return NONE if combined is wquery.NullQuery else combined

    def _phrase(self, text: str, boost: float) -> Compiled:
        if not self._fields:
            return NONE
        per_language = []
        for language in LANGUAGES:
            terms = [word.alternatives[0][0] for word in query_words(text, language)]
            self.highlight_terms[language].update(terms)
            if not terms:
                continue
            for path, weight in self._fields.items():
                name = _field_name(path, language)
                per_language.append(
                    wquery.Term(name, terms[0], boost=boost * weight)
                    if len(terms) == 1
                    else wquery.Phrase(name, terms, boost=boost * weight)
                )
        return wquery.Or(per_language) if per_language else NONE


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Prefix matching on AutocompleteFields, unstemmed, every word of the query a prefix."""

    field_class = AutocompleteField

    def _plain_text(self, text: str, operator: str, boost: float, fuzzy: bool = False) -> Compiled:
        if not self._fields:
            return NONE
        prefixes = words(text)
        if not prefixes:
            return NONE
        for language in LANGUAGES:
            self.highlight_terms[language].update(prefixes)
        word_queries = [
            wquery.Or(
                [
                    wquery.Prefix(_field_name(path, "ac"), prefix, boost=boost * weight)
                    for path, weight in self._fields.items()
                ]
            )
            for prefix in prefixes
        ]
        return wquery.And(word_queries) if operator == "and" else wquery.Or(word_queries)

    def _phrase(self, text: str, boost: float) -> Compiled:
        return self._plain_text(text, "and", boost)


# --- Results -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    pk: str
    score: float
    docnum: int


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True
    backend: SearchBackend
    query_compiler: WhooshSearchQueryCompiler

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Shared by every slice and clone of these results: the query runs once for page and count.
        self._shared: dict[str, Any] = {}
        self._highlight_field: str | None = None

    def _clone(self) -> WhooshSearchResults:
        clone: WhooshSearchResults = super()._clone()
        clone._shared = self._shared
        clone._highlight_field = self._highlight_field
        return clone

    def annotate_highlight(self, field_name: str = "search_highlight") -> WhooshSearchResults:
        """Set `field_name` on every result to its best matching passage, terms in <mark> (safe HTML)."""
        clone = self._clone()
        clone._highlight_field = field_name
        return clone

    # The query, once
    def compiled(self) -> Compiled:
        if "compiled" not in self._shared:
            terms = self.backend.handle.generation().terms
            self._shared["compiled"] = self.query_compiler.compile(self.backend.synonyms(), terms)
        compiled: Compiled = self._shared["compiled"]
        return compiled

    def _queryset(self) -> models.QuerySet[Any]:
        queryset: models.QuerySet[Any] = self.query_compiler.queryset
        if not self.query_compiler.order_by_relevance and not queryset.query.order_by:
            # A stable order keeps results from repeating across pages (wagtail/wagtail#3729).
            queryset = queryset.order_by("-pk")
        return queryset

    def _is_filtered(self) -> bool:
        query = self.query_compiler.queryset.query
        return bool(query.where) or query.is_empty()

    def evaluation(self) -> Evaluation:
        """Scores and matches of the query among the documents the queryset lets through (once per results)."""
        if "evaluation" not in self._shared:
            compiled = self.compiled()
            generation = self.backend.handle.generation()
            query = wquery.Every() if compiled is ALL else compiled
            content_type = self.query_compiler.queryset.model.indexed_get_content_type()
            evaluation = generation.evaluator.evaluate(query).restrict(
                generation.content_type_mask(content_type)
            )
            if self._is_filtered():
                evaluation = evaluation.restrict(self._allowed(generation, evaluation.matched))
            self._shared["evaluation"] = evaluation
        found: Evaluation = self._shared["evaluation"]
        return found

    def hits(self) -> list[Hit]:
        """Every matching document in relevance order that the queryset's filters let through."""
        return self._top(None)

    def _top(self, limit: int | None) -> list[Hit]:
        compiled = self.compiled()
        if compiled is NONE or self.query_compiler.queryset.query.is_empty():
            return []
        pks = self.backend.handle.generation().pks
        return [
            Hit(pk=pks[docnum], score=score, docnum=docnum) for docnum, score in self.evaluation().best(limit)
        ]

    def _allowed(self, generation: _Generation, matched: np.ndarray) -> np.ndarray:
        """Which of the `matched` documents pass the queryset's filters.

        The filters run in the database, so every lookup modelsearch allows works exactly as on the
        database backend and nothing can be stale. Only pks travel, read straight from the cursor and
        matched against the index's pk column with numpy. When few documents matched, the database is
        asked about those pks only (an index lookup each); otherwise it lists every object passing the
        filters, which costs the same whatever the query (about 7 ms for 10,000 of 20,000 pages)."""
        queryset = self.query_compiler.queryset.order_by()
        candidates = np.flatnonzero(matched)
        if len(candidates) <= PK_PROBE_LIMIT:
            model = queryset.model
            queryset = queryset.filter(
                pk__in=[_to_python(model, generation.pks[docnum]) for docnum in candidates]
            )
        pk_query = queryset.values_list("pk", flat=True)
        try:
            sql, params = pk_query.query.get_compiler(using=pk_query.db).as_sql()
        except EmptyResultSet:  # e.g. pk__in=[]
            return np.zeros_like(matched)
        with connections[pk_query.db].cursor() as cursor:
            cursor.execute(sql, params)
            pks = [row[0] for row in cursor.fetchall()]
        return generation.pk_mask(pks)

    def _do_search(self) -> list[Any]:
        compiled = self.compiled()
        if compiled is NONE or self.query_compiler.queryset.query.is_empty():
            return []
        if compiled is ALL:
            results = list(self._queryset()[self.start : self.stop])
            scores: dict[str, float | None] = {}
        else:
            hits = self._top(self.stop) if self.query_compiler.order_by_relevance else self.hits()
            scores = {hit.pk: hit.score for hit in hits}
            if self.query_compiler.order_by_relevance:
                page = hits[self.start : self.stop]
                by_pk = _in_bulk(self.query_compiler.queryset, [hit.pk for hit in page])
                results = [by_pk[hit.pk] for hit in page if hit.pk in by_pk]
            else:
                queryset = self._queryset()
                pks = [_to_python(queryset.model, hit.pk) for hit in hits]
                results = list(queryset.filter(pk__in=pks)[self.start : self.stop])
        if self._score_field:
            for obj in results:
                setattr(obj, self._score_field, scores.get(str(obj.pk)))
        if self._highlight_field:
            self._annotate_highlights(results)
        return results

    def _do_count(self) -> int:
        compiled = self.compiled()
        if compiled is NONE or self.query_compiler.queryset.query.is_empty():
            return 0
        if compiled is ALL:
            return int(self._queryset()[self.start : self.stop].count())
        total = self.evaluation().count()
        stop = total if self.stop is None else min(total, self.stop)
        return cast("int", max(0, stop - self.start))

    def _annotate_highlights(self, results: list[Any]) -> None:
        assert self._highlight_field is not None
        stored = self.backend.stored_fields([document_id(obj) for obj in results])
        for obj in results:
            fields = stored.get(document_id(obj), {})
            language = fields.get("doc_lang", DEFAULT_LANGUAGE)
            text = fields.get("doc_text", "")
            terms = self.query_compiler.highlight_terms.get(language, set())
            setattr(obj, self._highlight_field, highlight(text, terms, language) if text else "")

    def facet(self, field_name: str) -> OrderedDict[Any, int]:
        model = self.query_compiler.queryset.model
        # A foreign key may be named as in search_fields ("municipality") or by its column ("municipality_id").
        search_field = self.query_compiler._get_filterable_field(field_name) or next(
            (f for f in model.get_filterable_search_fields() if f.field_name == field_name), None
        )
        if search_field is not None:
            field_name = search_field.get_attname(model)
        if search_field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f"index.FilterField('{field_name}') to {self.query_compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        compiled = self.compiled()
        queryset = self.query_compiler.queryset
        if compiled is NONE:
            return OrderedDict()
        if compiled is not ALL:
            pks = [_to_python(queryset.model, hit.pk) for hit in self.hits()]
            queryset = queryset.filter(pk__in=pks)
        rows = queryset.order_by().values(field_name).annotate(count=Count("pk")).order_by("-count")
        return OrderedDict((row[field_name], row["count"]) for row in rows)


def _in_bulk(queryset: models.QuerySet[Any], pks: Sequence[str]) -> dict[str, Any]:
    if not pks:
        return {}
    values = [_to_python(queryset.model, pk) for pk in pks]
    return {str(obj.pk): obj for obj in queryset.filter(pk__in=values).order_by()}


# --- Backend -------------------------------------------------------------------------------------
_SYNONYM_CACHE: dict[str, tuple[float, Synonyms]] = {}


class SearchBackend(BaseSearchBackend):
    """Options: PATH (index directory; a temporary one when absent), SYNONYMS (dotted path to a callable
    returning groups of equivalent names), LANGUAGE (sv or en, for texts that do not say), LOCK_TIMEOUT (s),
    REBUILD_BATCH (documents per commit in a rebuild, 5,000) and REBUILD_PROCS (analysing processes in a
    rebuild, up to 2 by the machine's cores)."""

    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    index_class = WhooshIndex
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = str(params.get("PATH") or _default_path())
        self.synonyms_path: str = str(params.get("SYNONYMS") or "")
        self.default_language = str(params.get("LANGUAGE") or DEFAULT_LANGUAGE)
        self.lock_timeout = float(params.get("LOCK_TIMEOUT", 120.0))
        # Rebuilds: documents per commit (one segment each, or one per process), and analysing processes.
        self.rebuild_batch = int(params.get("REBUILD_BATCH", 5000))
        self.rebuild_procs = int(
            params.get("REBUILD_PROCS", os.environ.get("STIGAR_REBUILD_PROCS", min(2, os.cpu_count() or 1)))
        )
        self._index: WhooshIndex | None = None

    @property
    def handle(self) -> _Handle:
        return open_handle(self.path)

    def get_index_for_model(self, model: type[models.Model]) -> WhooshIndex:
        if self._index is None:
            self._index = WhooshIndex(self)
        return self._index

    # Reading
    def stored_fields(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        searcher = self.handle.searcher()
        found: dict[str, dict[str, Any]] = {}
        for doc_id in doc_ids:
            docnum = searcher.document_number(doc_id=doc_id)
            if docnum is not None:
                found[doc_id] = searcher.stored_fields(docnum)
        return found

    def highlight_objects(self, query: str, objects: Sequence[Any]) -> list[str]:
        """For each object, its passage best matching `query` with the matching words in <mark> (safe HTML)."""
        synonyms = self.synonyms()
        terms = {
            language: {term for word in query_words(query, language, synonyms) for term in word.terms()}
            for language in LANGUAGES
        }
        stored = self.stored_fields([document_id(obj) for obj in objects])
        marked: list[str] = []
        for obj in objects:
            fields = stored.get(document_id(obj), {})
            language = fields.get("doc_lang", self.default_language)
            text = fields.get("doc_text", "")
            marked.append(highlight(text, terms.get(language, set()), language) if text else "")
        return marked

    def synonyms(self) -> Synonyms:
        if not self.synonyms_path:
            return Synonyms()
        cached = _SYNONYM_CACHE.get(self.synonyms_path)
        if cached and time.monotonic() - cached[0] < SYNONYM_TTL_SECONDS:
            return cached[1]
        try:
            groups: Callable[[], Iterable[Sequence[str]]] = import_string(self.synonyms_path)
            synonyms = Synonyms(groups())
        except Exception:  # a missing table or a broken callable must not take search down
            logger.exception("search: could not load synonyms from %s", self.synonyms_path)
            return cached[1] if cached else Synonyms()
        _SYNONYM_CACHE[self.synonyms_path] = (time.monotonic(), synonyms)
        return synonyms

    def suggest(self, query: str, model_or_queryset: Any = None) -> str | None:
        """The whole query with misspelled words replaced by the closest indexed words, or None.

        With `model_or_queryset`, a suggestion is only given if it finds something there: the caller's
        visibility filter then also decides which words may be suggested at all.
        """
        searcher = self.handle.searcher()
        reader = searcher.reader()
        corrector = searcher.corrector("doc_spell")
        synonyms = self.synonyms()
        original = words(query)
        corrected: list[str] = []
        for word in original:
            known = (
                len(word) < 3
                or word.isdigit()
                or any(word in STOPWORDS[language] for language in LANGUAGES)
                or ("doc_spell", word) in reader
                or synonyms.knows(word)
                or split_compound(swedish_lemma(word)) is not None
            )
            if not known and model_or_queryset is not None:
                # An inflection the index holds only in other forms (förskoleplatser) still finds pages.
                known = bool(self.search(word, model_or_queryset).count())
            suggestion = (
                None if known else next(iter(corrector.suggest(word, limit=1, maxdist=2, prefix=1)), None)
            )
            corrected.append(suggestion or word)
        if corrected == original:
            return None
        suggestion_text = " ".join(corrected)
        if model_or_queryset is not None and not self.search(suggestion_text, model_or_queryset).count():
            return None
        return suggestion_text

    def index_status(self) -> dict[str, Any]:
        index = self.handle.index
        return {
            "backend": "whoosh",
            "documents": int(self.handle.searcher().doc_count()),
            "age_seconds": round(max(0.0, time.time() - index.last_modified()), 1),
            "path": str(Path(self.path)),
        }
