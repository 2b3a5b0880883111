"""Readable segments (country x life stage x main interest), their summaries, and shared tables with primary and secondary suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aida import PHASES_BY_STAGE, STAGES

# Countries with enough visitors to be a segment of their own; the rest are "other".
MARKETS = ("DE", "NL", "SE", "GB", "FR", "CH", "NO", "FI", "DK")
LIFE_STAGES = ("young_adult", "established", "family", "senior")
# When a prospect names several interests, the segment uses the first in this order (most distinctive first).
INTEREST_PRIORITY = (
    "dog_sledding",
    "sami_culture",
    "northern_lights",
    "skiing",
    "fishing",
    "wilderness",
    "hiking",
    "city_life",
)
ALL = "all"
REGION = "norrbotten"


def life_stages(frame: pd.DataFrame) -> pd.Series:
    """family (any age), else by age band: young adult (18-34), established (35-54), senior (55+)."""
    age = frame["age_band"].astype(str)
    stage = np.select(
        [
            (frame["household"] == "family").to_numpy(),
            age.isin(["18-24", "25-34"]).to_numpy(),
            age.isin(["35-44", "45-54"]).to_numpy(),
        ],
        np.array(["family", "young_adult", "established"], dtype=object),
        default="senior",
    )
    return pd.Series(stage, index=frame.index, dtype=object)


def main_interests(frame: pd.DataFrame) -> pd.Series:
    # Decided once per distinct interests text (a file has thousands, not a million) and spread back by code.
    codes, distinct = pd.factorize(frame["interests"].fillna("").astype(str).to_numpy(dtype=object))
    padded = "|" + pd.Series(distinct, dtype=object) + "|"
    chosen = np.full(len(distinct), "none", dtype=object)
    undecided = np.ones(len(distinct), dtype=bool)
    for interest in INTEREST_PRIORITY:
        has = padded.str.contains(f"|{interest}|", regex=False).to_numpy(dtype=bool) & undecided
        chosen[has] = interest
        undecided &= ~has
    return pd.Series(
        chosen[codes] if len(distinct) else np.array([], dtype=object), index=frame.index, dtype=object
    )


def segment_keys(frame: pd.DataFrame) -> pd.Series:
    """`country:life_stage:interest`, e.g. `DE:family:northern_lights`; stable across municipalities so they can be compared."""
    # Object columns: pandas' "str" dtype (no pyarrow) concatenates and searches element by element in Python.
    country = np.where(
        frame["country"].isin(MARKETS).to_numpy(),
        frame["country"].astype(str).to_numpy(dtype=object),
        "other",
    )
    parts = [country, life_stages(frame).to_numpy(dtype=object), main_interests(frame).to_numpy(dtype=object)]
    # Joined once per distinct (country, life stage, interest), a few hundred, and spread back by code: joining a
    # million rows element by element took about a second, and gave a million string objects where a few hundred do.
    codes = np.zeros(len(frame), dtype="int64")
    for values in parts:
        part_codes, distinct = pd.factorize(values)
        codes = codes * max(len(distinct), 1) + part_codes
    _, first_row, inverse = np.unique(codes, return_index=True, return_inverse=True)
    joined = np.array(
        [":".join(str(values[row]) for values in parts) for row in first_row.tolist()], dtype=object
    )
    return pd.Series(joined[inverse.reshape(-1)], index=frame.index, dtype=object)


def summarise_segments(frame: pd.DataFrame) -> pd.DataFrame:
    """Per segment: size, mean score, AIDA mix (counts per stage) and the relocation phases its prospects are in."""
    grouped = frame.groupby("segment_key", sort=True)
    summary = grouped.agg(size=("score", "size"), mean_score=("score", "mean"))
    mix = pd.crosstab(frame["segment_key"], frame["aida_stage"]).reindex(columns=list(STAGES), fill_value=0)
    summary = summary.join(mix)
    phases = []
    for _, row in summary.iterrows():
        counts: dict[str, int] = {}
        for stage in STAGES:
            for phase in PHASES_BY_STAGE[stage][:1]:
                counts[phase] = counts.get(phase, 0) + int(row[stage])
        phases.append([phase for phase, n in sorted(counts.items(), key=lambda item: -item[1]) if n])
    summary["phases"] = phases
    return summary


def shared_table(cells: pd.DataFrame, *, threshold: int = 10) -> pd.DataFrame:
    """Cells (segment, area, n, score_sum) plus margins (segment `all`, area `norrbotten`), with suppression.

    Primary: a cell or margin describing 1..threshold-1 prospects. Secondary: every line (a segment across areas
    with its total, an area across segments with its total) has either no suppressed entry or at least two, and a
    null-space check confirms no suppressed value can be solved from the published ones.
    """
    cells = cells[cells["n"] > 0][["segment", "area", "n", "score_sum"]].copy()
    by_segment = cells.groupby("segment", as_index=False)[["n", "score_sum"]].sum().assign(area=REGION)
    by_area = cells.groupby("area", as_index=False)[["n", "score_sum"]].sum().assign(segment=ALL)
    grand = pd.DataFrame(
        {"segment": [ALL], "area": [REGION], "n": [cells["n"].sum()], "score_sum": [cells["score_sum"].sum()]}
    )
    table = pd.concat([cells, by_segment, by_area, grand], ignore_index=True)
    table = table[table["n"] > 0].reset_index(drop=True)
    table["margin"] = (table["segment"] == ALL) | (table["area"] == REGION)
    suppressed = ((table["n"] < threshold) & (table["n"] > 0)).to_numpy().copy()
    table["primary"] = suppressed.copy()

    # Each equation: total entry = sum of member entries.
    index = {(s, a): i for i, (s, a) in enumerate(zip(table["segment"], table["area"], strict=True))}
    lines: list[list[int]] = []
    for segment, group in table[table["area"] != REGION].groupby("segment"):
        lines.append([*group.index, index[(segment, REGION)]])
    for area, group in table[table["segment"] != ALL].groupby("area"):
        lines.append([*group.index, index[(ALL, area)]])
    n = table["n"].to_numpy()

    def suppress_partner(line: list[int]) -> bool:
        candidates = [i for i in line if not suppressed[i]]
        if not candidates:
            return False
        # The smallest cell loses the least information; margins only when no cell is left.
        inner = [i for i in candidates if not table.at[i, "margin"]] or candidates
        suppressed[min(inner, key=lambda i: (n[i], i))] = True
        return True

    while True:
        changed = False
        for line in lines:
            if sum(suppressed[i] for i in line) == 1:
                changed |= suppress_partner(line)
        if not changed:
            solvable = solvable_entries(lines, suppressed)
            if not solvable:
                break
            for entry in solvable:
                for line in lines:
                    if entry in line and suppress_partner([i for i in line if i != entry]):
                        changed = True
                        break
            if not changed:
                break
    table["suppressed"] = suppressed
    table["mean_score"] = np.where(suppressed, np.nan, table["score_sum"] / table["n"])
    table["n_published"] = pd.Series(n, index=table.index, dtype="Int64").mask(suppressed)
    return table.drop(columns=["score_sum"])


def solvable_entries(lines: list[list[int]], suppressed: np.ndarray) -> list[int]:
    """Suppressed entries whose value follows uniquely from the published ones by linear algebra (a differencing attack)."""
    unknown = [int(i) for i in np.flatnonzero(suppressed)]
    if not unknown:
        return []
    position = {entry: j for j, entry in enumerate(unknown)}
    rows = []
    for line in lines:
        *members, total = line
        row = np.zeros(len(unknown))
        for member in members:
            if member in position:
                row[position[member]] += 1.0
        if total in position:
            row[position[total]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.vstack(rows)
    # x_j is determined iff the unit vector e_j lies in the row space, i.e. the null space has no component j.
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    determined = np.abs(null_space).max(axis=0) < 1e-9 if len(null_space) else np.ones(len(unknown), bool)
    return [unknown[j] for j in np.flatnonzero(determined)]
