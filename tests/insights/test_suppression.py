"""Shared tables: no published figure under 10, and suppressed cells cannot be recovered from totals."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd
import pytest

from insights.scoring.segments import ALL, REGION, shared_table, solvable_entries


def cells(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment", "area", "n"]).assign(score_sum=lambda f: f["n"] * 0.2)


def random_cells(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        (f"s{s}", area, int(rng.choice([0, 1, 3, 8, 12, 25, 60])))
        for s in range(12)
        for area in ("kiruna", "lulea", "inland", "torne-valley", "boden")
    ]
    return cells(rows)


@pytest.mark.parametrize("seed", range(8))
def test_no_published_figure_describes_fewer_than_ten(seed: int) -> None:
    table = shared_table(random_cells(seed))
    published = table[~table["suppressed"]]
    assert (published["n"] >= 10).all()
    assert table.loc[table["suppressed"], "mean_score"].isna().all()


def _equations(table: pd.DataFrame) -> list[list[int]]:
    """What an attacker knows: every line (with its total) sums up, using published values."""
    index = {(s, a): i for i, (s, a) in enumerate(zip(table["segment"], table["area"], strict=True))}
    lines = []
    for segment, group in table[table["area"] != REGION].groupby("segment"):
        lines.append([*group.index, index[(segment, REGION)]])
    for area, group in table[table["segment"] != ALL].groupby("area"):
        lines.append([*group.index, index[(ALL, area)]])
    return lines


def test_differencing_a_row_total_does_not_reveal_a_single_small_cell() -> None:
    # kiruna has 3 prospects in s1: with only primary suppression, 3 = total - 20 - 30.
    table = shared_table(
        cells(
            [
                ("s1", "kiruna", 3),
                ("s1", "lulea", 20),
                ("s1", "boden", 30),
                ("s2", "kiruna", 40),
                ("s2", "lulea", 15),
                ("s2", "boden", 22),
            ]
        )
    )
    published = table.set_index(["segment", "area"])
    row_total = cast(float, published.at[("s1", REGION), "n_published"])
    others = published["n_published"].loc[[("s1", "lulea"), ("s1", "boden")]]
    recovered = None if pd.isna(row_total) or others.isna().any() else row_total - others.sum()
    assert recovered is None
    assert published["suppressed"].sum() >= 2


@pytest.mark.parametrize("seed", range(8))
def test_no_suppressed_cell_is_determined_by_any_combination_of_totals(seed: int) -> None:
    table = shared_table(random_cells(seed))
    suppressed = table["suppressed"].to_numpy()
    assert solvable_entries(_equations(table), suppressed) == []


@pytest.mark.parametrize("seed", range(6))
def test_linear_programming_attack_cannot_pin_down_a_suppressed_cell(seed: int) -> None:
    """An independent attacker: for each hidden cell, the smallest and largest value consistent with every published
    figure and every total (values >= 0). If the two meet, the cell is recovered."""
    from scipy.optimize import linprog

    table = shared_table(random_cells(seed))
    n = table["n_published"]
    unknown = [i for i in table.index if pd.isna(n[i])]
    position = {entry: j for j, entry in enumerate(unknown)}
    rows, rhs = [], []
    for line in _equations(table):
        *members, total = line
        row = np.zeros(len(unknown))
        known = 0.0
        for member in members:
            if member in position:
                row[position[member]] += 1
            else:
                known += float(n[member])
        if total in position:
            row[position[total]] -= 1
        else:
            known -= float(n[total])
        rows.append(row)
        rhs.append(-known)
    for j, entry in enumerate(unknown):
        objective = np.zeros(len(unknown))
        objective[j] = 1
        low = linprog(objective, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None)).fun
        high = -linprog(-objective, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None)).fun
        assert high - low > 0.5, (
            f"suppressed entry {table.loc[entry, ['segment', 'area']].tolist()} recovered"
        )
