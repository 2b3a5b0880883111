"""Forms of the plan pages: they validate input and hand clean values to the services (which check permissions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from themes.models import RelocationPhase, ValueChainStep, Visibility, WorkPackage

from .models import ActionPlan, Activity, Goal, IndicatorKind, Need


class PlanCreateForm(forms.Form):
    period = forms.RegexField(
        label=_("Period"),
        regex=r"^[0-9]{4}(-[0-9]{4})?$",
        max_length=9,
        help_text=_("A year such as 2026, or a span of years such as 2026-2027."),
        error_messages={"invalid": _("Write the period as a year (2026) or a span of years (2026-2027).")},
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PlanSettingsForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NeedForm(forms.Form):
    text = forms.CharField(
        label=_("Need or friction (“skav”)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where it chafes, e.g. “no rental flats for newcomers in their first year”."),
    )
    value_chain_step = forms.ModelChoiceField(
        label=_("Value-chain step"),
        queryset=ValueChainStep.objects.all(),
        help_text=_("Its force (attraction or receiving capacity) follows from the step."),
    )
    relocation_phase = forms.ModelChoiceField(
        label=_("Relocation phase"), queryset=RelocationPhase.objects.all()
    )
    work_package = forms.ModelChoiceField(label=_("Work package"), queryset=WorkPackage.objects.all())
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_(
            "Separated by commas, e.g. bostäder, förskola. The same tag in several plans groups the need."
        ),
    )

    def clean_tags(self) -> list[str]:
        return [tag.strip().lower() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class GoalForm(forms.Form):
    indicator = forms.CharField(label=_("Indicator"), max_length=160)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    due = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    capacity_indicator = forms.ChoiceField(
        label=_("Follow with a receiving-capacity indicator"),
        choices=[("", _("No: follow with sprint results")), *IndicatorKind.choices],
        required=False,
    )
    result_metric = forms.CharField(
        label=_("Metric in the linked sprints' results"),
        max_length=160,
        required=False,
        help_text=_("Leave empty to follow results named like the indicator."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("baseline") is not None and data.get("baseline") == data.get("target"):
            self.add_error("target", _("The target must differ from the baseline."))
        return data


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=200)
    need = forms.ModelChoiceField(label=_("Answers the need"), queryset=Need.objects.none(), required=False)
    goal = forms.ModelChoiceField(label=_("Serves the goal"), queryset=Goal.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=Activity.Status.choices, initial=Activity.Status.PLANNED
    )
    drop_reason = forms.CharField(
        label=_("Reason for dropping"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = Need.objects.filter(plan=plan)  # type: ignore[attr-defined]
        self.fields["goal"].queryset = Goal.objects.filter(plan=plan)  # type: ignore[attr-defined]


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    drop_reason = forms.CharField(label=_("Reason for dropping"), required=False)


class LinkSprintForm(forms.Form):
    sprint = forms.TypedChoiceField(label=_("Sprint"), coerce=int)

    def __init__(self, *args: Any, sprints: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sprint"].choices = [(sprint.pk, sprint.title) for sprint in sprints]  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Review comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when you send the plan back."),
    )


class IndicatorImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
