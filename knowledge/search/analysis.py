"""Text analysis for the Whoosh backend: Swedish and English stemming, folding, compounds, aliases and highlights."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import Stemmer
from whoosh.analysis import Filter, RegexTokenizer, StopFilter
from whoosh.lang import stopwords_for_language

from .lexicon import swedish_lemmas, swedish_lexicon

LANGUAGES: tuple[str, ...] = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

# --- Folding ------------------------------------------------------------------------------------
# å, ä and ö are letters of their own in Swedish (and Finnish/Meänkieli): "får" is not "far". Every
# other diacritic is folded, so that Sámi spellings (Árjepluovve), é in "idé" and loan words match
# what people type on a keyboard without them. Letters that Unicode does not decompose are mapped here.
_KEPT_LETTERS = frozenset("åäö")
_EXTRA_FOLDS = {"æ": "ä", "ø": "ö", "đ": "d", "ŋ": "n", "ŧ": "t", "ß": "ss", "ł": "l", "œ": "oe", "ı": "i"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _KEPT_LETTERS or char.isascii():
        return char
    if char in _EXTRA_FOLDS:
        return _EXTRA_FOLDS[char]
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base or char


def fold(text: str) -> str:
    """Lower-case `text` and strip diacritics except on å, ä and ö."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return "".join(_fold_char(c) for c in lowered)


class FoldFilter(Filter):
    """Whoosh filter applying `fold` to every token."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


# --- Swedish lemmas and compounds -----------------------------------------------------------------
# Both come from maintained language data (knowledge/search/lexicon.py): the Hunspell dictionary says which words
# exist, simplemma's table gives irregular and umlaut lemmas, wordfreq's frequencies choose between possible splits.
_stem_sv: Callable[[str], str] = Stemmer.Stemmer("swedish").stemWord
_stem_en: Callable[[str], str] = Stemmer.Stemmer("english").stemWord


@lru_cache(maxsize=100_000)
def swedish_lemma(word: str) -> str:
    """The lemma of an irregular or umlaut form (bostäderna -> bostad, böcker -> bok), else `word` unchanged.

    Regular endings are left to the Snowball stemmer, which removes them the same way in documents and queries.
    """
    lemmas = swedish_lemmas()
    lemma = lemmas.get(word)
    if lemma is None:
        # A definite plural is often missing from the table while its indefinite form is there (bostäderna).
        for ending in ("na", "nas", "s"):
            if word.endswith(ending) and word[: -len(ending)] in lemmas:
                return lemmas[word[: -len(ending)]]
        return word
    return lemma


MIN_PART = 3
# The dictionary marks a few two-letter words as compound beginnings (el-, by-); later parts need three letters.
MIN_FIRST_PART = 2
MIN_BARE_END = 5
MAX_PARTS = 4
# Linking letters between the parts of a compound (bostad-s-brist, förskol-e-plats, gat-u-belysning).
_LINKS = ("s", "e", "a", "u", "o")
# Endings to try when the last part is an inflected form the dictionary lists only as its lemma.
_ENDINGS = (
    "arnas",
    "ernas",
    "ornas",
    "arna",
    "erna",
    "orna",
    "ens",
    "ets",
    "nas",
    "en",
    "et",
    "na",
    "ar",
    "er",
    "or",
    "es",
    "s",
    "n",
    "t",
    "r",
    "a",
    "e",
)


# Prepositions and verb particles (a closed class of the language, not vocabulary): för-, till-, genom-, fram- make
# derivations, not compounds: förskola is not för + skola, genomförd not genom + förd.
PARTICLES = frozenset(
    [
        "av",
        "bak",
        "bakom",
        "bort",
        "efter",
        "fram",
        "fort",
        "förbi",
        "före",
        "genom",
        "in",
        "inom",
        "kring",
        "med",
        "mellan",
        "mot",
        "ned",
        "ner",
        "om",
        "omkring",
        "på",
        "runt",
        "till",
        "tillbaka",
        "undan",
        "under",
        "upp",
        "ut",
        "utom",
        "vid",
        "åt",
        "åter",
        "över",
    ]
)


def _is_part_word(word: str) -> bool:
    return word not in STOPWORDS["sv"] and word not in PARTICLES


@lru_cache(maxsize=100_000)
def _first_part_lemma(piece: str) -> str | None:
    """The headword a compound's first (or middle) piece stands for, if the dictionary lets that form begin one.

    The dictionary lists these forms (arbets, bostads, förskole, läkar, bygg) or makes them by its linking-suffix
    rules; a form listed only as a compound part gets the commonest headword it can be the stem of (skol -> skola).
    """
    lexicon = swedish_lexicon()
    lemma = lexicon.compound_begin.get(piece)
    if lemma is None or not _is_part_word(lemma):
        return None
    if lemma in lexicon.headwords:
        return lemma
    stem = piece[:-1] if piece[-1:] in _LINKS else piece
    candidates = [
        c for c in (piece + "a", piece + "e", stem, stem + "a", stem + "e") if c in lexicon.headwords
    ]
    return max(candidates, key=lexicon.frequency) if candidates else piece


def _may_end(word: str) -> bool:
    lexicon = swedish_lexicon()
    # The dictionary's COMPOUNDEND flag, or (entries it lists without any flags, such as "arbetare") a headword
    # long enough not to be a stray syllable.
    return _is_part_word(word) and (
        word in lexicon.compound_end or (len(word) >= MIN_BARE_END and word in lexicon.headwords)
    )


@lru_cache(maxsize=100_000)
def _last_part_lemma(piece: str) -> str | None:
    """The headword a compound's last piece is a form of (platsen -> plats, veckor -> vecka, bostäderna -> bostad)."""
    lexicon = swedish_lexicon()
    lemma = swedish_lemma(piece)
    if lemma != piece and _may_end(lemma):
        return lemma
    # The dictionary lists many inflected forms as words of their own (frågor, frågan): the commonest of the piece
    # and the words it can be an inflection of is taken as its lemma (fråga).
    candidates = [piece] if _may_end(piece) else []
    for ending in _ENDINGS:
        if piece.endswith(ending) and len(piece) - len(ending) >= MIN_PART - 1:
            stem = piece[: -len(ending)]
            candidates += [c for c in (stem, stem + "a", stem + "e") if len(c) >= MIN_PART and _may_end(c)]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c in lexicon.compound_end, lexicon.frequency(c)))


def _best_split(word: str, max_parts: int, *, whole: bool = True) -> tuple[float, tuple[str, ...]] | None:
    """The best reading of `word` as one lemma (if `whole`) or as up to `max_parts` parts, with its score.

    The score is the mean of the parts' zipf frequencies, i.e. the log of their geometric mean frequency (Koehn &
    Knight 2003): a split into common words beats the whole word, a split into rare pieces does not.
    """
    lexicon = swedish_lexicon()
    best: tuple[float, tuple[str, ...]] | None = None
    if whole:
        last = _last_part_lemma(word)
        if last is not None:
            best = (lexicon.frequency(last), (last,))
    if max_parts > 1:
        for cut in range(MIN_FIRST_PART, len(word) - MIN_PART + 1):
            first = _first_part_lemma(word[:cut])
            if first is None:
                continue
            rest = _cached_split(word[cut:], max_parts - 1)
            if rest is None:
                continue
            parts = (first, *rest[1])
            score = sum(lexicon.frequency(part) for part in parts) / len(parts)
            if best is None or score > best[0]:
                best = (score, parts)
    return best


@lru_cache(maxsize=100_000)
def _cached_split(word: str, max_parts: int) -> tuple[float, tuple[str, ...]] | None:
    return _best_split(word, max_parts)


@lru_cache(maxsize=100_000)
def split_compound(word: str) -> tuple[str, ...] | None:
    """The lemmas of a Swedish compound's parts (`bostadsbristen` -> ("bostad", "brist")), or None if it is not one.

    A word is split when the dictionary allows every joint and the parts are, on average, more common than the whole
    word: "hemtjänst" splits (hem and tjänst are far more common), "transport" does not (trans + port are rarer).
    """
    if len(word) < MIN_FIRST_PART + MIN_PART or not word.isalpha():
        return None
    lexicon = swedish_lexicon()
    lemma = _last_part_lemma(word)
    whole = max(lexicon.frequency(word), lexicon.frequency(lemma) if lemma else 0.0)
    split = _best_split(word, MAX_PARTS, whole=False)
    if split is None or split[0] <= whole:
        return None
    return split[1]


@lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """Every part of a compound for the index: its parts, and the parts of those parts that are compounds themselves.

    hemtjänstpersonal -> hemtjänst, personal, hem, tjänst: a query for any of them finds the page.
    """
    parts = split_compound(word)
    if not parts:
        return ()
    nested = [sub for part in parts for sub in compound_parts(part)]
    return tuple(dict.fromkeys((*parts, *nested)))


class SwedishLemmaFilter(Filter):
    """Brings umlaut plurals back to the singular before stemming."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = swedish_lemma(token.text)
            yield token


class DecompoundFilter(Filter):
    """Emits the parts of a Swedish compound at the compound's own position, after the compound itself."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            parts = compound_parts(token.text)
            yield token
            if parts:
                for part in parts:
                    extra = token.copy()
                    extra.text = part
                    yield extra


class SnowballStemFilter(Filter):
    """Stems every token with the current Snowball stemmer of `language` (PyStemmer), through a cache."""

    def __init__(self, language: str) -> None:
        # Only the language is kept: Whoosh pickles the schema with its analyzers into the index.
        self.language = language

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballStemFilter) and other.language == self.language

    def __hash__(self) -> int:
        return hash(("snowball", self.language))

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        stem = _cached_stemmer(self.language)
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


@lru_cache(maxsize=2)
def _cached_stemmer(language: str) -> Callable[[str], str]:
    return lru_cache(maxsize=100_000)(STEMMERS[language])


# --- Analyzers ----------------------------------------------------------------------------------
STOPWORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(stopwords_for_language("sv")),
    # Whoosh's English list lacks a few words that are noise in Stigar's English texts.
    "en": frozenset(stopwords_for_language("en")) | frozenset({"about", "into", "also"}),
}
STEMMERS: dict[str, Callable[[str], str]] = {"sv": _stem_sv, "en": _stem_en}


def tokenizer() -> Any:
    return RegexTokenizer()


def text_analyzer(language: str) -> Any:
    """The analyzer of a full-text field in `language`: fold, stop words, (Swedish) lemma and compounds, stem."""
    chain = tokenizer() | FoldFilter() | StopFilter(stoplist=STOPWORDS[language], minsize=1)
    if language == "sv":
        chain = chain | SwedishLemmaFilter() | DecompoundFilter()
    return chain | SnowballStemFilter(language)


def plain_analyzer() -> Any:
    """Folded words, no stemming: autocomplete prefixes and the spelling vocabulary."""
    return tokenizer() | FoldFilter()


@lru_cache(maxsize=4)
def cached_text_analyzer(language: str) -> Any:
    return text_analyzer(language)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return [token.text for token in plain_analyzer()(text)]


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """Swedish or English, by which language's stop words the text uses more; `default` on a tie."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for word in words(text[:5000]):
        for language in LANGUAGES:
            if word in STOPWORDS[language]:
                counts[language] += 1
    best = max(LANGUAGES, key=lambda language: counts[language])
    return best if counts[best] > counts[default] else default


# --- Synonyms -----------------------------------------------------------------------------------
class Synonyms:
    """Groups of equivalent names and phrases, looked up by folded word or word sequence.

    A group is a municipality's name, slug and aliases, or a glossary entry: synonyms in Swedish and their English
    equivalents (förskoleplats, barnomsorgsplats, preschool place). Phrases are matched on their stems in the query's
    language, so "preschool places" meets "preschool place".
    """

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._by_word: dict[str, frozenset[str]] = {}
        self._groups: list[frozenset[tuple[str, ...]]] = []
        for group in groups:
            names = {fold(name).strip() for name in group if name and name.strip()}
            single = frozenset(name for name in names if len(words(name)) == 1)
            for name in single:
                self._by_word[name] = self._by_word.get(name, frozenset()) | single
            phrases = frozenset(tuple(words(name)) for name in names if words(name))
            if len(phrases) > 1:
                self._groups.append(phrases)
        self.longest = max((len(phrase) for group in self._groups for phrase in group), default=1)
        self._by_stems: dict[str, dict[tuple[str, ...], frozenset[tuple[str, ...]]]] = {}

    def __len__(self) -> int:
        return len(self._by_word) + sum(len(group) for group in self._groups)

    def equivalents(self, word: str) -> frozenset[str]:
        """Every single-word name equivalent to `word` (folded), itself excluded."""
        return self._by_word.get(word, frozenset()) - {word}

    def knows(self, word: str) -> bool:
        """Whether `word` is a name or a word of a phrase in some group (then it is not a misspelling)."""
        return word in self._by_word or any(word in phrase for group in self._groups for phrase in group)

    def phrase_equivalents(self, phrase: Sequence[str], language: str) -> frozenset[tuple[str, ...]]:
        """The names (as word tuples) equivalent to the folded words `phrase`, compared by stems; itself excluded."""
        table = self._by_stems.get(language)
        if table is None:
            table = {}
            for group in self._groups:
                for name in group:
                    key = _phrase_key(name, language)
                    table[key] = table.get(key, frozenset()) | group
            self._by_stems[language] = table
        key = _phrase_key(phrase, language)
        return frozenset(name for name in table.get(key, frozenset()) if _phrase_key(name, language) != key)


def _phrase_key(phrase: Sequence[str], language: str) -> tuple[str, ...]:
    return tuple(_stem_word(word, language) for word in phrase if word not in STOPWORDS[language]) or tuple(
        phrase
    )


# --- Query analysis -----------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryWord:
    """One word of a query in one language: alternatives of which any may match, each a set of terms all required."""

    surface: str
    alternatives: tuple[tuple[str, ...], ...]
    # The parts of a compound, all required, ranked below the whole word (bostadsbrist -> bostad + brist).
    split: tuple[str, ...] = ()
    # Parts of a compound that may also match alone, ranked well below the whole (bostadsbrist -> bostad).
    loose: tuple[str, ...] = ()

    def terms(self) -> set[str]:
        alternatives = {term for alternative in self.alternatives for term in alternative}
        return alternatives | set(self.split) | set(self.loose)


def _stem_word(word: str, language: str) -> str:
    if language == "sv":
        word = swedish_lemma(word)
    return _cached_stemmer(language)(word)


def query_words(text: str, language: str, synonyms: Synonyms | None = None) -> list[QueryWord]:
    """Analyse a query the way `text_analyzer(language)` analyses documents, plus compounds and synonyms.

    A run of words that is a glossary phrase ("preschool place") becomes one query word whose alternatives are the
    phrase itself (all its words) and each equivalent (förskoleplats, or its parts förskola + plats).
    """
    result: list[QueryWord] = []
    folded = words(text)
    position = 0
    while position < len(folded):
        if synonyms is not None:
            phrase = _glossary_phrase(folded, position, language, synonyms)
            if phrase is not None:
                result.append(phrase[1])
                position += phrase[0]
                continue
        word = folded[position]
        position += 1
        equivalents = synonyms.equivalents(word) if synonyms is not None else frozenset()
        if word in STOPWORDS[language] and not equivalents:
            continue
        alternatives: list[tuple[str, ...]] = [(_stem_word(word, language),)]
        split: tuple[str, ...] = ()
        loose: tuple[str, ...] = ()
        if language == "sv":
            parts = split_compound(swedish_lemma(word))
            if parts:
                split = tuple(_stem_word(part, language) for part in parts)
                loose = tuple(_stem_word(part, language) for part in parts if len(part) >= MIN_PART)
        for name in sorted(equivalents):
            alternatives += _name_alternatives((name,), language)
        unique = tuple(dict.fromkeys(alternatives))
        result.append(QueryWord(surface=word, alternatives=unique, split=split, loose=loose))
    return result


def _glossary_phrase(
    folded: list[str], position: int, language: str, synonyms: Synonyms
) -> tuple[int, QueryWord] | None:
    """The longest glossary phrase (two words or more) starting at `position`, as (its length, its query word)."""
    for length in range(min(synonyms.longest, len(folded) - position), 1, -1):
        phrase = tuple(folded[position : position + length])
        if phrase[0] in STOPWORDS[language] or phrase[-1] in STOPWORDS[language]:
            continue  # "in kiruna" is not the phrase "kiruna"
        equivalents = synonyms.phrase_equivalents(phrase, language)
        if not equivalents:
            continue
        alternatives = _name_alternatives(phrase, language)
        for name in sorted(equivalents):
            alternatives += _name_alternatives(name, language)
        return length, QueryWord(surface=" ".join(phrase), alternatives=tuple(dict.fromkeys(alternatives)))
    return None


def _name_alternatives(name: Sequence[str], language: str) -> list[tuple[str, ...]]:
    """A name as query alternatives: all its (non-stop) words' stems, and for one Swedish compound also its parts."""
    stems = tuple(_stem_word(word, language) for word in name if word not in STOPWORDS[language])
    alternatives = [stems] if stems else []
    if language == "sv" and len(name) == 1:
        parts = split_compound(swedish_lemma(name[0]))
        if parts:
            alternatives.append(tuple(_stem_word(part, language) for part in parts))
    return alternatives


# --- Highlights ---------------------------------------------------------------------------------
_SPACE = re.compile(r"\s+")


def highlight(text: str, terms: set[str], language: str, *, length: int = 240) -> str:
    """The passage of `text` (about `length` characters) with the most matching words, each in <mark>; HTML-escaped."""
    text = _SPACE.sub(" ", text).strip()
    if not text:
        return ""
    spans: list[tuple[int, int]] = []
    for token in cached_text_analyzer(language)(text, chars=True, mode="index", removestops=True):
        if token.text in terms and (not spans or spans[-1] != (token.startchar, token.endchar)):
            spans.append((token.startchar, token.endchar))
    if not spans:
        return html.escape(_cut(text, 0, length))
    # The window starting at a match that covers the most matches; earlier windows win ties.
    best_start, best_count = spans[0][0], 0
    for start, _end in spans:
        count = sum(1 for s, e in spans if s >= start and e <= start + length)
        if count > best_count:
            best_start, best_count = start, count
    window_start = max(0, best_start - length // 4)
    if window_start:
        space = text.find(" ", window_start)
        window_start = space + 1 if 0 <= space < best_start else window_start
    window_end = min(len(text), window_start + length)
    if window_end < len(text):
        space = text.rfind(" ", window_start, window_end)
        window_end = space if space > max(s for s, _ in spans if s < window_end) else window_end
    pieces: list[str] = ["…" if window_start else ""]
    position = window_start
    for start, end in spans:
        if start < window_start or end > window_end:
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:window_end]))
    pieces.append("…" if window_end < len(text) else "")
    return "".join(pieces)


def _cut(text: str, start: int, length: int) -> str:
    if len(text) <= length:
        return text
    space = text.rfind(" ", start, start + length)
    return text[start : space if space > start else start + length] + "…"
