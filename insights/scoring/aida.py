"""AIDA funnel stages from engagement, as rules an analyst can read: the first rule whose conditions hold decides the stage."""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np
import pandas as pd

STAGES = ("attention", "interest", "desire", "action")

# The relocation-cycle phases (DOMAIN.md) tied to each AIDA stage.
PHASES_BY_STAGE: dict[str, tuple[str, ...]] = {
    "attention": ("discover",),
    "interest": ("consider", "visit"),
    "desire": ("decide",),
    "action": ("move", "settle", "stay"),
}

_OPERATORS = {">=": operator.ge, "==": operator.eq}


@dataclass(frozen=True)
class Condition:
    """`field op value`, e.g. job_clicks >= 3; booleans are written `webinar == True`."""

    field: str
    op: str
    value: int | bool


@dataclass(frozen=True)
class Rule:
    """A prospect reaches `stage` when any of the conditions holds."""

    stage: str
    any_of: tuple[Condition, ...]


# Checked from the deepest stage down; a prospect with no engagement beyond a visit is at Attention.
AIDA_RULES: tuple[Rule, ...] = (
    Rule("action", (Condition("webinar", "==", True), Condition("job_clicks", ">=", 3))),
    Rule(
        "desire",
        (
            Condition("guide_download", "==", True),
            Condition("job_clicks", ">=", 1),
            Condition("site_visits", ">=", 10),
        ),
    ),
    Rule(
        "interest",
        (
            Condition("newsletter_opens", ">=", 3),
            Condition("site_visits", ">=", 3),
            Condition("visits", ">=", 2),
        ),
    ),
    Rule("attention", ()),
)
RULE_FIELDS = ("visits", "newsletter_opens", "site_visits", "guide_download", "webinar", "job_clicks")


def aida_stages(frame: pd.DataFrame, rules: tuple[Rule, ...] = AIDA_RULES) -> pd.Series:
    """The AIDA stage of every prospect (vectorised): rules are tried in order and the first that holds wins."""
    stage = np.full(len(frame), "", dtype=object)
    undecided = np.ones(len(frame), dtype=bool)
    for rule in rules:
        if rule.any_of:
            holds = np.zeros(len(frame), dtype=bool)
            for condition in rule.any_of:
                values = frame[condition.field].to_numpy()
                holds |= np.asarray(_OPERATORS[condition.op](values, condition.value), dtype=bool)
        else:
            holds = np.ones(len(frame), dtype=bool)
        chosen = undecided & holds
        stage[chosen] = rule.stage
        undecided &= ~chosen
    return pd.Series(stage, index=frame.index, name="aida_stage")
