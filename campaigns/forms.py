"""Forms of the campaign panel on a campaign sprint's page: the target segments, and one segment's variant counts."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import VariantCounts

# Variants the form offers; A and B are required, C is for a third variant when there is one.
FORM_VARIANTS = ("A", "B", "C")
REQUIRED_VARIANTS = ("A", "B")


class _SegmentChoiceForm(forms.Form):
    """A form of the panel whose segment field (`segment_field`) offers the segments the view passes as `choices`:
    the sprint's municipality's, which are only known per request."""

    segment_field: ClassVar[str]

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields[self.segment_field]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class TargetsForm(_SegmentChoiceForm):
    segment_field = "segments"
    segments = forms.MultipleChoiceField(
        label=_("Target segments"), required=False, widget=forms.CheckboxSelectMultiple
    )


class OutcomesForm(_SegmentChoiceForm):
    segment_field = "segment"
    segment = forms.ChoiceField(label=_("Segment"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, choices=choices, **kwargs)
        for variant in FORM_VARIANTS:
            required = variant in REQUIRED_VARIANTS
            self.fields[f"reached_{variant}"] = forms.IntegerField(
                label=_("Variant %(variant)s: reached") % {"variant": variant}, min_value=1, required=required
            )
            self.fields[f"responses_{variant}"] = forms.IntegerField(
                label=_("Variant %(variant)s: responses") % {"variant": variant},
                min_value=0,
                required=required,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for variant in FORM_VARIANTS:
            reached, responses = data.get(f"reached_{variant}"), data.get(f"responses_{variant}")
            if (reached is None) != (responses is None) and not self.has_error(f"reached_{variant}"):
                self.add_error(
                    f"responses_{variant}" if responses is None else f"reached_{variant}",
                    _("give both reached and responses, or neither."),
                )
        return data

    def variant_counts(self) -> dict[str, VariantCounts]:
        data = self.cleaned_data
        return {
            variant: VariantCounts(reached=data[f"reached_{variant}"], responses=data[f"responses_{variant}"])
            for variant in FORM_VARIANTS
            if data.get(f"reached_{variant}") is not None and data.get(f"responses_{variant}") is not None
        }
