"""Forms of the insights pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Prospect file (CSV or XLSX)"),
        help_text=_("Exported from the visitor database; the format is described below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=120,
        required=False,
        help_text=_("e.g. Swedish Lapland visitor database"),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        return upload


class PinForm(forms.Form):
    segment_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Marketing action"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    pinned = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)


class EraseForm(forms.Form):
    prospect_ref = forms.CharField(
        label=_("The prospect's id in the source database"),
        max_length=200,
        help_text=_("Looked up by its keyed hash; the id itself is not stored."),
    )


class ShareForm(forms.Form):
    recipient = forms.CharField(
        label=_("For whom"),
        max_length=200,
        help_text=_("Who will receive these aggregates, e.g. Region Norrbotten"),
    )
