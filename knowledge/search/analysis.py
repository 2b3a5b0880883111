"""Text analysis for the Whoosh backend: Swedish and English stemming, folding, compounds, aliases and highlights."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import Stemmer
from whoosh.analysis import Filter, RegexTokenizer, StopFilter
from whoosh.lang import stopwords_for_language

from .folding import fold as fold  # re-exported: callers fold a word as the analyser does
from .lexicon import (
    INFLECTION_ENDINGS,
    SwedishLexicon,
    folkets_compounds,
    folkets_entries,
    swedish_lemmas,
    swedish_lexicon,
)

LANGUAGES: tuple[str, ...] = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

# --- Folding: knowledge/search/folding.py -------------------------------------------------------


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
MIN_LAST_PIECE = 2
MAX_PARTS = 4
# Linking letters between the parts of a compound (bostad-s-brist, förskol-e-plats, gat-u-belysning).
_LINKS = ("s", "e", "a", "u", "o")
# A first part the dictionary does not list as a compound form (färsk-, tanke-, besluts- from beslut) is still
# allowed, as any Swedish noun or adjective can begin a compound, but it costs this much (in zipf) against forms
# the dictionary lists: the split must be that much more likely to win.
GUESSED_JOINT_COST = 3.0
# A short headword the dictionary does not flag as a compound ending (del, råd) may still end one, at this cost.
SHORT_END_COST = 2.0
# A split wins over the whole word when its parts' mean zipf is within this margin of the whole word's: a compound
# such as koldioxid is more common than the geometric mean of kol and dioxid, and is still their compound.
SPLIT_MARGIN = 0.4
# Each joint costs this much, so that of two readings a split into fewer, longer parts wins unless the shorter
# parts are clearly more common (tonsättare is ton + sättare, not ton + sätt + tar).
PART_COST = 0.5
# Parts rarer than this (zipf 1.5 is about once in 30 million words) are stray syllables, not words; a part the
# dictionary does not sanction must be a common word (zipf 3 is once per million words).
MIN_PART_ZIPF = 1.5
# ... unless they are this long: a dictionary word of six letters is no stray syllable, however rare in the corpus
# (vaktare, laborant), and its low frequency already weighs against the split.
LONG_PART = 6


def _common_enough(lemma: str) -> bool:
    return len(lemma) >= LONG_PART or swedish_lexicon().frequency(lemma) >= MIN_PART_ZIPF


MIN_GUESSED_ZIPF = 2.5


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
        "ur",
        "ut",
        "utom",
        "vid",
        "åt",
        "åter",
        "över",
    ]
)


def _is_part_word(word: str, *, noun_stopword: bool = True) -> bool:
    """Not a particle, and not a stop word unless (`noun_stopword`) it is also a noun the dictionary inflects (man,
    vara: kontaktman, varuhus)."""
    if word in PARTICLES:
        return False
    return word not in STOPWORDS["sv"] or (
        noun_stopword and len(word) >= MIN_PART and swedish_lexicon().is_noun(word)
    )


def _guessed_first_lemmas(piece: str) -> list[str]:
    """Headwords `piece` may stand for at the start of a compound by the language's general rules.

    As it is (färsk-), with a linking -s- or -e- (besluts-, döds-, löne-), with a dropped final -a or -e (skol-,
    gubb-, arbets-), or with -a changed to -e, -u or -o (ränte-, gatu-, hälso-).
    """
    if len(piece) < MIN_PART:
        return []
    forms = [piece, piece + "a", piece + "e"]
    if piece.endswith("s"):
        stem = piece[:-1]
        forms += [stem, stem + "a", stem + "e"]
    if piece[-1:] in ("e", "u", "o"):
        # A linking -e- after a consonant (löne-, tjänste-, familje-) or a changed final vowel (ränte-, gatu-).
        forms += [piece[:-1], piece[:-1] + "a"]
    return forms


# Which headword a first piece stands for, when it can be several: the commonest, but one the dictionary makes the
# form from counts this much more (zipf), and the piece itself, when it is a headword, this much more again.
LISTED_LEMMA_BONUS = 1.0
SELF_LEMMA_BONUS = 0.5
# A linking -s- follows a noun (bostads-, arbets-), not an adjective: riks- is rike, not rik.
S_AFTER_ADJECTIVE_COST = 2.0


@lru_cache(maxsize=100_000)
def _first_part(piece: str) -> tuple[str, float] | None:
    """The headword a compound's first (or middle) piece stands for and what the joint costs, if it can be one.

    The dictionary lists the forms that begin compounds (arbets, bostads, förskole, läkar, bygg) or makes them by
    its linking-suffix rules; those joints cost nothing, other forms cost GUESSED_JOINT_COST. Which headword the
    form stands for is a separate question: the commonest of those it can be (löne: lön rather than löna; besluts:
    beslut rather than besluta), the dictionary's own readings first, and if that is a particle or stop word the
    piece begins a derivation, not a compound (för-, mot-). A piece that stands for no noun or adjective may be a
    verb's stem (ladd-, läs-: _verb_stem_part).
    """
    lexicon = swedish_lexicon()
    listed = lexicon.compound_begin.get(piece, ())
    ranks: dict[str, float] = {}

    def consider(lemma: str, bonus: float) -> None:
        rank = lexicon.frequency(lemma) + bonus + (SELF_LEMMA_BONUS if lemma == piece else 0.0)
        if piece.endswith("s") and not lemma.endswith("s") and not lexicon.is_noun(lemma):
            rank -= S_AFTER_ADJECTIVE_COST
        ranks[lemma] = max(ranks.get(lemma, rank), rank)

    if listed:
        # The headwords the dictionary made the form from, or (a form it lists as a compound part only: föräldra,
        # tim, diarie) the headwords its linking rules make such a form from (förälder, timme, diarium).
        for lemma in [*listed, *lexicon.linking_lemmas(piece)]:
            if lemma in lexicon.headwords:
                consider(lemma, LISTED_LEMMA_BONUS)
    for lemma in _guessed_first_lemmas(piece):
        if (
            lemma in lexicon.headwords
            and lemma not in lexicon.verbs
            and lemma not in lexicon.uninflected
            and lexicon.frequency(lemma) >= MIN_GUESSED_ZIPF
        ):
            consider(lemma, 0.0)
    if not ranks and not listed:
        return _verb_stem_part(piece)
    # Without a headword the piece is a compound form of a word the dictionary does not have alone.
    best = max(sorted(ranks), key=lambda lemma: ranks[lemma]) if ranks else piece
    # A stop word that is also a noun begins a compound only in a form the dictionary lists (varu-, not man-).
    if (
        len(best) < MIN_FIRST_PART
        or not _is_part_word(best, noun_stopword=bool(listed))
        or not _common_enough(best)
    ):
        return None
    return best, 0.0 if listed else GUESSED_JOINT_COST


# A verb's bare stem begins compounds as well as a noun does (laddstolpe, läsår, grävskopa), but the dictionary
# lists only some of those stems as compound forms (bygg-, sök-, städ-). An unlisted stem is read as its verb when
# the piece stands for no noun or adjective, on the same terms as any guessed first part: a common enough verb, and
# the guessed joint's cost.
def _verb_stem_part(piece: str) -> tuple[str, float] | None:
    """The verb in -a whose stem `piece` is (ladd -> ladda), as a compound's first part, if it can be one."""
    lexicon = swedish_lexicon()
    verb = piece + "a"
    if (
        len(piece) < MIN_PART
        or piece in PARTICLES
        or verb not in lexicon.verbs
        or lexicon.frequency(verb) < MIN_GUESSED_ZIPF
    ):
        return None
    return verb, GUESSED_JOINT_COST


def may_end_compound(word: str, lexicon: SwedishLexicon) -> bool:
    """Whether `word` (a headword) may be the last part of a compound.

    The dictionary's COMPOUNDEND flag, or (entries it lists without that flag, such as "arbetare" or "råd") a
    headword of at least MIN_PART letters; the latter cost a guessed joint when short (_end_cost). Verbs are left out: Swedish compounds end in a noun or an adjective, and a
    verb there (förut + sätta, samman + kalla) is a particle verb, not a compound.
    """
    return (
        _is_part_word(word)
        and word not in lexicon.verbs
        and (
            word in lexicon.compound_end
            or (len(word) >= MIN_PART and word in lexicon.headwords)
            or (len(word) == 2 and lexicon.is_noun(word) and lexicon.frequency(word) >= SHORT_NOUN_ZIPF)
        )
    )


# A two-letter noun ends a compound when it is this common (år: verksamhetsår, läsåret).
SHORT_NOUN_ZIPF = 5.0


def _end_cost(lemma: str) -> float:
    """What ending a compound with `lemma` costs: nothing for the dictionary's compound endings and long headwords."""
    lexicon = swedish_lexicon()
    return 0.0 if lemma in lexicon.compound_end or len(lemma) >= MIN_BARE_END else SHORT_END_COST


# Derivational suffixes (a closed class of the language, like the particles) with their inflections: a word ending
# in one is a derivation (tillgänglighet, modernismen, hjärtligt), not a compound with "het", "ism" or "liga".
DERIVATION_SUFFIXES = frozenset(
    suffix + ending
    for suffix, endings in (
        ("het", ("", "en", "er", "erna", "ens")),
        ("lig", ("", "a", "t", "are", "ast", "aste")),
        ("ism", ("", "en", "er", "erna")),
        ("ist", ("", "en", "er", "erna", "ens", "ers")),
        ("isk", ("", "a", "t")),
        ("ning", ("", "en", "ar", "arna", "ens")),
        ("ande", ("", "n", "t", "s", "na")),
        ("ende", ("", "n", "t", "s", "na")),
        ("else", ("", "n", "r", "rna")),
        ("are", ("", "n", "ns", "s")),
        ("arna", ("", "s")),
        ("ör", ("", "en", "er", "erna")),
        ("ess", ("", "en", "er", "an")),
        ("era", ("", "r", "de", "t", "s", "d", "da", "des", "ts", "nde")),
        ("isera", ("", "r", "de", "t", "s")),
        ("ering", ("", "en", "ar", "arna", "ens", "s")),
        ("dom", ("", "en", "ar", "arna", "ens", "s")),
        ("bar", ("", "a", "t", "het", "heten")),
    )
    for ending in endings
)
_LONGEST_SUFFIX = max(map(len, DERIVATION_SUFFIXES))


def _inside_suffix(word: str, last: str) -> bool:
    """Whether the last piece `last` of `word` begins inside a derivational suffix that `word` ends in.

    faktur-ering is faktura + -ering, not faktura + ring; dokument-erad not dokument + rad: a joint there cuts the
    suffix, whatever word the rest of it happens to spell.
    """
    for length in range(len(last) + 1, min(_LONGEST_SUFFIX, len(word)) + 1):
        if word[-length:] in DERIVATION_SUFFIXES:
            return True
    return False


_ENDING_SET = frozenset(INFLECTION_ENDINGS) | DERIVATION_SUFFIXES


def _may_end(word: str) -> bool:
    return may_end_compound(word, swedish_lexicon())


@lru_cache(maxsize=100_000)
def _last_part_lemma(piece: str) -> str | None:
    """The headword a compound's last piece is a form of (platsen -> plats, spelarna -> spelare, bostäderna -> bostad)."""
    if not _is_part_word(piece) or piece in _ENDING_SET:
        return None  # där, ska: never a compound's head; -arna, -ens: an ending, not a word
    lexicon = swedish_lexicon()
    umlaut = swedish_lemma(piece)
    # simplemma's stem-changing lemmas (bostäder -> bostad), unless the piece has a paradigm of its own in the
    # dictionary (its table also reads "ska" as a form of skola) or the lemma is longer (lör -> lördag).
    if umlaut != piece and len(umlaut) <= len(piece) and _may_end(umlaut) and not lexicon.flags.get(piece):
        return umlaut
    found = paradigm_noun_lemmas(piece)
    if found:
        return found[0]
    # simplemma's lemma where the ending alone misleads (spelarna -> spelare); only one that drops letters, since its
    # table also reads nouns as imperatives of verbs (prov -> prova).
    known = lexicon.inflections.get(piece)
    if known is not None and len(known) <= len(piece) and _may_end(known):
        return known
    if AGENT_FALLBACK:
        return _agent_noun(piece)
    return None


AGENT_FALLBACK = True
_AGENT_ENDINGS = ("are", "aren", "arens", "ares", "arna", "arnas")


def _agent_noun(piece: str) -> str | None:
    """The agent noun `piece` is a form of, made from a verb the dictionary has (isolerare, of isolera), if it is one.

    -are makes a noun of any verb; the dictionary lists only the established ones.
    """
    lexicon = swedish_lexicon()
    for ending in _AGENT_ENDINGS:
        if piece.endswith(ending) and len(piece) > len(ending) + 1:
            base = piece[: -len(ending)]
            if base + "a" in lexicon.verbs and _is_part_word(base + "a"):
                return base + "are"
    return None


PARADIGM_ONLY = True
# Flags of sv_SE.aff whose forms of a verb are nouns in their own right: T makes the agent noun (arbeta -> arbetare,
# arbetarna), B, D and F the -nde noun (delta -> deltagande, deltagandet).
_AGENT_FLAG = "T"
_NDE_FLAGS = frozenset("BDF")
_PLURAL_FLAGS = frozenset("GHI")


@lru_cache(maxsize=100_000)
def paradigm_noun_lemmas(form: str) -> tuple[str, ...]:
    """The nouns and adjectives `form` is an inflection of by the dictionary's own paradigms, likeliest first.

    A headword with its own inflection flags is its own lemma (tekniker, not teknik + -er); a flagless entry (the
    dictionary lists some inflected forms flat, such as "vägarna") yields to the headword whose paradigm has it.
    Forms of verbs count only as the nouns made from them
    (arbetarna -> arbetare, deltagandet -> deltagande, anmälan).
    """
    lexicon = swedish_lexicon()
    own: list[str] = []
    inflected: list[str] = []
    flat: list[str] = []
    analysed = False
    for lemma, flag in lexicon.paradigm_lemmas(form):
        analysed = analysed or bool(flag)
        if not flag:
            (own if set(lexicon.flags.get(lemma, "")) - {"A"} else flat).append(lemma)
            continue
        derived = _derived_noun(form, lemma, flag)
        if derived is not None:
            lemma = derived
        elif lemma in lexicon.verbs or (lemma.endswith("a") and not lexicon.is_noun(lemma)):
            continue
        if _may_end(lemma) or (
            flag in _NOUN_FORM_FLAGS and lemma in STOPWORDS["sv"] and lexicon.is_noun(lemma)
        ):
            inflected.append(lemma)  # the noun vara (varor), though the verb vara is a stop word
    ordered = [w for w in own if _may_end(w)]
    inflected = sorted(
        set(inflected) - set(ordered), key=lambda w: (w not in lexicon.compound_end, -lexicon.frequency(w), w)
    )
    ordered += inflected
    if not analysed:
        # A flat entry that is a form of another headword (vare, of var) is that word's form, not a lemma.
        ordered += [w for w in flat if _may_end(w) and w not in ordered]
    return tuple(ordered)


# Flags of sv_SE.aff that make noun forms: definite and plural endings.
_NOUN_FORM_FLAGS = frozenset("CDEFGHI")


def _derived_noun(form: str, lemma: str, flag: str) -> str | None:
    """The noun or adjective a verb's paradigm form stands for, if it is one.

    sv_SE.aff makes a verb's derived nouns through its flags: T the agent noun (arbeta -> arbetare, arbetarna) and
    the adjective in -isk, B, D and F the -nde noun (deltaga -> deltagande, deltagandet), E the -an noun (anmäla ->
    anmälan); and it inflects some nouns through a verb's entry (filma/H makes "filmer", the plural of film).
    """
    lexicon = swedish_lexicon()
    ending = form[len(lemma) - 1 :] if lemma.endswith("a") else ""
    if flag == _AGENT_FLAG and ending.startswith("ar"):
        return lemma + "re"
    if flag == _AGENT_FLAG and form[len(lemma) :].startswith("isk"):
        return lemma + "isk"
    if flag in _NDE_FLAGS and ending.startswith("and"):
        return lemma + "nde"
    if not ending or lexicon.is_noun(lemma):
        return None
    if flag == "E" and lemma + "n" in lexicon.headwords:
        return lemma + "n"
    if flag in _PLURAL_FLAGS and lemma[:-1] in lexicon.flags:
        return lemma[:-1]
    return None


def _joints(word: str) -> Iterator[tuple[str, str]]:
    """Every way to cut `word` into a first piece and the rest, including a consonant dropped before the same one.

    Swedish writes no letter three times: topp + politiker is toppolitiker, straff + föreläggande strafföreläggande.
    """
    for cut in range(MIN_FIRST_PART, len(word) - MIN_LAST_PIECE + 1):
        yield word[:cut], word[cut:]
        if cut >= 2 and word[cut - 1] == word[cut - 2] and word[cut - 1] not in "aeiouyåäö":
            yield word[:cut], word[cut - 1 :]


@dataclass(frozen=True)
class _Reading:
    """A reading of a word as parts: the sum of their zipf frequencies less what their joints cost, and the parts."""

    total: float
    parts: tuple[str, ...]
    last_piece: int  # letters of the word the last part is read from

    @property
    def mean(self) -> float:
        """The mean zipf of the parts less PART_COST a joint: what the reading is worth against the whole word."""
        return (self.total - PART_COST * (len(self.parts) - 1)) / len(self.parts)

    @property
    def choice(self) -> float:
        """What the reading is worth against other readings of the same word."""
        if CHOICE_MODE == "sum":
            return self.total - CHOICE_COST * len(self.parts)
        return (self.total - CHOICE_COST * (len(self.parts) - 1)) / len(self.parts)


CHOICE_MODE = "mean"
LEXICALISED_MARGIN = 1.0
FLATTEN = True
CHOICE_COST = 2.0


def _best_split(word: str, max_parts: int, *, whole: bool = True) -> _Reading | None:
    """The best reading of `word` as one lemma (if `whole`) or as up to `max_parts` parts.

    Readings are compared by the mean of the parts' zipf frequencies, i.e. the log of their geometric mean frequency
    (Koehn & Knight 2003), less what the guessed joints cost: a split into common words beats a split into rare pieces.
    """
    lexicon = swedish_lexicon()
    best: _Reading | None = None
    if whole:
        last = _last_part_lemma(word)
        if last is not None and _common_enough(last):
            best = _Reading(lexicon.frequency(last) - _end_cost(last), (last,), len(word))
    if max_parts > 1:
        for piece, rest_word in _joints(word):
            first = _first_part(piece)
            if first is None:
                continue
            rest = _cached_split(rest_word, max_parts - 1)
            if rest is None or _inside_suffix(word, word[-rest.last_piece :]):
                continue
            reading = _Reading(
                lexicon.frequency(first[0]) - first[1] + rest.total, (first[0], *rest.parts), rest.last_piece
            )
            if best is None or reading.choice > best.choice:
                best = reading
    return best


@lru_cache(maxsize=100_000)
def _cached_split(word: str, max_parts: int) -> _Reading | None:
    return _best_split(word, max_parts)


@lru_cache(maxsize=100_000)
def split_compound(word: str) -> tuple[str, ...] | None:
    """The lemmas of a Swedish compound's parts (`bostadsbristen` -> ("bostad", "brist")), or None if it is not one.

    A word is split when every joint is one the language allows and the parts are, on average, about as common as
    the whole word or more: "hemtjänst" splits (hem and tjänst are far more common), "transport" does not (trans
    and port are much rarer).
    """
    return _split(word, top=True)


# Flags of sv_SE.aff that conjugate verbs (J is left out: the -are nouns share it, ägare -> ägarna).
_VERB_FORM_FLAGS = frozenset("mMNKL")


@lru_cache(maxsize=100_000)
def is_verb_form(word: str) -> bool:
    """Whether `word` is a conjugated form of another verb the dictionary lists (verkställer, of verkställa).

    Such a word is not a compound, even where its pieces are words (verk + ställer): a verb made of a noun and a
    verb is one word in the dictionary.
    """
    lexicon = swedish_lexicon()
    return any(
        flag in _VERB_FORM_FLAGS and lemma in lexicon.verbs for lemma, flag in lexicon.paradigm_lemmas(word)
    )


@lru_cache(maxsize=100_000)
def _split(word: str, *, top: bool) -> tuple[str, ...] | None:
    if len(word) < MIN_FIRST_PART + MIN_PART or not word.isalpha() or is_verb_form(word):
        return None
    lexicon = swedish_lexicon()
    lemmas = _whole_word_lemmas(word)
    whole = max(map(lexicon.frequency, lemmas))
    split = _best_split(word, MAX_PARTS, whole=False)
    margin = SPLIT_MARGIN
    if not top:
        folkets = folkets_compounds()
        if any(lemma in folkets.unmarked for lemma in lemmas) and not any(
            word_lemma in folkets.marked for word_lemma in lemmas
        ):
            margin = -LEXICALISED_MARGIN
    if split is None or split.mean <= whole - margin:
        return None
    if not FLATTEN:
        return split.parts
    # A part that is a compound itself is given as its parts: hemtjänstpersonal is hem + tjänst + personal.
    flat: list[str] = []
    for part in split.parts:
        inner = _split(part, top=False) if part != word else None
        flat += inner if inner else [part]
    return tuple(flat) if len(flat) <= MAX_PARTS else split.parts


def _whole_word_lemmas(word: str) -> list[str]:
    """The word and every headword it may be a form of, verbs included (stabiliseras -> stabilisera)."""
    lexicon = swedish_lexicon()
    lemmas = [word, swedish_lemma(word), lexicon.inflections.get(word, word)]
    for ending in INFLECTION_ENDINGS:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            lemmas += [c for c in (stem, stem + "a", stem + "e") if c in lexicon.headwords]
    return lemmas


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


# --- English queries on Swedish pages ------------------------------------------------------------
# Folkets lexikon read backwards: an English word or phrase (by its English stems) -> the Swedish words it translates,
# best first. Only single Swedish words are kept (a query word matches terms, not phrases), at most this many each.
MAX_TRANSLATIONS = 3
MAX_TRANSLATED_PHRASE = 3
_ENGLISH_ARTICLES = ("to ", "a ", "an ", "the ")


@lru_cache(maxsize=1)
def english_translations() -> dict[tuple[str, ...], tuple[str, ...]]:
    """English stems -> Swedish words, from Folkets lexikon; an English word listed first for a word ranks it first."""
    ranked: dict[tuple[str, ...], list[tuple[int, float, str]]] = {}
    lexicon = swedish_lexicon()
    for swedish, english in folkets_entries():
        word = fold(swedish)
        if not word.isalpha() or word in STOPWORDS["sv"] or word not in lexicon.headwords:
            continue
        for rank, equivalent in enumerate(english):
            phrase = fold(equivalent)
            for article in _ENGLISH_ARTICLES:
                phrase = phrase.removeprefix(article)
            key = _phrase_key(words(phrase), "en")
            if not key or len(key) > MAX_TRANSLATED_PHRASE or not all(w.isalpha() for w in key):
                continue
            ranked.setdefault(key, []).append((rank, -lexicon.frequency(word), word))
    return {
        key: tuple(dict.fromkeys(word for *_, word in sorted(found)))[:MAX_TRANSLATIONS]
        for key, found in ranked.items()
    }


def _is_swedish_word(word: str) -> bool:
    """A word of the Swedish dictionary or a form of one ("plan", "film", "vägar" stay Swedish; "school" does not,
    however often Swedish web text quotes it)."""
    if word in STOPWORDS["sv"]:
        return True
    headwords = swedish_lexicon().headwords
    return any(lemma in headwords for lemma in _whole_word_lemmas(word))


def _translated_phrase(folded: list[str], position: int) -> tuple[int, QueryWord] | None:
    """The longest English phrase at `position` that Folkets lexikon translates, as a Swedish query word.

    Its alternatives are the words themselves (stemmed as Swedish, all required) and each translation, a compound
    also by its parts, so that "home care" finds "hemtjänsten" and "roads" "vägar".
    """
    table = english_translations()
    for length in range(min(MAX_TRANSLATED_PHRASE, len(folded) - position), 0, -1):
        phrase = folded[position : position + length]
        if phrase[0] in STOPWORDS["en"] or phrase[-1] in STOPWORDS["en"]:
            continue
        if all(_is_swedish_word(word) for word in phrase):
            continue
        translations = table.get(_phrase_key(phrase, "en"))
        if not translations:
            continue
        stems = tuple(_stem_word(word, "sv") for word in phrase if word not in STOPWORDS["en"])
        alternatives = [stems] if stems else []
        for swedish in translations:
            alternatives += _name_alternatives((swedish,), "sv")
        return length, QueryWord(surface=" ".join(phrase), alternatives=tuple(dict.fromkeys(alternatives)))
    return None


def query_words(text: str, language: str, synonyms: Synonyms | None = None) -> list[QueryWord]:
    """Analyse a query the way `text_analyzer(language)` analyses documents, plus compounds and synonyms.

    A run of words that is a glossary phrase ("preschool place") becomes one query word whose alternatives are the
    phrase itself (all its words) and each equivalent (förskoleplats, or its parts förskola + plats). For the Swedish
    fields, English words and phrases that are no Swedish words are translated by Folkets lexikon as well.
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
        if language == "sv":
            translated = _translated_phrase(folded, position)
            if translated is not None:
                result.append(translated[1])
                position += translated[0]
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
