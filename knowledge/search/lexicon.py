"""Swedish lexicon for analysis: headwords, compound forms, lemmas and word frequencies from installed packages.

Three maintained sources, each used for what it is good at (docs/adr/0027-swedish-analysis-on-lexicon-data.md):
- `hunspell-sv` (the Swedish Hunspell dictionary, built on SFOL/SALDO): which words exist, and which forms may begin a
  compound (its COMPOUNDBEGIN/COMPOUNDMIDDLE flags mark forms such as "arbets" or "hälso");
- `simplemma`'s Swedish form -> lemma table: irregular and umlaut inflections (bostäder -> bostad, böcker -> bok);
- `wordfreq`'s Swedish frequencies: which of the possible splits of a compound is the likely one.

Everything is read from the installed packages once per process (nothing is downloaded) and kept as compact sets and
dicts; lookups on top of them are cached by the analyser.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import wordfreq
from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from .folding import fold

# Hunspell flags of sv_SE.aff (see its COMPOUNDBEGIN, COMPOUNDMIDDLE and ONLYINCOMPOUND lines).
_COMPOUND_BEGIN = "X"
_COMPOUND_MIDDLE = "U"
_COMPOUND_END = "Y"
_ONLY_IN_COMPOUND = "Z"
_FORBIDDEN = "%"

# A floor for words the dictionary knows but the frequency list lacks (zipf 1 = once per 100 million words).
UNSEEN_ZIPF = 1.0


@dataclass(frozen=True)
class SwedishLexicon:
    """The words of the Swedish dictionary, folded to the analyser's alphabet."""

    headwords: frozenset[str]  # words that stand alone
    # Forms the dictionary allows as the first or a middle part of a compound (arbets, bostads, skol, förskole),
    # with the headwords each can be made from (besluts: beslut or besluta); a form listed only as a compound part
    # maps to itself.
    compound_begin: dict[str, list[str]]
    compound_end: frozenset[str]  # headwords the dictionary allows as the last part of a compound
    zipf: dict[str, float]  # word -> Zipf frequency (log10 of occurrences per billion words)
    # Headwords the dictionary inflects only as verbs (missa, ställa): never a compound's last part in this analysis,
    # and not a first part unless the dictionary lists the form (bygg-).
    verbs: frozenset[str]
    # Headwords the dictionary gives no inflection at all (samman, ihop, förut, åsido): adverbs and particles, which
    # begin particle verbs and derivations, not compounds, unless the dictionary lists them as compound forms.
    uninflected: frozenset[str]
    # simplemma's lemma of an inflected form where cutting an ending would guess another headword (spelarna ->
    # spelare, not the more common spela): only those, since the whole table holds 960,000 forms.
    inflections: dict[str, str]
    # Each headword's inflection flags (sv_SE.dic: "plats/ADGY"), and the .aff suffix rules they stand for as
    # (flag, strip, add, condition): together the dictionary's own paradigm of every word, so that "platsen" is
    # known to be a form of "plats" and "vare" known not to be a form of the noun "vara".
    flags: dict[str, str]
    suffix_rules: tuple[tuple[str, str, str, str], ...]
    # The .aff rules that make compound forms, as (strip, add): bostad + s, skola - a + e, förälder - er + ra.
    linking_rules: tuple[tuple[str, str], ...]

    def frequency(self, word: str) -> float:
        return self.zipf.get(word, UNSEEN_ZIPF if word in self.headwords else 0.0)

    @cached_property
    def _rules_by_ending(self) -> dict[str, list[tuple[str, str, re.Pattern[str]]]]:
        rules: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {}
        for flag, strip, add, condition in self.suffix_rules:
            rules.setdefault(add, []).append((flag, strip, re.compile(f"(?:{condition})$")))
        return rules

    @cached_property
    def _longest_ending(self) -> int:
        return max((len(add) for _flag, _strip, add, _condition in self.suffix_rules), default=0)

    def is_noun(self, word: str) -> bool:
        """Whether the dictionary inflects `word` as a noun (definite or plural forms)."""
        flags = set(self.flags.get(word, ""))
        if not word.endswith("a"):
            return bool(flags & (_NOUN_FLAGS | {"D"}))
        # On a word in -a, D, F and B make the -nde forms of a verb, H and I other nouns' plurals (filma -> filmer,
        # dela -> delar), and E on a verb its -an noun (början): only the plural -or, a neuter -t or E on a word
        # that is no verb make it a noun (fråga, öra, kyrka).
        return bool(flags & {"G", "C"}) or ("E" in flags and not flags & _CONJUGATION_FLAGS)

    def linking_lemmas(self, form: str) -> list[str]:
        """Headwords the dictionary's linking rules may have made compound form `form` of (föräldra -> förälder)."""
        found = []
        for strip, add in self.linking_rules:
            if form.endswith(add) and len(form) > len(add):
                lemma = form[: len(form) - len(add)] + strip
                if lemma != form and lemma in self.headwords and lemma not in found:
                    found.append(lemma)
        return found

    def paradigm_lemmas(self, form: str) -> list[tuple[str, str]]:
        """(headword, flag) for every headword whose paradigm has `form`; flag "" for the headword itself."""
        found: list[tuple[str, str]] = [(form, "")] if form in self.headwords else []
        rules = self._rules_by_ending
        for length in range(1, min(self._longest_ending, len(form) - 1) + 1):
            ending = form[-length:]
            for flag, strip, condition in rules.get(ending, ()):
                lemma = form[:-length] + strip
                if flag in self.flags.get(lemma, "") and condition.search(lemma):
                    found.append((lemma, flag))
        return found


def hunspell_path() -> Path:
    """The installed `hunspell-sv` dictionary file (the package puts it under the environment's share/hunspell)."""
    distribution = metadata.distribution("hunspell-sv")
    for file in distribution.files or ():
        if file.name == "sv_SE.dic":
            return Path(str(distribution.locate_file(file)))
    raise LookupError("the hunspell-sv package has no sv_SE.dic")


def _suffix_rules(aff: Path) -> Iterator[tuple[str, str, str, str, str]]:
    """Every suffix rule of an .aff file as (flag, strip, add, continuation flags, condition), as written: "0" is
    hunspell's empty strip or add."""
    with aff.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if len(fields) < 5 or fields[0] != "SFX":
                continue
            add, _, continuation = fields[3].partition("/")
            yield fields[1], fields[2], add, continuation, fields[4]


def _affix_text(written: str) -> str:
    """A rule's strip or add as text: hunspell writes the empty one as "0"."""
    return "" if written == "0" else written


@dataclass(frozen=True)
class _Suffix:
    strip: str
    add: str
    condition: re.Pattern[str]


def compound_begin_suffixes(aff: Path) -> dict[str, list[_Suffix]]:
    """The .aff file's suffix rules whose result may begin a compound (continuation flags with COMPOUNDBEGIN/MIDDLE).

    In sv_SE.aff these make the linking forms: bostad -> bostads, skola -> skole, förening -> förenings.
    """
    rules: dict[str, list[_Suffix]] = {}
    for flag, strip, add, continuation, condition in _suffix_rules(aff):
        if _COMPOUND_BEGIN not in continuation and _COMPOUND_MIDDLE not in continuation:
            continue
        rules.setdefault(flag, []).append(
            _Suffix(strip=_affix_text(strip), add=_affix_text(add), condition=re.compile(f"(?:{condition})$"))
        )
    return rules


def inflection_suffixes(aff: Path) -> list[tuple[str, str, str, str]]:
    """The .aff file's inflection rules as (flag, strip, add, condition): every suffix rule that makes a word form,
    not a compound part (rules with a compound continuation flag) or a hyphenated form."""
    return [
        (flag, _affix_text(strip), _affix_text(add), condition)
        for flag, strip, add, continuation, condition in _suffix_rules(aff)
        if not continuation and (add.isalpha() or add == "0")
    ]


# Suffix flags of sv_SE.aff that inflect verbs (present -r, past, strong verbs) and nouns (definite -n, plurals).
_VERB_FLAGS = frozenset("mMNKLj")
_CONJUGATION_FLAGS = frozenset("mMNKLJ")
_NOUN_FLAGS = frozenset("EGHIFC")
# Flags that inflect nothing: genitive -s, hyphenated form, linking forms, compound permissions.
_NON_INFLECTING_FLAGS = frozenset("AbvfsWXYZU")


def _is_noun(word: str, flags: set[str]) -> bool:
    # A word in -a is a noun when it has the definite -n (E) or the plural -or (G) (fråga, skada); its other noun
    # flags make a participle (-nde) or belong to another noun's paradigm (testa/H makes "tester", of test).
    if word.endswith("a"):
        return bool(flags & {"E", "G"})
    return bool(flags & (_NOUN_FLAGS | {"B", "D"}))


@dataclass(frozen=True)
class HunspellWords:
    headwords: frozenset[str]
    compound_begin: dict[str, list[str]]
    compound_end: frozenset[str]
    verbs: frozenset[str]
    uninflected: frozenset[str]
    flags: dict[str, str]
    suffix_rules: tuple[tuple[str, str, str, str], ...]
    linking_rules: tuple[tuple[str, str], ...]


def read_hunspell(dic: Path, fold: Callable[[str], str]) -> HunspellWords:
    """Headwords, compound-begin forms (-> headwords), compound-end words and verbs of a Hunspell dictionary, folded."""
    suffixes = compound_begin_suffixes(dic.with_suffix(".aff"))
    headwords: set[str] = set()
    begin: dict[str, list[str]] = {}
    end: set[str] = set()
    word_flags: dict[str, set[str]] = {}
    with dic.open(encoding="utf-8") as lines:
        next(lines)  # the first line is the entry count
        for line in lines:
            entry, _, flags = line.rstrip("\n").partition("/")
            entry = entry.strip()
            # Proper names (capitalised), abbreviations and multi-word entries are not compound material.
            if not entry.isalpha() or not entry.islower() or _FORBIDDEN in flags:
                continue
            word = fold(entry)
            word_flags.setdefault(word, set()).update(flags)
            if _ONLY_IN_COMPOUND not in flags:
                headwords.add(word)
                if _COMPOUND_END in flags:
                    end.add(word)
            if _COMPOUND_BEGIN in flags or _COMPOUND_MIDDLE in flags:
                _add_begin(begin, word, word)
            for flag in flags:
                for rule in suffixes.get(flag, ()):
                    if rule.condition.search(entry) and (not rule.strip or entry.endswith(rule.strip)):
                        _add_begin(begin, fold(entry[: len(entry) - len(rule.strip)] + rule.add), word)
    verbs = frozenset(
        word for word, flags in word_flags.items() if flags & _VERB_FLAGS and not _is_noun(word, flags)
    )
    uninflected = frozenset(
        word for word, flags in word_flags.items() if word in headwords and not flags - _NON_INFLECTING_FLAGS
    )
    rules = tuple(inflection_suffixes(dic.with_suffix(".aff")))
    used = {flag for flag, *_rest in rules}
    inflection_flags = {
        word: "".join(sorted(used & word_flags[word]))
        for word in headwords
        if used & word_flags.get(word, set())
    }
    linking = tuple(
        sorted(
            {
                (rule.strip, rule.add)
                for rules in suffixes.values()
                for rule in rules
                if len(rule.add) <= 2 and (rule.add.isalpha() or not rule.add)
            }
        )
    )
    return HunspellWords(
        frozenset(headwords), begin, frozenset(end), verbs, uninflected, inflection_flags, rules, linking
    )


def _add_begin(begin: dict[str, list[str]], form: str, word: str) -> None:
    words = begin.setdefault(form, [])
    if word not in words:
        words.append(word)


_lock = threading.Lock()
# Bump when what is derived from the packages changes, so that an old cache file is not read.
_CACHE_FORMAT = 12


@dataclass(frozen=True)
class SwedishData:
    lexicon: SwedishLexicon
    lemmas: dict[str, str]


def _versions() -> str:
    return "-".join(metadata.version(name) for name in ("hunspell-sv", "simplemma", "wordfreq"))


def cache_file() -> Path:
    """Where the derived sets are kept between processes: STIGAR_LEXICON_CACHE, else the user's cache directory.

    Deriving them from the packages takes seconds (the dictionary has 280,000 entries, the lemma table 960,000); every
    web, worker and index-building process would pay that at start-up. The file is only a cache of what the installed
    packages hold, named by their versions, and is rebuilt whenever it is missing or unreadable.
    """
    folder = os.environ.get("STIGAR_LEXICON_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stigar"
    )
    return Path(folder) / f"swedish-lexicon-{_CACHE_FORMAT}-{_versions()}.json"


@lru_cache(maxsize=1)
def swedish_data() -> SwedishData:
    """The lexicon and the lemma table, loaded once per process (from the cache file when there is one)."""
    with _lock:
        path = cache_file()
        try:
            return _from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        data = SwedishData(lexicon=_build_lexicon(), lemmas=_build_lemmas())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(
                json.dumps(_to_json(data), ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
            )
            partial.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
        except OSError:
            pass  # a read-only home only costs the start-up time
        return data


def _to_json(data: SwedishData) -> dict[str, Any]:
    lexicon = data.lexicon
    return {
        "headwords": sorted(lexicon.headwords),
        "compound_begin": lexicon.compound_begin,
        "compound_end": sorted(lexicon.compound_end),
        "verbs": sorted(lexicon.verbs),
        "uninflected": sorted(lexicon.uninflected),
        "zipf": lexicon.zipf,
        "inflections": lexicon.inflections,
        "flags": lexicon.flags,
        "suffix_rules": lexicon.suffix_rules,
        "linking_rules": lexicon.linking_rules,
        "lemmas": data.lemmas,
    }


def _from_json(raw: dict[str, Any]) -> SwedishData:
    lexicon = SwedishLexicon(
        headwords=frozenset(raw["headwords"]),
        compound_begin=dict(raw["compound_begin"]),
        compound_end=frozenset(raw["compound_end"]),
        verbs=frozenset(raw["verbs"]),
        uninflected=frozenset(raw["uninflected"]),
        zipf=dict(raw["zipf"]),
        inflections=dict(raw["inflections"]),
        flags=dict(raw["flags"]),
        suffix_rules=tuple(tuple(rule) for rule in raw["suffix_rules"]),
        linking_rules=tuple(tuple(rule) for rule in raw["linking_rules"]),
    )
    return SwedishData(lexicon=lexicon, lemmas=dict(raw["lemmas"]))


def folkets_entries() -> list[tuple[str, list[str]]]:
    """Folkets lexikon (the KTH Swedish-English dictionary, CC BY-SA 2.5, shipped by `svlang`): (Swedish, English)."""
    path = resources.files("svlang") / "data" / "folkets_sv_en.tsv"
    entries: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        swedish, english = line.split("\t", 1)
        # "place, spot (in a row)": the English equivalents, explanations in brackets left out.
        english = re.sub(r"\([^)]*\)|\[[^]]*\]", "", english)
        entries.append((swedish.strip(), [e.strip() for e in re.split(r"[,;/]", english) if e.strip()]))
    return entries


@dataclass(frozen=True)
class FolketsCompounds:
    """What Folkets lexikon says about its single-word entries: it marks the joints of many compounds (hem|tjänst,
    sjuk|hus, riks|dag) and gives lexicalised words unmarked (sjukdom, storlek, fotograf)."""

    marked: dict[str, tuple[str, ...]]  # compound -> its pieces as written (riksdag -> ("riks", "dag"))
    unmarked: frozenset[str]


@lru_cache(maxsize=1)
def folkets_compounds() -> FolketsCompounds:
    marked: dict[str, tuple[str, ...]] = {}
    unmarked: set[str] = set()
    for swedish, _english in folkets_entries():
        word = fold(swedish)
        pieces = tuple(word.split("|"))
        if not all(piece.isalpha() for piece in pieces):
            continue
        if len(pieces) > 1:
            marked["".join(pieces)] = pieces
        else:
            unmarked.add(word)
    return FolketsCompounds(marked, frozenset(unmarked - set(marked)))


def swedish_lexicon() -> SwedishLexicon:
    return swedish_data().lexicon


def swedish_lemmas() -> dict[str, str]:
    return swedish_data().lemmas


def _build_lexicon() -> SwedishLexicon:
    words = read_hunspell(hunspell_path(), fold)
    zipf: dict[str, float] = {}
    for word, frequency in wordfreq.get_frequency_dict("sv", "large").items():
        if frequency > 0 and word.isalpha():
            folded = fold(word)
            # Several spellings can fold to one word (él, el): the commonest decides.
            zipf[folded] = max(zipf.get(folded, 0.0), round(wordfreq.freq_to_zipf(frequency), 2))
    lexicon = SwedishLexicon(
        headwords=words.headwords,
        compound_begin=words.compound_begin,
        compound_end=words.compound_end,
        zipf=zipf,
        verbs=words.verbs,
        uninflected=words.uninflected,
        inflections={},
        flags=words.flags,
        suffix_rules=words.suffix_rules,
        linking_rules=words.linking_rules,
    )
    return dataclasses.replace(lexicon, inflections=_build_inflections(lexicon))


# Endings cut from a compound's last part to find the headword it is a form of (platsen -> plats, veckor -> vecka).
INFLECTION_ENDINGS = (
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
MIN_LEMMA = 3


def guess_inflection_lemma(piece: str, may_end: Callable[[str], bool], lexicon: SwedishLexicon) -> str | None:
    """The headword `piece` is most likely a form of, by cutting an ending (and restoring a dropped -a or -e).

    The piece itself if it is a headword, else of the words it can be an inflection of the commonest that may end a
    compound, dictionary compound endings first. simplemma's table corrects this where it knows better (lexicon.inflections).
    """
    if may_end(piece):
        return (
            piece  # a headword itself (läger, not läge + r); the table has the listed inflections (åtgärder)
        )
    candidates: list[str] = []
    for ending in INFLECTION_ENDINGS:
        if piece.endswith(ending) and len(piece) - len(ending) >= MIN_LEMMA - 1:
            stem = piece[: -len(ending)]
            candidates += [c for c in (stem, stem + "a", stem + "e") if len(c) >= MIN_LEMMA and may_end(c)]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c in lexicon.compound_end, lexicon.frequency(c)))


def _build_inflections(lexicon: SwedishLexicon) -> dict[str, str]:
    """simplemma's form -> lemma pairs where guessing from the ending alone would pick another headword."""

    def may_end(word: str) -> bool:
        # Deliberately simpler than the analyser's test, so that the table does not depend on its tuning.
        return word in lexicon.headwords and word not in lexicon.verbs

    return {
        form: lemma
        for form, lemma in _simplemma_pairs()
        if form != lemma and may_end(lemma) and guess_inflection_lemma(form, may_end, lexicon) != lemma
    }


def _simplemma_pairs() -> list[tuple[str, str]]:
    """simplemma's Swedish (form, lemma) pairs of plain lower-case words, folded."""
    table = DefaultDictionaryFactory().get_dictionary("sv")
    return [
        (fold(form), fold(lemma))
        for form, lemma in table.items()
        if form.isalpha() and lemma.isalpha() and lemma.islower()
    ]


def _build_lemmas() -> dict[str, str]:
    """simplemma's Swedish form -> lemma table, for forms whose lemma Snowball cannot reach by cutting endings.

    Only pairs where the lemma changes the word's stem vowels or consonants are kept (bostäder -> bostad, män -> man,
    böcker -> bok): a lemma that is just a shorter form (vägarna -> väg) is Snowball's job, and the table's guesses
    there (it has vägarna -> vägare) would only add noise.
    """
    lemmas: dict[str, str] = {}
    for form, lemma in _simplemma_pairs():
        if form != lemma and _changes_stem(form, lemma):
            lemmas[form] = lemma
    return lemmas


def _changes_stem(form: str, lemma: str) -> bool:
    """Whether `lemma` differs from `form` inside the stem, not only in endings (a dropped final vowel is an ending)."""
    common = 0
    for a, b in zip(form, lemma, strict=False):
        if a != b:
            break
        common += 1
    return common < len(lemma) - 1
