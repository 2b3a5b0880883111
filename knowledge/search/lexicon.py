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

import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import wordfreq
from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

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
    # with the headword each was made from; a form listed only as a compound part maps to itself.
    compound_begin: dict[str, str]
    compound_end: frozenset[str]  # headwords the dictionary allows as the last part of a compound
    zipf: dict[str, float]  # word -> Zipf frequency (log10 of occurrences per billion words)

    def frequency(self, word: str) -> float:
        return self.zipf.get(word, UNSEEN_ZIPF if word in self.headwords else 0.0)


def hunspell_path() -> Path:
    """The installed `hunspell-sv` dictionary file (the package puts it under the environment's share/hunspell)."""
    distribution = metadata.distribution("hunspell-sv")
    for file in distribution.files or ():
        if file.name == "sv_SE.dic":
            return Path(str(distribution.locate_file(file)))
    raise LookupError("the hunspell-sv package has no sv_SE.dic")


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
    with aff.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if len(fields) < 5 or fields[0] != "SFX":
                continue
            flag, strip, add, condition = fields[1], fields[2], fields[3], fields[4]
            add, _, continuation = add.partition("/")
            if _COMPOUND_BEGIN not in continuation and _COMPOUND_MIDDLE not in continuation:
                continue
            rules.setdefault(flag, []).append(
                _Suffix(
                    strip="" if strip == "0" else strip,
                    add="" if add == "0" else add,
                    condition=re.compile(f"(?:{condition})$"),
                )
            )
    return rules


def read_hunspell(
    dic: Path, fold: Callable[[str], str]
) -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    """Headwords, compound-begin forms (-> headword) and compound-end words of a Hunspell dictionary, folded."""
    suffixes = compound_begin_suffixes(dic.with_suffix(".aff"))
    headwords: set[str] = set()
    begin: dict[str, str] = {}
    end: set[str] = set()
    with dic.open(encoding="utf-8") as lines:
        next(lines)  # the first line is the entry count
        for line in lines:
            entry, _, flags = line.rstrip("\n").partition("/")
            entry = entry.strip()
            # Proper names (capitalised), abbreviations and multi-word entries are not compound material.
            if not entry.isalpha() or not entry.islower() or _FORBIDDEN in flags:
                continue
            word = fold(entry)
            if _ONLY_IN_COMPOUND not in flags:
                headwords.add(word)
                if _COMPOUND_END in flags:
                    end.add(word)
            if _COMPOUND_BEGIN in flags or _COMPOUND_MIDDLE in flags:
                begin.setdefault(word, word)
            for flag in flags:
                for rule in suffixes.get(flag, ()):
                    if rule.condition.search(entry) and (not rule.strip or entry.endswith(rule.strip)):
                        form = fold(entry[: len(entry) - len(rule.strip)] + rule.add)
                        begin.setdefault(form, word)
    return frozenset(headwords), begin, frozenset(end)


_lock = threading.Lock()
# Bump when what is derived from the packages changes, so that an old cache file is not read.
_CACHE_FORMAT = 3


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
        "zipf": lexicon.zipf,
        "lemmas": data.lemmas,
    }


def _from_json(raw: dict[str, Any]) -> SwedishData:
    lexicon = SwedishLexicon(
        headwords=frozenset(raw["headwords"]),
        compound_begin=dict(raw["compound_begin"]),
        compound_end=frozenset(raw["compound_end"]),
        zipf=dict(raw["zipf"]),
    )
    return SwedishData(lexicon=lexicon, lemmas=dict(raw["lemmas"]))


def swedish_lexicon() -> SwedishLexicon:
    return swedish_data().lexicon


def swedish_lemmas() -> dict[str, str]:
    return swedish_data().lemmas


def _build_lexicon() -> SwedishLexicon:
    from .analysis import fold

    headwords, compound_begin, compound_end = read_hunspell(hunspell_path(), fold)
    zipf: dict[str, float] = {}
    for word, frequency in wordfreq.get_frequency_dict("sv", "large").items():
        if frequency > 0 and word.isalpha():
            folded = fold(word)
            # Several spellings can fold to one word (él, el): the commonest decides.
            zipf[folded] = max(zipf.get(folded, 0.0), round(wordfreq.freq_to_zipf(frequency), 2))
    return SwedishLexicon(
        headwords=headwords, compound_begin=compound_begin, compound_end=compound_end, zipf=zipf
    )


def _build_lemmas() -> dict[str, str]:
    """simplemma's Swedish form -> lemma table, for forms whose lemma Snowball cannot reach by cutting endings.

    Only pairs where the lemma changes the word's stem vowels or consonants are kept (bostäder -> bostad, män -> man,
    böcker -> bok): a lemma that is just a shorter form (vägarna -> väg) is Snowball's job, and the table's guesses
    there (it has vägarna -> vägare) would only add noise.
    """
    from .analysis import fold

    table = DefaultDictionaryFactory().get_dictionary("sv")
    lemmas: dict[str, str] = {}
    for form, lemma in table.items():
        if not form.isalpha() or not lemma.isalpha() or not lemma.islower():
            continue
        form, lemma = fold(form), fold(lemma)
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
