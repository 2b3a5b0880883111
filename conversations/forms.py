"""Forms of conversations: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from themes.models import Municipality, WorkPackage

from .models import COMMENT_MAX_LENGTH, EmailPreference


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text; links become clickable. Write @ and a username to notify someone."),
        error_messages={"required": _("Write something before you send the comment.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EmailPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Notifications by e-mail"),
        choices=EmailPreference.Frequency.choices,
        widget=forms.RadioSelect,
    )


class WatchTermForm(forms.Form):
    """Start watching a municipality or a work package (from the start page)."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), required=False
    )
    work_package = forms.ModelChoiceField(
        label=_("Work package"), queryset=WorkPackage.objects.all(), required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("municipality") and not data.get("work_package"):
            raise forms.ValidationError(_("Choose a municipality or a work package to watch."))
        return data
