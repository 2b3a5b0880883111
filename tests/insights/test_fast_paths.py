"""The import's fast paths give exactly what the cell-by-cell checks give: errors (rows, columns, messages) and typed rows."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest
from pytest_django.fixtures import Settings

from insights.pseudonyms import pseudonym, pseudonyms
from insights.scoring import validation
from insights.scoring.segments import main_interests, segment_keys

ROWS = 300


def _cycle(values: list[str]) -> list[str]:
    """The values over and over, ROWS of them."""
    return [values[i % len(values)] for i in range(ROWS)]


def _raw() -> pd.DataFrame:
    """Few distinct values repeated over many rows (the factorised path), with bad cells scattered among them."""
    frame = pd.DataFrame(
        {
            "prospect_ref": [f"P-{i}" for i in range(ROWS)],
            "country": _cycle(["DE", "nl", "XX", "SE", ""]),
            "age_band": _cycle(["25-34", "65+", "99-100"]),
            "household": _cycle(["familj", "par", "single", "alone"]),
            "visits": _cycle(["1", "2", "-3", "1,5", "två", "2000000"]),
            "last_visit": _cycle(["2024-01-31", "2024-13-01", "", "2023-06-01"]),
            "interests": _cycle(["hiking|skiing", "Fishing", "bad token!", "", "a||b"]),
            "guide_download": _cycle(["ja", "nej", "kanske", ""]),
            "spend_sek": _cycle(["12 345,50", "1.234,5", "1,234.5", "x", "-1"]),
            "consent_analytics": _cycle(["ja", "ja", "nej", "yes", "perhaps"]),
            "relocated": _cycle(["", "true", "0"]),
            # Scanned once per distinct value: a personal identity number and a control character among repeats.
            "kommentar": _cycle(["ok", "850709-9805", "x\x01y", "ok"]),
        },
        index=pd.RangeIndex(2, ROWS + 2),
    )
    return frame.astype(object)


def _cell_by_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "_check_column", validation._check_cells)


def test_factorised_checks_report_the_same_errors_as_cell_by_cell_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = validation.validate_frame(_raw())
    assert len(fast.errors) > ROWS  # every kind of bad cell is there, on many rows
    flagged = {(e.row, e.message) for e in fast.errors if e.column == "kommentar"}
    assert (3, validation.PERSONAL_NUMBER_MESSAGE) in flagged
    assert (4, validation.CONTROL_CHARACTER_MESSAGE) in flagged
    assert len(flagged) == 2 * (ROWS // 4)
    _cell_by_cell(monkeypatch)
    slow = validation.validate_frame(_raw())
    assert [e.as_dict() for e in fast.errors] == [e.as_dict() for e in slow.errors]


def test_factorised_checks_type_the_rows_as_cell_by_cell_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    good = _raw()
    good["country"] = [("DE", "nl", "SE")[i % 3] for i in range(ROWS)]
    good["age_band"] = [("25-34", "65+")[i % 2] for i in range(ROWS)]
    good["household"] = [("familj", "par", "single")[i % 3] for i in range(ROWS)]
    good["visits"] = [str(i % 4) for i in range(ROWS)]
    good["last_visit"] = [("2024-01-31", "", "2023-06-01")[i % 3] for i in range(ROWS)]
    good["interests"] = [("hiking|skiing", "Fishing", "")[i % 3] for i in range(ROWS)]
    good["guide_download"] = [("ja", "nej", "")[i % 3] for i in range(ROWS)]
    good["spend_sek"] = [("12 345,50", "1.234,5", "1,234.5", "")[i % 4] for i in range(ROWS)]
    good["consent_analytics"] = [("ja", "nej", "yes")[i % 3] for i in range(ROWS)]
    good["kommentar"] = "ok"
    fast = validation.validate_frame(good)
    assert fast.ok
    assert len(fast.prospects) == ROWS - ROWS // 3
    _cell_by_cell(monkeypatch)
    slow = validation.validate_frame(good)
    pd.testing.assert_frame_equal(fast.prospects, slow.prospects)
    assert fast.skipped_no_consent == slow.skipped_no_consent == ROWS // 3


def test_segment_keys_and_main_interests_per_distinct_value() -> None:
    frame = pd.DataFrame(
        {
            "country": ["DE", "US", "SE", "DE"],
            "age_band": ["25-34", "45-54", "65+", "18-24"],
            "household": ["single", "couple", "couple", "family"],
            "interests": ["hiking|dog_sledding", "", "city_life|fishing", "hiking|dog_sledding"],
        }
    )
    assert main_interests(frame).tolist() == ["dog_sledding", "none", "fishing", "dog_sledding"]
    assert segment_keys(frame).tolist() == [
        "DE:young_adult:dog_sledding",
        "other:established:none",
        "SE:senior:fishing",
        "DE:family:dog_sledding",
    ]


def test_segment_keys_of_no_prospects() -> None:
    empty = pd.DataFrame({"country": [], "age_band": [], "household": [], "interests": []}, dtype=object)
    keys = segment_keys(empty)
    assert keys.dtype == object
    assert keys.tolist() == []


@pytest.mark.parametrize("key", ["short", "a key longer than one SHA-256 block " * 3])
def test_pseudonyms_of_many_refs_are_the_pseudonyms_of_each(settings: Settings, key: str) -> None:
    # pseudonyms() keys one HMAC object and copies it per ref; pseudonym() keys each call: the same digests.
    settings.PSEUDONYM_KEY = key
    refs = ["P-1", " P-1 ", "åäö-42", "", "x" * 200]
    assert pseudonyms(refs) == [pseudonym(ref) for ref in refs]
    assert pseudonyms(refs)[0] == hmac.new(key.encode(), b"P-1", hashlib.sha256).hexdigest()
