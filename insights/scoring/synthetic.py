"""Synthetic prospects in the import format with a hidden ground-truth relocation rule, clearly labelled synthetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .schema import AGE_BANDS, COLUMNS, KNOWN_INTERESTS, PROFESSIONS

SYNTHETIC_PREFIX = "SYNTH"
# Main markets of the destination organisation, with the share of visitors from each.
COUNTRIES = {
    "DE": 0.26, "NL": 0.14, "SE": 0.12, "GB": 0.08, "FR": 0.07, "CH": 0.05, "NO": 0.05, "FI": 0.05,
    "DK": 0.04, "ES": 0.03, "IT": 0.03, "US": 0.03, "PL": 0.02, "BE": 0.02, "AT": 0.01,
}  # fmt: skip
AGE_SHARES = [0.10, 0.27, 0.24, 0.18, 0.13, 0.08]
SWEDISH_VALUES = {
    "household": {"single": "ensam", "couple": "par", "family": "familj"},
    "season": {"winter": "vinter", "summer": "sommar", "both": "båda"},
    "remote_work": {"yes": "ja", "no": "nej", "unknown": "vet ej"},
    "profession": {
        "care": "vård", "education": "utbildning", "engineering": "teknik", "it": "it",
        "trades": "hantverk", "hospitality": "besöksnäring", "other": "annat",
    },
}  # fmt: skip


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def relocation_probability(frame: pd.DataFrame, *, reference_date: dt.date) -> np.ndarray:
    """The hidden ground truth: how likely each synthetic prospect is to move. The model never sees this function."""
    interests = frame["interests"].astype(str)
    arctic = (
        interests.str.contains("northern_lights|skiing|dog_sledding", regex=True)
        & frame["season"].isin(["winter", "both"])
    ).to_numpy()
    days = (pd.Timestamp(reference_date) - pd.to_datetime(frame["last_visit"])).dt.days.to_numpy()
    stale = np.nan_to_num(days, nan=9999) > 3 * 365
    age_effect = frame["age_band"].map(
        {"18-24": 0.0, "25-34": 0.5, "35-44": 0.35, "45-54": 0.0, "55-64": -0.4, "65+": -1.1}
    )
    logit = (
        -4.6
        + 1.0 * np.log1p(frame["visits"].to_numpy())
        + 1.4 * frame["guide_download"].to_numpy()
        + 1.2 * frame["webinar"].to_numpy()
        + 0.7 * np.log1p(frame["job_clicks"].to_numpy())
        + 0.3 * np.log1p(frame["newsletter_opens"].to_numpy())
        + 1.0 * (frame["remote_work"] == "yes").to_numpy()
        - 0.5 * (frame["remote_work"] == "no").to_numpy()
        + 0.8 * arctic
        + 0.5 * frame["profession"].isin(["care", "education", "engineering", "it"]).to_numpy()
        + 0.3 * (frame["household"] == "family").to_numpy()
        + age_effect.to_numpy(dtype=float)
        - 0.6 * stale
    )
    return _sigmoid(logit)


def generate_prospects(
    rows: int, *, seed: int, municipality: str = "", reference_date: dt.date | None = None,
    outcome_share: float = 0.7, no_consent_share: float = 0.03,
) -> pd.DataFrame:  # fmt: skip
    """`rows` synthetic prospects as typed import columns (English codes); `relocated` drawn from the hidden rule."""
    rng = np.random.default_rng(seed)
    today = reference_date or dt.date(2026, 6, 30)
    engagement = rng.normal(size=rows)  # a latent interest in moving north that drives every signal together
    countries = rng.choice(
        list(COUNTRIES), size=rows, p=np.array(list(COUNTRIES.values())) / sum(COUNTRIES.values())
    )
    age = rng.choice(AGE_BANDS, size=rows, p=AGE_SHARES)
    household = rng.choice(["single", "couple", "family"], size=rows, p=[0.3, 0.4, 0.3])
    visits = rng.poisson(np.exp(0.2 + 0.45 * engagement))
    days_ago = rng.exponential(500, size=rows).astype(int) + 1
    last_visit = pd.Series(pd.to_datetime(today) - pd.to_timedelta(days_ago, unit="D")).where(visits > 0)
    season = rng.choice(["winter", "summer", "both", ""], size=rows, p=[0.45, 0.3, 0.2, 0.05])
    # Interests: each known interest independently, more likely for engaged prospects.
    picks = rng.random((rows, len(KNOWN_INTERESTS))) < np.array([0.45, 0.25, 0.35, 0.2, 0.15, 0.12, 0.3, 0.1])
    combination = picks @ (1 << np.arange(len(KNOWN_INTERESTS)))
    words = np.array(
        [
            "|".join(k for i, k in enumerate(KNOWN_INTERESTS) if c >> i & 1)
            for c in range(1 << len(KNOWN_INTERESTS))
        ],
        dtype=object,
    )
    interests = words[combination]
    frame = pd.DataFrame(
        {
            "prospect_ref": [f"{SYNTHETIC_PREFIX}-{municipality or 'X'}-{seed}-{i:07d}" for i in range(rows)],
            "country": countries,
            "age_band": age,
            "household": household,
            "visits": visits,
            "last_visit": last_visit.dt.normalize(),
            "season": season,
            "interests": interests,
            "newsletter_opens": rng.poisson(np.exp(0.7 + 0.6 * engagement)),
            "site_visits": rng.poisson(np.exp(0.9 + 0.7 * engagement)),
            "guide_download": rng.random(rows) < _sigmoid(-2.0 + 1.3 * engagement),
            "webinar": rng.random(rows) < _sigmoid(-3.2 + 1.3 * engagement),
            "job_clicks": rng.poisson(np.exp(-1.0 + 0.9 * engagement)),
            "remote_work": rng.choice(["yes", "no", "unknown"], size=rows, p=[0.3, 0.35, 0.35]),
            "profession": rng.choice(PROFESSIONS, size=rows, p=[0.14, 0.12, 0.15, 0.14, 0.13, 0.12, 0.2]),
            "spend_sek": np.round(visits * rng.gamma(2.0, 6000, size=rows), 2),
            "consent_analytics": rng.random(rows) >= no_consent_share,
        }
    )
    probability = relocation_probability(frame, reference_date=today)
    moved = rng.random(rows) < probability
    known = rng.random(rows) < outcome_share
    frame["relocated"] = pd.array(np.where(known, moved, False), dtype="boolean")
    frame.loc[~known, "relocated"] = pd.NA
    return frame


def write_prospects_csv(frame: pd.DataFrame, path: str | Path | IO[str], *, dialect: str = "en") -> None:
    """Write in the import format: `en` (comma, decimal point, English headers) or `sv` (Swedish Excel: BOM, semicolon,
    decimal comma, Swedish headers and values). The first column's values start with SYNTH, marking the data synthetic."""
    out = frame.copy()
    out["last_visit"] = pd.to_datetime(out["last_visit"]).dt.strftime("%Y-%m-%d").fillna("")
    yes, no = ("ja", "nej") if dialect == "sv" else ("yes", "no")
    for column in ("guide_download", "webinar", "consent_analytics", "relocated"):
        out[column] = out[column].map({True: yes, False: no}).fillna("").astype(object)
    if dialect == "sv":
        for column, words in SWEDISH_VALUES.items():
            out[column] = out[column].map(lambda v, w=words: w.get(v, v))
        out["spend_sek"] = out["spend_sek"].map(lambda v: f"{v:,.2f}".replace(",", " ").replace(".", ","))
        out.columns = [next(c.alias for c in COLUMNS if c.name == name) for name in out.columns]
        out.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    else:
        out.to_csv(path, sep=",", index=False, encoding="utf-8")


def follow_up(frame: pd.DataFrame, *, seed: int, months: int = 2) -> pd.DataFrame:
    """The same synthetic prospects some months later, for a second import: engagement only accumulates (counts
    grow, a downloaded guide stays downloaded), most for the already engaged, so some prospects move to a later
    AIDA stage and none back. Still synthetic: the ids are the same SYNTH ids."""
    rng = np.random.default_rng(seed + 1_000)
    later = frame.copy()
    rows = len(later)
    # How active each prospect was since: a third did nothing, the rest engaged by what they did before.
    active = rng.random(rows) >= 1 / 3
    drive = np.log1p(later["site_visits"].to_numpy() + later["newsletter_opens"].to_numpy())
    rate = np.where(active, 0.3 + 0.4 * drive, 0.0) * months / 2
    later["newsletter_opens"] = later["newsletter_opens"] + rng.poisson(rate)
    later["site_visits"] = later["site_visits"] + rng.poisson(1.5 * rate)
    later["job_clicks"] = later["job_clicks"] + rng.poisson(0.25 * rate)
    later["guide_download"] = later["guide_download"] | (active & (rng.random(rows) < 0.08 * rate))
    later["webinar"] = later["webinar"] | (active & (rng.random(rows) < 0.03 * rate))
    return later
