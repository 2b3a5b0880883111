"""AIDA stages follow the declared rules, deepest stage first."""

from __future__ import annotations

import pandas as pd
import pytest

from insights.scoring.aida import AIDA_RULES, aida_stages


def prospect(**values: int | bool) -> dict[str, int | bool]:
    base = {
        "visits": 0,
        "newsletter_opens": 0,
        "site_visits": 0,
        "guide_download": False,
        "webinar": False,
        "job_clicks": 0,
    }
    return {**base, **values}


@pytest.mark.parametrize(
    ("values", "stage"),
    [
        ({}, "attention"),
        ({"visits": 1, "newsletter_opens": 2, "site_visits": 2}, "attention"),
        ({"visits": 2}, "interest"),
        ({"newsletter_opens": 3}, "interest"),
        ({"site_visits": 3}, "interest"),
        ({"guide_download": True}, "desire"),
        ({"job_clicks": 1}, "desire"),
        ({"site_visits": 10}, "desire"),
        ({"webinar": True}, "action"),
        ({"job_clicks": 3}, "action"),
        ({"webinar": True, "visits": 0, "guide_download": True}, "action"),
    ],
)
def test_stage_from_engagement(values: dict[str, int | bool], stage: str) -> None:
    assert aida_stages(pd.DataFrame([prospect(**values)])).tolist() == [stage]


def test_rules_are_data_ending_with_a_catch_all() -> None:
    assert [rule.stage for rule in AIDA_RULES] == ["action", "desire", "interest", "attention"]
    assert AIDA_RULES[-1].any_of == ()


def test_rules_in_words_name_every_condition() -> None:
    from django.utils import translation

    from insights.factors import aida_rules_in_words

    with translation.override("en"):
        words = aida_rules_in_words()
    assert [rule["stage"] for rule in words] == ["action", "desire", "interest", "attention"]
    assert "3" in str(words[0]["text"])
    assert "webinar" in str(words[0]["text"])
