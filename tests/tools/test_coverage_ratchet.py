"""The coverage ratchet: a fall below the floor fails, a rise of a point or more asks for the floor to follow."""

import pytest

from tools.coverage_ratchet import verdict


@pytest.mark.parametrize(
    ("total", "passes", "says"),
    [
        (84.9, False, "fell to 84.9 %"),
        (85.0, True, "Coverage 85.0 %"),
        (85.9, True, "Coverage 85.9 %"),
        (86.0, False, "raise `fail_under` in pyproject.toml to 86.0"),
        (91.4, False, "raise `fail_under` in pyproject.toml to 91.0"),
        (91.7, False, "raise `fail_under` in pyproject.toml to 91.5"),
    ],
)
def test_the_floor_holds_and_follows_the_code(total: float, passes: bool, says: str) -> None:
    passed, line = verdict(total=total, floor=85.0)
    assert passed is passes
    assert says in line
