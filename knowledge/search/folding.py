"""Folding: how a word is written down for matching, shared by the analyser and the lexicon that feeds it."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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
