"""Text analysis for the Whoosh backend: Swedish and English stemming, folding, compounds, aliases and highlights."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stemmer_for_language, stopwords_for_language

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


class FoldFilter(Filter):  # type: ignore[misc]
    """Whoosh filter applying `fold` to every token."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


# --- Swedish vocabulary for compounds and umlaut plurals -----------------------------------------
# Base forms that compounds in the programme's texts are built from. Swedish writes compounds as one
# word (bostadsbrist = bostad + s + brist); splitting them into known parts lets "brist på bostäder"
# and "bostadsbrist" find each other. Only parts from this list are split off, so unknown words are
# never cut into nonsense.
_LEXICON_TEXT = """
    arbete arbetsgivare arbetskraft arbetsplats anställning anställd jobb tjänst yrke lön karriär
    bostad hus lägenhet boende hyra hyresrätt villa tomt stad land by ort plats region kommun län
    brist behov efterfrågan utbud tillgång kapacitet resurs resurser möjlighet utmaning problem
    kompetens försörjning matchning utbildning skola förskola gymnasium universitet högskola kurs
    vård omsorg hälsa sjukvård äldreomsorg socialtjänst service mottagning mottagande
    inflyttning inflyttare utflyttning flytt flyttning invånare befolkning medborgare familj barn
    partner hushåll par person människa kvinna man ungdom student pensionär nyanländ
    attraktion attraktivitet marknad marknadsföring kampanj varumärke profil profilering kommunikation
    besök besökare turism turist resa destination upplevelse natur fjäll skog älv sjö vinter sommar
    norrsken snö kyla värme ljus mörker
    energi el kraft vind vatten sol industri fabrik företag näringsliv näring handel investering
    planering plan mark detaljplan översiktsplan bygg byggnad infrastruktur väg järnväg tåg buss flyg
    transport trafik pendling pendlare distans digital plattform kanal webb sida portal app
    sprint metod test vecka dag månad år pilot workshop intervju enkät analys data statistik
    samverkan samarbete nätverk projekt program insats åtgärd arbetssätt process strategi mål
    lärdom kunskap erfarenhet resultat råd idé förslag beslut möte utbyte träff konferens
    information guide stöd hjälp rådgivning lots välkomst introduktion språk kultur förening fritid
    idrott sport jakt fiske friluftsliv hund skoter skidor
    grön omställning hållbarhet klimat miljö framtid tillväxt utveckling innovation forskning
    arbetsmarknad jobbmatchning rekrytering värvning etablering integration
    landsbygd glesbygd centrum tätort inland kust dal gräns
    samhälle välfärd ekonomi budget kostnad pris värde kvalitet trygghet säkerhet
    fråga led park paket mässa hyra skoter cykel bil båt stuga
"""
SWEDISH_LEXICON: frozenset[str] = frozenset(_LEXICON_TEXT.split())

# Plurals with an umlaut that Snowball cannot bring back to the singular (bostäder -> bostad):
# (ending of the inflected form, replacement); applied only when the result is a known word or ends
# in one, so that "väder" (weather) is not turned into "vad".
_UMLAUT_PLURALS: tuple[tuple[str, str], ...] = (
    ("ädernas", "ad"),
    ("äderna", "ad"),
    ("äders", "ad"),
    ("äder", "ad"),
    ("änderna", "and"),
    ("änder", "and"),
    ("ötterna", "ot"),
    ("ötter", "ot"),
    ("öckerna", "ok"),
    ("öcker", "ok"),
    ("önderna", "onde"),
    ("önder", "onde"),
    ("ätterna", "att"),
    ("ätter", "att"),
)

_stem_sv: Callable[[str], str] = stemmer_for_language("sv")
_stem_en: Callable[[str], str] = stemmer_for_language("en")


@lru_cache(maxsize=1)
def _lexicon_stems() -> frozenset[str]:
    return frozenset(_stem_sv(word) for word in SWEDISH_LEXICON)


def _known(word: str) -> bool:
    return word in SWEDISH_LEXICON or _stem_sv(word) in _lexicon_stems()


def _ends_in_known_word(word: str) -> bool:
    return any(word[i:] in SWEDISH_LEXICON for i in range(len(word) - 3))


@lru_cache(maxsize=50_000)
def swedish_lemma(word: str) -> str:
    """The singular of an umlaut plural (bostäderna -> bostad), else `word` unchanged."""
    for ending, replacement in _UMLAUT_PLURALS:
        if word.endswith(ending):
            candidate = word[: -len(ending)] + replacement
            if _ends_in_known_word(candidate):
                return candidate
            break
    return word


MIN_PART = 3
# Two-letter words that often start a compound (elkapacitet, bygemenskap); other parts need three letters.
SHORT_FIRST_PARTS = frozenset({"el", "by"})


def _left_part(left: str) -> str | None:
    """The base form of the first part of a compound, allowing the linking -s- and a dropped final vowel."""
    if left in SHORT_FIRST_PARTS:
        return left
    candidates = [left]
    if left.endswith("s"):
        candidates += [left[:-1], left[:-1] + "e", left[:-1] + "a"]
    candidates += [left + "e", left + "a"]
    for candidate in candidates:
        if len(candidate) >= MIN_PART and candidate in SWEDISH_LEXICON:
            return candidate
    return None


@lru_cache(maxsize=50_000)
def split_compound(word: str, depth: int = 0) -> tuple[str, ...] | None:
    """Known parts of a Swedish compound (`bostadsbrist` -> ("bostad", "brist")), or None if it is not one."""
    if depth == 0 and (len(word) < 2 * MIN_PART or _known(word)):
        return None
    # Longest first part first: "arbetsmarknadsfrågor" is arbetsmarknad + fråga, not arbete + ...
    for cut in range(len(word) - MIN_PART, 1, -1):
        left = _left_part(word[:cut])
        if left is None:
            continue
        right = swedish_lemma(word[cut:])
        if _known(right):
            return (left, right)
        if depth < 2:
            rest = split_compound(right, depth + 1)
            if rest:
                return (left, *rest)
    return None


class SwedishLemmaFilter(Filter):  # type: ignore[misc]
    """Brings umlaut plurals back to the singular before stemming."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = swedish_lemma(token.text)
            yield token


class DecompoundFilter(Filter):  # type: ignore[misc]
    """Emits the parts of a Swedish compound at the compound's own position, after the compound itself."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            parts = split_compound(token.text)
            yield token
            if parts:
                for part in parts:
                    extra = token.copy()
                    extra.text = part
                    yield extra


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
    return chain | StemFilter(lang=language, cachesize=50_000)


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
    """Groups of equivalent names (a municipality's name, slug and aliases), looked up by folded word."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._by_word: dict[str, frozenset[str]] = {}
        for group in groups:
            names = {fold(name).strip() for name in group if name and name.strip()}
            single = frozenset(name for name in names if len(words(name)) == 1)
            for name in single:
                self._by_word[name] = self._by_word.get(name, frozenset()) | single

    def __len__(self) -> int:
        return len(self._by_word)

    def equivalents(self, word: str) -> frozenset[str]:
        """Every name equivalent to `word` (folded), itself excluded."""
        return self._by_word.get(word, frozenset()) - {word}


# --- Query analysis -----------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryWord:
    """One word of a query in one language: alternatives of which any may match, each a set of terms all required."""

    surface: str
    alternatives: tuple[tuple[str, ...], ...]
    # Parts of a compound that may also match alone, ranked well below the whole (bostadsbrist -> bostad).
    loose: tuple[str, ...] = ()

    def terms(self) -> set[str]:
        return {term for alternative in self.alternatives for term in alternative} | set(self.loose)


def _stem_word(word: str, language: str) -> str:
    if language == "sv":
        word = swedish_lemma(word)
    return STEMMERS[language](word)


def query_words(text: str, language: str, synonyms: Synonyms | None = None) -> list[QueryWord]:
    """Analyse a query the way `text_analyzer(language)` analyses documents, plus compounds and synonyms."""
    result: list[QueryWord] = []
    for word in words(text):
        equivalents = synonyms.equivalents(word) if synonyms is not None else frozenset()
        if word in STOPWORDS[language] and not equivalents:
            continue
        alternatives: list[tuple[str, ...]] = [(_stem_word(word, language),)]
        loose: tuple[str, ...] = ()
        if language == "sv":
            parts = split_compound(swedish_lemma(word))
            if parts:
                alternatives.append(tuple(_stem_word(part, language) for part in parts))
                loose = tuple(_stem_word(part, language) for part in parts if len(part) >= MIN_PART)
        for name in sorted(equivalents):
            alternatives.append((_stem_word(name, language),))
        unique = tuple(dict.fromkeys(alternatives))
        result.append(QueryWord(surface=word, alternatives=unique, loose=loose))
    return result


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
