"""The propensity model: two calibrated candidates compared by cross-validation, evaluated on held-out data, saved with skops, explained per factor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from .features import BOOLEAN, CATEGORICAL, FACTOR_OF, FACTORS, NUMERIC, build_features

# Training beyond this many labelled rows adds little and would break the scoring time budget on a million rows.
MAX_TRAINING_ROWS = 20_000
# Choosing between the candidates needs fewer rows than fitting the chosen one.
MAX_SELECTION_ROWS = 6_000
# Explanations are simplest for logistic regression, so it is kept unless boosting is clearly better.
PREFER_LINEAR_WITHIN = 0.005
MIN_TRAINING_ROWS = 200
# One OpenMP/BLAS thread: at these sizes, on a small machine shared with web and worker processes, spinning
# threads cost far more than they gain (gradient boosting fits measured 6x faster single-threaded under load).
THREADS = 1
SCORE_CHUNK = 100_000
# Resamples of the held-out rows for the confidence intervals of ROC AUC (percentile bootstrap, seeded).
BOOTSTRAP_RESAMPLES = 400


class NotEnoughData(ValueError):
    """Too few prospects with a known outcome (or only one outcome) to train a model."""


@dataclass
class PropensityModel:
    """A fitted, calibrated pipeline with what is needed to explain it; `metrics` is the evaluation report."""

    pipeline: Pipeline
    kind: str
    reference_date: dt.date
    feature_means: np.ndarray
    reference_row: dict[str, Any]
    metrics: dict[str, Any]

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return build_features(frame, reference_date=self.reference_date)

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of relocating, one per prospect."""
        if frame.empty:
            return np.zeros(0)
        # In slices: the transformed matrix of a million prospects would cost more memory than the whole import.
        parts = []
        with threadpool_limits(limits=THREADS):
            for start in range(0, len(frame), SCORE_CHUNK):
                features = self.features(frame.iloc[start : start + SCORE_CHUNK])
                parts.append(np.asarray(self.pipeline.predict_proba(features)[:, 1]))
        return np.concatenate(parts)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each factor's push on the log-odds of every prospect, relative to the average training prospect."""
        features = self.features(frame)
        with threadpool_limits(limits=THREADS):
            if self.kind == "logistic_regression":
                return _linear_contributions(self, features)
            return _occlusion_contributions(self, features)


def _column_transformer(kind: str) -> ColumnTransformer:
    if kind == "logistic_regression":
        categorical: Any = OneHotEncoder(handle_unknown="ignore", min_frequency=20, sparse_output=False)
    else:
        categorical = OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1
        )
    return ColumnTransformer(
        [
            (
                "num",
                Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]),
                NUMERIC,
            ),
            ("bool", "passthrough", BOOLEAN),
            ("cat", categorical, CATEGORICAL),
        ],
        verbose_feature_names_out=True,
    )


def _classifier(kind: str, seed: int) -> Any:
    if kind == "logistic_regression":
        return LogisticRegression(C=1.0, max_iter=2000)
    categorical_mask = [False] * (len(NUMERIC) + len(BOOLEAN)) + [True] * len(CATEGORICAL)
    return HistGradientBoostingClassifier(
        max_iter=120,
        learning_rate=0.1,
        max_leaf_nodes=15,
        max_bins=63,
        early_stopping=True,
        categorical_features=categorical_mask,
        random_state=seed,
    )


def candidate_pipeline(kind: str, *, seed: int, calibrated: bool) -> Pipeline:
    classifier = _classifier(kind, seed)
    if calibrated:
        # ensemble=False: one model fitted on all training rows (so its coefficients explain every score),
        # calibrated on cross-validated predictions.
        classifier = CalibratedClassifierCV(classifier, method="isotonic", cv=3, ensemble=False)
    return Pipeline([("columns", _column_transformer(kind)), ("classifier", classifier)])


def expected_calibration_error(y_true: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Mean gap between predicted and observed rates over equal-width probability bins, weighted by bin size."""
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.sum() * abs(probability[mask].mean() - y_true[mask].mean())
    return float(total / len(y_true))


def lift_by_decile(y_true: np.ndarray, probability: np.ndarray) -> list[dict[str, float]]:
    """Deciles from the highest scores down: share who relocated, and lift over the overall rate."""
    order = np.argsort(-probability, kind="stable")
    base = float(y_true.mean()) or 1.0
    rows = []
    for decile, part in enumerate(np.array_split(order, 10), start=1):
        rate = float(y_true[part].mean()) if len(part) else 0.0
        rows.append({"decile": decile, "rate": round(rate, 4), "lift": round(rate / base, 3), "n": len(part)})
    return rows


def evaluate(y_true: np.ndarray, probability: np.ndarray) -> dict[str, Any]:
    fraction, mean_predicted = calibration_curve(y_true, probability, n_bins=10, strategy="quantile")
    return {
        "roc_auc": round(float(roc_auc_score(y_true, probability)), 4),
        "pr_auc": round(float(average_precision_score(y_true, probability)), 4),
        "brier": round(float(brier_score_loss(y_true, probability)), 4),
        "ece": round(expected_calibration_error(y_true, probability), 4),
        "calibration_curve": [
            {"predicted": round(float(p), 4), "observed": round(float(o), 4)}
            for p, o in zip(mean_predicted, fraction, strict=True)
        ],
        "lift_by_decile": lift_by_decile(y_true, probability),
    }


def bootstrap_auc(
    y_true: np.ndarray,
    probability: np.ndarray,
    baseline: np.ndarray,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Percentile bootstrap 95 % intervals of the model's and the baseline's ROC AUC and of their difference.

    Paired: both are scored on the same resamples of the held-out rows, so the interval of the difference is not
    the (wider) combination of two independent ones. Vectorised: each resample is a vector of multiplicities, and
    the AUC of a weighted sample is the weighted Mann-Whitney statistic over the distinct scores (ties count half),
    so no resample is sorted again. Resamples without both outcomes are left out.
    """
    y = np.asarray(y_true, dtype=bool)
    n = len(y)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(resamples, n))
    offsets = (np.arange(resamples) * n)[:, None]
    weights = (
        np.bincount((picks + offsets).ravel(), minlength=resamples * n).reshape(resamples, n).astype(float)
    )
    positive = weights * y
    negative = weights * ~y
    total_positive, total_negative = positive.sum(axis=1), negative.sum(axis=1)
    usable = (total_positive > 0) & (total_negative > 0)

    def aucs(scores: np.ndarray) -> np.ndarray:
        distinct, inverse = np.unique(np.asarray(scores, dtype=float), return_inverse=True)
        k = len(distinct)
        index = (inverse[None, :] + (np.arange(resamples) * k)[:, None]).ravel()
        pos = np.bincount(index, weights=positive.ravel(), minlength=resamples * k).reshape(resamples, k)
        neg = np.bincount(index, weights=negative.ravel(), minlength=resamples * k).reshape(resamples, k)
        below = np.cumsum(neg, axis=1) - neg
        wins = (pos * (below + 0.5 * neg)).sum(axis=1)
        return np.asarray(wins[usable] / (total_positive[usable] * total_negative[usable]))

    model_aucs, baseline_aucs = aucs(probability), aucs(baseline)
    tail = (1 - level) / 2 * 100

    def interval(values: np.ndarray) -> list[float]:
        low, high = np.percentile(values, [tail, 100 - tail])
        return [round(float(low), 4), round(float(high), 4)]

    point = float(roc_auc_score(y, probability)) - float(roc_auc_score(y, baseline))
    difference = interval(model_aucs - baseline_aucs)
    return {
        "roc_auc_ci": interval(model_aucs),
        "baseline_roc_auc_ci": interval(baseline_aucs),
        "difference": round(point, 4),
        "difference_ci": difference,
        "resamples": int(usable.sum()),
        "level": level,
        # The model is only called better when the whole interval of the difference lies above 0.
        "beats_baseline": difference[0] > 0,
    }


def _visits_only_baseline(train: pd.DataFrame, y_train: np.ndarray, test: pd.DataFrame) -> np.ndarray:
    baseline = LogisticRegression().fit(np.log1p(train[["visits"]].to_numpy(float)), y_train)
    return np.asarray(baseline.predict_proba(np.log1p(test[["visits"]].to_numpy(float)))[:, 1])


def train_model(
    frame: pd.DataFrame, *, reference_date: dt.date, seed: int = 0, test_size: float = 0.25
) -> PropensityModel:
    """Compare logistic regression and gradient boosting by 3-fold CV ROC AUC, fit the better calibrated, evaluate on held-out rows."""
    with threadpool_limits(limits=THREADS):
        return _train_model(frame, reference_date=reference_date, seed=seed, test_size=test_size)


def _train_model(
    frame: pd.DataFrame, *, reference_date: dt.date, seed: int, test_size: float
) -> PropensityModel:
    labelled = frame[frame["relocated"].notna()]
    if len(labelled) > MAX_TRAINING_ROWS:
        labelled = labelled.sample(MAX_TRAINING_ROWS, random_state=seed)
    y = labelled["relocated"].astype(bool).to_numpy()
    if len(labelled) < MIN_TRAINING_ROWS or y.all() or not y.any():
        raise NotEnoughData(
            f"Training needs at least {MIN_TRAINING_ROWS} prospects with a known outcome, both movers and stayers; "
            f"found {len(labelled)}."
        )
    train, test, y_train, y_test = train_test_split(
        labelled, y, test_size=test_size, random_state=seed, stratify=y
    )
    x_train = build_features(train, reference_date=reference_date)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    cv: dict[str, float] = {}
    for kind in ("logistic_regression", "hist_gradient_boosting"):
        scores = cross_val_score(
            candidate_pipeline(kind, seed=seed, calibrated=False),
            x_train,
            y_train,
            cv=folds,
            scoring="roc_auc",
        )
        cv[kind] = round(float(scores.mean()), 4)
    kind = (
        "hist_gradient_boosting"
        if cv["hist_gradient_boosting"] > cv["logistic_regression"] + PREFER_LINEAR_WITHIN
        else "logistic_regression"
    )
    pipeline = candidate_pipeline(kind, seed=seed, calibrated=True).fit(x_train, y_train)
    x_test = build_features(test, reference_date=reference_date)
    probability = np.asarray(pipeline.predict_proba(x_test)[:, 1])
    baseline = _visits_only_baseline(train, y_train, test)
    transformed = np.asarray(pipeline[:-1].transform(x_train), dtype=float)
    reference_row = {
        column: (
            float(np.nanmedian(x_train[column].to_numpy(float)))
            if column not in CATEGORICAL
            else str(x_train[column].mode().iloc[0])
        )
        for column in x_train.columns
    }
    honest = bootstrap_auc(y_test, probability, baseline, seed=seed)
    metrics = {
        "model": kind,
        "cross_validation_roc_auc": cv,
        **evaluate(y_test, probability),
        "roc_auc_ci": honest["roc_auc_ci"],
        "baseline_visits_only": {
            **{
                key: value
                for key, value in evaluate(y_test, baseline).items()
                if key in ("roc_auc", "pr_auc", "brier", "ece")
            },
            "roc_auc_ci": honest["baseline_roc_auc_ci"],
        },
        "roc_auc_vs_baseline": {
            key: honest[key]
            for key in ("difference", "difference_ci", "resamples", "level", "beats_baseline")
        },
        "training_rows": len(train),
        "test_rows": len(test),
        "positive_rate": round(float(y.mean()), 4),
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reference_date": reference_date.isoformat(),
    }
    return PropensityModel(pipeline, kind, reference_date, transformed.mean(axis=0), reference_row, metrics)


def _factor_matrix(model: PropensityModel) -> tuple[list[str], np.ndarray]:
    names = list(model.pipeline[:-1].get_feature_names_out())
    matrix = np.zeros((len(names), len(FACTORS)))
    for i, name in enumerate(names):
        _, _, rest = name.partition("__")
        column = next(
            c for c in sorted(FACTOR_OF, key=len, reverse=True) if rest == c or rest.startswith(c + "_")
        )
        matrix[i, FACTORS.index(FACTOR_OF[column])] = 1.0
    return names, matrix


def _linear_contributions(model: PropensityModel, features: pd.DataFrame) -> pd.DataFrame:
    # Coefficient x (standardised value - training mean): the log-odds each factor adds for this prospect.
    estimator = model.pipeline[-1].calibrated_classifiers_[0].estimator
    transformed = np.asarray(model.pipeline[:-1].transform(features), dtype=float)
    per_column = (transformed - model.feature_means) * estimator.coef_[0]
    _, matrix = _factor_matrix(model)
    return pd.DataFrame(per_column @ matrix, index=features.index, columns=FACTORS)


def _log_odds(model: PropensityModel, features: pd.DataFrame) -> np.ndarray:
    probability = np.clip(model.pipeline.predict_proba(features)[:, 1], 1e-4, 1 - 1e-4)
    return np.asarray(np.log(probability / (1 - probability)))


def _occlusion_contributions(model: PropensityModel, features: pd.DataFrame) -> pd.DataFrame:
    # For boosting: how much the calibrated log-odds fall when one factor is set to the typical prospect's value.
    full = _log_odds(model, features)
    result = {}
    for factor in FACTORS:
        columns = [column for column, owner in FACTOR_OF.items() if owner == factor]
        occluded = features.copy()
        for column in columns:
            occluded[column] = model.reference_row[column]
        result[factor] = full - _log_odds(model, occluded)
    return pd.DataFrame(result, index=features.index)[FACTORS]


def top_factors(contributions: pd.DataFrame, *, count: int = 3) -> list[list[tuple[str, float]]]:
    """The `count` factors with the largest absolute push, per row, as (factor, log-odds contribution)."""
    values = contributions.to_numpy()
    order = np.argsort(-np.abs(values), axis=1)[:, :count]
    return [
        [(contributions.columns[j], round(float(values[i, j]), 3)) for j in order[i]]
        for i in range(len(values))
    ]


# --- persistence: skops, never pickle ---------------------------------------------------------
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "builtins.", "collections.")
# Gradient boosting keeps its loss as a functools.partial of a scikit-learn function (itself checked by prefix).
_TRUSTED_NAMES = frozenset({"functools.partial"})


def save_model(model: PropensityModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    import skops.io as sio  # imported when used: skops scans its trusted types on import (seconds)

    sio.dump(
        {
            "pipeline": model.pipeline,
            "kind": model.kind,
            "reference_date": model.reference_date.isoformat(),
            "feature_means": model.feature_means,
            "reference_row": model.reference_row,
            "metrics_roc_auc": model.metrics.get("roc_auc"),
        },
        path,
    )


def load_model(path: Path, *, metrics: dict[str, Any] | None = None) -> PropensityModel:
    """Load a skops file, trusting only scikit-learn and numpy types (anything else is refused)."""
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    refused = [
        name for name in untrusted if not name.startswith(_TRUSTED_PREFIXES) and name not in _TRUSTED_NAMES
    ]
    if refused:
        raise ValueError(f"The model file contains types Stigar does not trust: {refused}")
    data = sio.load(path, trusted=untrusted)
    return PropensityModel(
        data["pipeline"],
        data["kind"],
        dt.date.fromisoformat(data["reference_date"]),
        np.asarray(data["feature_means"]),
        dict(data["reference_row"]),
        metrics or {},
    )
