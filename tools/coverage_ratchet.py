"""Coverage that only ratchets up, as Zulip's tools/test-backend keeps it.

Reads the data of the SQLite pass (`make test-sqlite` runs pytest with --cov) and compares the total with the
floor in pyproject.toml (`[tool.coverage.report] fail_under`). Below the floor the run fails: new code came
without tests. A point or more above it the run fails too, asking for the floor to be raised, so that what
has been gained cannot be lost again unnoticed.

Enforced with CI=true, where every test must run; on a machine without PostgreSQL or Chromium some tests skip
and the total is lower, so there the figure is only printed.
"""

from __future__ import annotations

import io
import math
import os
import sys
import tomllib
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
# How far the total may rise above the floor before the floor has to follow; the floor moves in half points, so
# that the few branches whose cover depends on timing do not fail a run.
MARGIN = 1.0


def verdict(*, total: float, floor: float) -> tuple[bool, str]:
    """Whether a run with `total` per cent passes against `floor`, and the line that says so."""
    if total < floor:
        return False, (
            f"Coverage fell to {total:.1f} % (floor {floor:.1f} %): test the new code "
            "(`.venv/bin/coverage report -m` lists the lines no test runs)."
        )
    if total >= floor + MARGIN:
        return False, (
            f"Coverage rose to {total:.1f} % (floor {floor:.1f} %): raise `fail_under` in pyproject.toml "
            f"to {math.floor(total * 2) / 2:.1f} so that it cannot fall back."
        )
    return True, f"Coverage {total:.1f} % (floor {floor:.1f} %)."


def main() -> int:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    floor = float(config["tool"]["coverage"]["report"]["fail_under"])
    measured = coverage.Coverage(config_file=str(ROOT / "pyproject.toml"))
    measured.load()
    # The floor is this script's to check, not report()'s (which would fail below it without saying why).
    total = measured.report(file=io.StringIO(), ignore_errors=True)
    passed, line = verdict(total=total, floor=floor)
    if os.environ.get("CI") != "true":
        print(f"{line} (enforced with CI=true)")
        return 0
    print(line)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
