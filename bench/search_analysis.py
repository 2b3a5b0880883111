"""The analysis itself, without an index: stemmers against Snowball's official vocabularies, decompounders on held-out compounds.

Run: .venv/bin/python bench/search_analysis.py   (about a minute; writes bench/results/search_analysis.json)

1. Stems: every word of snowball-data's swedish/voc.txt and english/voc.txt (bench/data/snowball, BSD) stemmed by the
   analyser's stemmer (PyStemmer) and by Whoosh's bundled one, compared with output.txt. Target >= 99.9 %.
2. Decompounding: bench/heldout/compounds.tsv (897 real compounds with their parts, collected by a helper that had not
   read the decompounder; never used to tune it), and the development set bench/dev/compounds.tsv (253 compounds and
   288 words that are not, from another source; the one the decompounder was tuned on). A split is *correct* when it has as many parts as listed and each
   part's lemma is the listed one; *stem-correct* when each part has the listed part's Snowball stem (what search
   matches on: frågor and fråga both index as "fråg"). Target >= 90 % correct.
   The lexicon candidates of docs/adr/0027 are compared with one splitting procedure (knowledge.search.analysis):
   - hunspell+wordfreq+simplemma: the analyser as shipped;
   - hunspell (no frequencies): the dictionary's compound flags, fewest parts and longest first part winning;
   - wordfreq only: any word of wordfreq's Swedish list (zipf >= 2.5) is a part, linking letters guessed;
   - simplemma only: any lemma of simplemma's Swedish table is a part, linking letters guessed, fewest parts first;
   - hand list: the ~430-word list this replaced (the previous analysis.py, from git).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import RESULTS, ROOT

SNOWBALL = ROOT / "bench" / "data" / "snowball"
COMPOUNDS = ROOT / "bench" / "heldout" / "compounds.tsv"
# The development set (bench/dev/README.md): drawn from wordfreq's word list and labelled by the helper that tuned the
# decompounder on it; it also holds words that are not compounds, which must be left whole.
DEV_COMPOUNDS = ROOT / "bench" / "dev" / "compounds.tsv"
HAND_LIST_COMMIT = "cfc30f4"  # the last commit with the hand-made word list

Splitter = Callable[[str], "tuple[str, ...] | None"]


def stem_agreement() -> dict[str, object]:
    import Stemmer
    from whoosh.lang import stemmer_for_language

    report: dict[str, object] = {}
    for folder, code in (("swedish", "sv"), ("english", "en")):
        words = (SNOWBALL / folder / "voc.txt").read_text(encoding="utf-8").split("\n")
        expected = (SNOWBALL / folder / "output.txt").read_text(encoding="utf-8").split("\n")
        pairs = [(word, stem) for word, stem in zip(words, expected, strict=True) if word]
        current = Stemmer.Stemmer(folder).stemWord
        bundled = stemmer_for_language(code)
        agree_current = sum(current(word) == stem for word, stem in pairs)
        agree_bundled = sum(bundled(word) == stem for word, stem in pairs)
        report[code] = {
            "words": len(pairs),
            "pystemmer_agree": agree_current,
            "pystemmer_share": round(agree_current / len(pairs), 5),
            "whoosh_bundled_agree": agree_bundled,
            "whoosh_bundled_share": round(agree_bundled / len(pairs), 5),
            "pystemmer_differs": [word for word, stem in pairs if current(word) != stem][:20],
        }
    return report


def read_compounds(path: Path = COMPOUNDS) -> list[tuple[str, tuple[str, ...]]]:
    """(word, parts) rows; a word that is not a compound has no parts."""
    with path.open(encoding="utf-8") as stream:
        rows = csv.DictReader(stream, delimiter="\t")
        return [(row["compound"], tuple(row["parts"].split("|")) if row["parts"] else ()) for row in rows]


# --- Candidate splitters ------------------------------------------------------------------------------
_LINKS = ("s", "e", "a", "u", "o")


def guessed_splitter(words: frozenset[str], frequency: Callable[[str], float] | None) -> Splitter:
    """Split on a plain word set, guessing the linking letters (what a lexicon without compound flags allows)."""
    from knowledge.search.analysis import STOPWORDS
    from knowledge.search.lexicon import INFLECTION_ENDINGS

    def ok(word: str) -> bool:
        return len(word) >= 3 and word in words and word not in STOPWORDS["sv"]

    @cache
    def first(piece: str) -> str | None:
        candidates = [piece, piece + "a", piece + "e"]
        if piece[-1:] in _LINKS:
            candidates += [piece[:-1], piece[:-1] + "a", piece[:-1] + "e"]
            if piece.endswith("s") and piece[-2:-1] in _LINKS:
                candidates += [piece[:-2], piece[:-2] + "a", piece[:-2] + "e"]
        found = [c for c in candidates if ok(c)]
        return found[0] if found else None

    @cache
    def last(piece: str) -> str | None:
        if ok(piece):
            return piece
        for ending in INFLECTION_ENDINGS:
            stem = piece[: -len(ending)]
            if piece.endswith(ending):
                for candidate in (stem, stem + "a", stem + "e"):
                    if ok(candidate):
                        return candidate
        return None

    return _search(first, last, frequency)


def _search(
    first: Callable[[str], str | None],
    last: Callable[[str], str | None],
    frequency: Callable[[str], float] | None,
) -> Splitter:
    """Best split: by mean frequency (Koehn & Knight) if there are frequencies, else fewest parts, longest first part."""

    @cache
    def best(word: str, parts_left: int) -> tuple[float, tuple[str, ...]] | None:
        options: list[tuple[float, tuple[str, ...]]] = []
        whole = last(word)
        if whole:
            options.append((score((whole,)), (whole,)))
        if parts_left > 1:
            for cut in range(2, len(word) - 2):
                head = first(word[:cut])
                if head is None:
                    continue
                rest = best(word[cut:], parts_left - 1)
                if rest:
                    parts = (head, *rest[1])
                    options.append((score(parts) + cut / 1000, parts))
        return max(options) if options else None

    def score(parts: tuple[str, ...]) -> float:
        if frequency is None:
            return -len(parts)
        return sum(frequency(part) for part in parts) / len(parts)

    def split(word: str) -> tuple[str, ...] | None:
        found = best(word, 4)
        if found is None or len(found[1]) < 2:
            return None
        if frequency is not None and found[0] <= frequency(word):
            return None
        return found[1]

    return split


def hunspell_flags_splitter() -> Splitter:
    from knowledge.search import analysis

    def first(piece: str) -> str | None:
        found = analysis._first_part(piece)
        return found[0] if found is not None and found[1] == 0.0 else None

    return _search(first, analysis._last_part_lemma, None)


def hand_list_splitter() -> Splitter:
    """The analysis module as it was before this change, loaded from git into a module of its own."""
    git = shutil.which("git") or "git"
    source = subprocess.run(
        [git, "-C", str(ROOT), "show", f"{HAND_LIST_COMMIT}:knowledge/search/analysis.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "hand_list_analysis.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("hand_list_analysis", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return lambda word: module.split_compound(module.swedish_lemma(word))


def candidates() -> dict[str, Callable[[], Splitter]]:
    def shipped() -> Splitter:
        from knowledge.search.analysis import split_compound

        return split_compound

    def wordfreq_only() -> Splitter:
        from knowledge.search.lexicon import swedish_lexicon

        zipf = swedish_lexicon().zipf
        return guessed_splitter(frozenset(w for w, z in zipf.items() if z >= 2.5), lambda w: zipf.get(w, 0.0))

    def simplemma_only() -> Splitter:
        from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

        from knowledge.search.analysis import fold

        table = DefaultDictionaryFactory().get_dictionary("sv")
        lemmas = frozenset(
            fold(lemma) for lemma in set(table.values()) if lemma.isalpha() and lemma.islower()
        )
        return guessed_splitter(lemmas, None)

    return {
        "hunspell+wordfreq+simplemma": shipped,
        "hunspell (no frequencies)": hunspell_flags_splitter,
        "wordfreq only": wordfreq_only,
        "simplemma only": simplemma_only,
        "hand list (before)": hand_list_splitter,
    }


def decompounding(rows: list[tuple[str, tuple[str, ...]]]) -> dict[str, object]:
    import Stemmer

    from knowledge.search.analysis import fold

    stem = Stemmer.Stemmer("swedish").stemWord
    compounds = [(word, parts) for word, parts in rows if parts]
    simple = [word for word, parts in rows if not parts]
    report: dict[str, object] = {}
    for name, make in candidates().items():
        started = time.perf_counter()
        split = make()
        loaded = time.perf_counter() - started
        # Only counts: the held-out rows are never printed, so that nobody tunes on them.
        correct = stem_correct = unsplit = 0
        started = time.perf_counter()
        for compound, parts in compounds:
            found = split(fold(compound))
            expected = tuple(fold(part) for part in parts)
            if found is None:
                unsplit += 1
            elif found == expected:
                correct += 1
            if found is not None and [stem(p) for p in found] == [stem(p) for p in expected]:
                stem_correct += 1
        seconds = time.perf_counter() - started
        kept_whole = sum(split(fold(word)) is None for word in simple)
        report[name] = {
            "correct": correct,
            "correct_share": round(correct / len(compounds), 4),
            "stem_correct": stem_correct,
            "stem_correct_share": round(stem_correct / len(compounds), 4),
            "not_split": unsplit,
            **({"non_compounds": len(simple), "non_compounds_kept_whole": kept_whole} if simple else {}),
            "load_s": round(loaded, 2),
            "split_us_per_word_cold": round(seconds / len(compounds) * 1e6, 1),
        }
        print(
            f"{name:30} correct {correct / len(compounds):6.1%}  stem-correct {stem_correct / len(compounds):6.1%}"
            f"  not split {unsplit:4}  load {loaded:5.1f} s",
            flush=True,
        )
    return report


def main() -> None:
    stems = stem_agreement()
    for code in ("sv", "en"):
        s = stems[code]
        assert isinstance(s, dict)
        print(
            f"stems {code}: PyStemmer {s['pystemmer_share']:.4%} of {s['words']}, "
            f"Whoosh bundled {s['whoosh_bundled_share']:.4%}",
            flush=True,
        )
    compounds = read_compounds()
    print(f"decompounding {len(compounds)} held-out compounds", flush=True)
    report: dict[str, object] = {
        "stems": stems,
        "compounds": len(compounds),
        "decompounding": decompounding(compounds),
    }
    dev = read_compounds(DEV_COMPOUNDS)
    print(
        f"development set: {sum(1 for _, parts in dev if parts)} compounds, {sum(1 for _, p in dev if not p)} not"
    )
    report["development_set"] = {"rows": len(dev), "decompounding": decompounding(dev)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search_analysis.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
