"""Forms of the sprint pages; they validate input and hand it to the services, which do the writing."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from themes.models import Municipality, Role
from themes.validators import EARLIEST_DATE, LATEST_DATE

from .models import Card, Result, Retrospective, Sprint, Status
from .services import EDITABLE_FIELD_ORDER
from .uploads import ALLOWED_EXTENSIONS, MAX_ATTACHMENT_BYTES, validate_attachment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The browser's date picker offers only the range the model accepts (themes.validators).
        bounds = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        super().__init__(attrs={**bounds, **(attrs or {})}, format="%Y-%m-%d")


def people_of(municipality: Municipality) -> QuerySet[Any]:
    """Who can be on a municipality's sprint team or own a card: its leads and analysts, and the coordinating team."""
    return (
        get_user_model()
        .objects.filter(
            Q(membership__municipality=municipality) | Q(membership__role=Role.COORDINATOR), is_active=True
        )
        .order_by("first_name", "last_name", "username")
    )


class _Plain:
    """Labels without Django's trailing colon, as the portal's other forms write them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PersonChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return cast("str", obj.get_full_name() or obj.username)


class PeopleChoiceField(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return cast("str", obj.get_full_name() or obj.username)


class SprintForm(_Plain, forms.ModelForm[Sprint]):
    """Creating and editing a sprint. The model's clean() refuses an end before the start, at the end field."""

    class Meta:
        model = Sprint
        # The fields the service lets a person edit, and the status a new sprint starts in.
        fields = [*EDITABLE_FIELD_ORDER, "status"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "hypothesis": forms.Textarea(attrs={"rows": 3}),
            "relocation_phases": forms.CheckboxSelectMultiple,
            "start": DateInput(),
            "end": DateInput(),
        }
        field_classes = {"team_members": PeopleChoiceField}

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        team = self.fields["team_members"]
        assert isinstance(team, forms.ModelMultipleChoiceField)
        team.queryset = people_of(municipality)
        team.required = False
        self.fields["relocation_phases"].required = True
        if self.instance.pk:
            # On edit the column changes on the board (sprint_move), not in this form.
            del self.fields["status"]
        else:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            status.choices = [
                (Status.IDEA, Status.IDEA.label),
                (Status.PLANNED, Status.PLANNED.label),
                (Status.RUNNING, Status.RUNNING.label),
            ]


class MoveForm(_Plain, forms.Form):
    """A move on the board: to a column (`status`), and/or one step up or down within it."""

    status = forms.ChoiceField(choices=Status.choices, required=False)
    step = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)
    position = forms.IntegerField(min_value=0, required=False)


class CardForm(_Plain, forms.ModelForm[Card]):
    class Meta:
        model = Card
        fields = ["title", "owner", "due_date", "column"]
        widgets = {"due_date": DateInput()}
        field_classes = {"owner": PersonChoiceField}

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = people_of(municipality)


class CardMoveForm(_Plain, forms.Form):
    column = forms.ChoiceField(choices=Card.Column.choices, required=False)
    step = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)


def _check_upload(upload: Any) -> Any:
    if upload:
        try:
            validate_attachment(name=upload.name or "", size=upload.size or 0, stream=upload)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["file"]) from error
    return upload


ATTACHMENT_HELP = _("Optional. %(types)s; at most %(mb)s MB.") % {
    "types": ", ".join(ALLOWED_EXTENSIONS),
    "mb": MAX_ATTACHMENT_BYTES // 1024 // 1024,
}


class ResultForm(_Plain, forms.ModelForm[Result]):
    """The short 'log result' form on the sprint page, with an optional piece of evidence."""

    file = forms.FileField(label=_("Attachment"), required=False, help_text=ATTACHMENT_HELP)

    class Meta:
        model = Result
        fields = ["metric", "unit", "baseline", "target", "actual", "date", "evidence_note"]
        widgets = {
            "date": DateInput(),
            "evidence_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("baseline", "target", "actual"):
            # Swedish keyboards type a decimal comma; a text input keeps it instead of the browser dropping it.
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
            self.fields[name].localize = True

    def clean_file(self) -> Any:
        return _check_upload(self.cleaned_data.get("file"))


class ResultCorrectionForm(ResultForm):
    """Correcting a logged result: the same fields as logging it; evidence is added or removed on the sprint page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["file"]


class CardEditForm(CardForm):
    """Editing an activity card: its column changes by moving it on the board."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["column"]


class AttachmentForm(_Plain, forms.Form):
    file = forms.FileField(label=_("Attachment"), help_text=ATTACHMENT_HELP)

    def clean_file(self) -> Any:
        return _check_upload(self.cleaned_data.get("file"))


class RetrospectiveForm(_Plain, forms.ModelForm[Retrospective]):
    class Meta:
        model = Retrospective
        fields = ["what_worked", "what_did_not_work", "surprises", "next_step"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class SimilarQueryForm(_Plain, forms.Form):
    """The 'has anyone tried this?' panel's input: what the lead has typed so far."""

    title = forms.CharField(required=False)
    work_package = forms.CharField(required=False)
    method = forms.CharField(required=False)


class BoardLimitsForm(_Plain, forms.Form):
    """One soft work-in-progress limit per board column; empty means no limit."""

    def __init__(self, *args: Any, limits: dict[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for status, label in Status.choices:
            self.fields[status] = forms.IntegerField(
                label=label,
                required=False,
                min_value=1,
                max_value=99,
                initial=(limits or {}).get(status),
                help_text=_("Empty: no limit."),
            )
