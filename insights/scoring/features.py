"""Model features from typed prospects, and the readable factor each feature belongs to (for plain-words explanations)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .schema import KNOWN_INTERESTS

NUMERIC = [
    "log_visits",
    "log_newsletter_opens",
    "log_site_visits",
    "log_job_clicks",
    "log_spend_sek",
    "years_since_visit",
]
BOOLEAN = ["guide_download", "webinar", *[f"interest_{name}" for name in KNOWN_INTERESTS]]
CATEGORICAL = ["age_band", "household", "season", "remote_work", "profession", "country"]
FEATURES = NUMERIC + BOOLEAN + CATEGORICAL

# Each feature column belongs to one factor; a factor is what a person reads ("downloaded the move-here guide").
FACTOR_OF: dict[str, str] = {
    "log_visits": "visits",
    "log_newsletter_opens": "newsletter_opens",
    "log_site_visits": "site_visits",
    "log_job_clicks": "job_clicks",
    "log_spend_sek": "spend_sek",
    "years_since_visit": "last_visit",
    **{name: name for name in BOOLEAN},
    **{name: name for name in CATEGORICAL},
}
FACTORS = list(dict.fromkeys(FACTOR_OF.values()))


def build_features(frame: pd.DataFrame, *, reference_date: dt.date) -> pd.DataFrame:
    """Feature columns for the model; counts are log-scaled because the tenth visit says less than the second."""
    last_visit = pd.to_datetime(frame["last_visit"])
    years = (pd.Timestamp(reference_date) - last_visit).dt.days.to_numpy(dtype=float) / 365.25
    interests = frame["interests"].fillna("").astype(str)
    features = {
        "log_visits": np.log1p(frame["visits"].to_numpy(dtype=float)),
        "log_newsletter_opens": np.log1p(frame["newsletter_opens"].to_numpy(dtype=float)),
        "log_site_visits": np.log1p(frame["site_visits"].to_numpy(dtype=float)),
        "log_job_clicks": np.log1p(frame["job_clicks"].to_numpy(dtype=float)),
        "log_spend_sek": np.log1p(frame["spend_sek"].to_numpy(dtype=float)),
        "years_since_visit": years,
        "guide_download": frame["guide_download"].to_numpy(dtype=float),
        "webinar": frame["webinar"].to_numpy(dtype=float),
    }
    # Each flag is decided once per distinct interests text and spread back by code (thousands, not a million).
    codes, distinct = pd.factorize(interests.to_numpy(dtype=object))
    padded = "|" + pd.Series(distinct, dtype=object) + "|"
    for name in KNOWN_INTERESTS:
        flags = padded.str.contains(f"|{name}|", regex=False).to_numpy(dtype=float)
        features[f"interest_{name}"] = flags[codes] if len(distinct) else np.zeros(0)
    for name in CATEGORICAL:
        values = frame[name].astype(str).to_numpy(dtype=object)
        features[name] = np.where(values == "", "missing", values).astype(object)
    return pd.DataFrame(features, index=frame.index)[FEATURES]
