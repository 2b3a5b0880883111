"""People in the Wagtail admin: the user screens set the Stigar role and municipality (through themes' service), list
filters by both, and coordinators invite people, resend invitations and reset a person's second factor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from themes.models import Membership, Municipality, Role
from themes.permissions import can_manage_people, require_manage_people
from themes.services import membership_assign, membership_end
from themes.views import write_and_report

from . import services
from .models import LANGUAGES, Invitation, SingleSignOn

# The mixin's base for the type checker only (Wagtail's UserForm, the base of its creation and edit forms): at run
# time it is a plain mixin, placed before those forms.
if TYPE_CHECKING:
    from wagtail.users.forms import UserForm as _UserForm
else:
    _UserForm = object


def _municipality_choice() -> forms.ModelChoiceField[Municipality]:
    return forms.ModelChoiceField(
        queryset=Municipality.objects.order_by("name"),
        required=False,
        label=gettext_lazy("Municipality"),
        help_text=gettext_lazy("Project leads and analysts work for one municipality."),
    )


def _role_choice(*, blank: str | None) -> forms.ChoiceField:
    choices: list[tuple[str, Any]] = [("", blank)] if blank else []
    return forms.ChoiceField(
        choices=[*choices, *Role.choices], required=blank is None, label=gettext_lazy("Stigar role")
    )


def _check_municipality(form: forms.Form, role_field: str, municipality_field: str) -> None:
    role = form.cleaned_data.get(role_field)
    if role in (Role.LEAD, Role.ANALYST) and not form.cleaned_data.get(municipality_field):
        form.add_error(
            municipality_field, _("A project lead or analyst belongs to a municipality: choose one.")
        )


class StigarRoleFields(_UserForm):
    """The role and municipality fields added to Wagtail's user forms (they are not fields of the user model), and
    their check; mixed in before Wagtail's creation and edit forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_stigar_fields()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        _check_municipality(self, "stigar_role", "stigar_municipality")
        return cleaned

    def add_stigar_fields(self) -> None:
        self.fields["stigar_role"] = _role_choice(blank=_("No role (sees what anonymous readers see)"))
        self.fields["stigar_municipality"] = _municipality_choice()
        membership = Membership.objects.filter(user_id=self.instance.pk).first() if self.instance.pk else None
        if membership is not None:
            self.initial.setdefault("stigar_role", membership.role)
            self.initial.setdefault("stigar_municipality", membership.municipality_id)
        elif self.instance.pk:
            # Someone who signed in through their identity provider: its claim proposes the municipality.
            sign_on = SingleSignOn.objects.filter(person_id=self.instance.pk).first()
            if sign_on is not None and sign_on.claimed_municipality_id:
                self.initial.setdefault("stigar_municipality", sign_on.claimed_municipality_id)
                self.fields["stigar_municipality"].help_text = _(
                    "Proposed by the identity provider: %(municipality)s. Choose the role to approve."
                ) % {"municipality": sign_on.claimed_municipality}


class PersonCreationForm(StigarRoleFields, UserCreationForm):
    pass


class PersonEditForm(StigarRoleFields, UserEditForm):
    pass


def _apply_role(request: HttpRequest, person: Any, form: Any) -> None:
    """The form's role and municipality, through themes' service (which checks the right and writes the audit log)."""
    role = form.cleaned_data.get("stigar_role")
    if role:
        membership_assign(
            user=person,
            role=Role(role),
            municipality=form.cleaned_data.get("stigar_municipality"),
            by=request.user,
        )
    else:
        membership_end(user=person, by=request.user)


class PeopleFilterSet(wagtail_users.UserFilterSet):
    role = django_filters.ChoiceFilter(
        choices=[*Role.choices, ("none", gettext_lazy("Waiting for a role"))],
        label=gettext_lazy("Stigar role"),
        method="filter_role",
    )
    municipality = django_filters.ModelChoiceFilter(
        field_name="membership__municipality",
        queryset=Municipality.objects.order_by("name"),
        label=gettext_lazy("Municipality"),
    )

    class Meta(wagtail_users.UserFilterSet.Meta):
        pass

    def filter_role(self, queryset: Any, name: str, value: str) -> Any:
        if value == "none":
            return queryset.filter(membership__isnull=True)
        return queryset.filter(membership__role=value)


def _role_label(person: Any) -> str:
    membership = getattr(person, "membership", None) if hasattr(person, "membership") else None
    return str(Role(membership.role).label) if membership else "—"


def _municipality_name(person: Any) -> str:
    membership = getattr(person, "membership", None) if hasattr(person, "membership") else None
    return membership.municipality.name if membership and membership.municipality else "—"


class PeopleIndexView(wagtail_users.IndexView):
    @cached_property
    def columns(self) -> list[Any]:
        columns = list(super().columns)
        columns[3:3] = [
            Column("stigar_role", accessor=_role_label, label=gettext_lazy("Stigar role"), width="15%"),
            Column(
                "stigar_municipality",
                accessor=_municipality_name,
                label=gettext_lazy("Municipality"),
                width="15%",
            ),
        ]
        return columns

    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().select_related("membership__municipality")

    @cached_property
    def header_buttons(self) -> list[Any]:
        buttons = list(super().header_buttons)
        if can_manage_people(self.request.user):
            buttons.append(
                HeaderButton(_("Invite a person"), url=reverse("stigar_invitation_add"), icon_name="mail")
            )
        return buttons


class PeopleCreateView(wagtail_users.CreateView):
    def save_instance(self) -> Any:
        person = super().save_instance()
        _apply_role(self.request, person, self.form)
        return person


class PeopleEditView(wagtail_users.EditView):
    def save_instance(self) -> Any:
        deactivating = "is_active" in self.form.changed_data and not self.form.cleaned_data.get("is_active")
        person = super().save_instance()
        _apply_role(self.request, person, self.form)
        if deactivating:
            services.person_deactivate(person=person, by=self.request.user)
        return person


class PeopleViewSet(wagtail_users.UserViewSet):
    filterset_class = PeopleFilterSet
    index_view_class = PeopleIndexView
    add_view_class = PeopleCreateView
    edit_view_class = PeopleEditView
    create_template_name = "accounts/admin/person_create.html"
    edit_template_name = "accounts/admin/person_edit.html"

    def get_form_class(self, for_update: bool = False) -> Any:
        return PersonEditForm if for_update else PersonCreationForm


# --- Invitations and second-factor resets (plain admin views; the services check the coordinator's right) ---------


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    role = _role_choice(blank=None)
    municipality = _municipality_choice()
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail and the portal"), choices=LANGUAGES, initial="sv"
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _check_municipality(self, "role", "municipality")
        return cleaned


def _admin_page(request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
    return TemplateResponse(
        request, template, {"page_title": title, "header_title": title, "header_icon": "mail", **context}
    )


@require_http_methods(["GET"])
def invitation_index(request: HttpRequest) -> HttpResponse:
    require_manage_people(request.user)
    invitations = Invitation.objects.select_related("municipality", "invited_by", "person")[:200]
    return _admin_page(
        request, "accounts/admin/invitation_index.html", _("Invitations"), invitations=invitations
    )


@require_http_methods(["GET", "POST"])
def invitation_add(request: HttpRequest) -> HttpResponse:
    require_manage_people(request.user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _link = services.invitation_create(
                **form.cleaned_data, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works for %(days)s days.")
                % {"email": invitation.email, "days": settings.STIGAR_INVITATION_DAYS},
            )
            return redirect("stigar_invitation_index")
    return _admin_page(request, "accounts/admin/invitation_add.html", _("Invite a person"), form=form)


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage_people(request.user)
    invitation = get_object_or_404(Invitation, pk=pk)
    write_and_report(
        request,
        lambda: services.invitation_resend(
            invitation=invitation, by=request.user, base_url=request.build_absolute_uri("/")
        ),
        done=_("Invitation sent again to %(email)s with a new link.") % {"email": invitation.email},
    )
    return redirect("stigar_invitation_index")


@require_http_methods(["GET", "POST"])
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_people(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=pk)
    if request.method == "POST":
        services.two_factor_reset(person=person, by=request.user)
        messages.success(
            request,
            _("The second factor of %(person)s is reset: they set it up again at their next sign-in.")
            % {"person": person.get_full_name() or person.get_username()},
        )
        return redirect("wagtailusers_users:edit", person.pk)
    return _admin_page(
        request,
        "accounts/admin/two_factor_reset.html",
        _("Reset two-factor authentication"),
        person=person,
        devices=services.two_factor_confirmed_devices(person),
        header_icon="key",
    )
