"""The taxonomy of DOMAIN.md as data, with Swedish and English labels, plus who belongs to which municipality in which role."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TaxonomyTerm(models.Model):
    """A term with a stable code and bilingual labels. Codes are identifiers used in imports and URLs: never renamed."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    label_sv = models.CharField(_("label (Swedish)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: object, **kwargs: object) -> None:
        self.clean()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        super().clean()
        if self.pk:
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("code", flat=True).first()
            if stored is not None and stored != self.code:
                raise ValidationError({"code": _("The code is a stable identifier and cannot be changed.")})

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv


class WorkPackage(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")


class ValueChainStep(TaxonomyTerm):
    class Force(models.TextChoices):
        PULL = "pull", _("Attraction (pull)")
        RECEIVING = "receiving", _("Receiving capacity")

    force = models.CharField(_("force"), max_length=16, choices=Force.choices)

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("value-chain step")
        verbose_name_plural = _("value-chain steps")


class AidaStage(models.TextChoices):
    ATTENTION = "attention", _("Attention")
    INTEREST = "interest", _("Interest")
    DESIRE = "desire", _("Desire")
    ACTION = "action", _("Action")


class RelocationPhase(TaxonomyTerm):
    aida_stage = models.CharField(_("AIDA stage"), max_length=16, choices=AidaStage.choices)

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("relocation phase")
        verbose_name_plural = _("relocation phases")


class SprintMethod(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("sprint method")
        verbose_name_plural = _("sprint methods")


class Municipality(models.Model):
    """One of the 14 Norrbotten municipalities. Small ones are grouped into a cluster for aggregate statistics."""

    class Cluster(models.TextChoices):
        INLAND = "inland", _("Inland")
        TORNE_VALLEY = "torne-valley", _("Torne valley")

    slug = models.SlugField(_("slug"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    scb_code = models.CharField(_("SCB code"), max_length=4, unique=True)
    population = models.PositiveIntegerField(_("population"))
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Sámi, Meänkieli and Finnish names and other spellings."),
    )
    cluster = models.CharField(_("statistics cluster"), max_length=16, choices=Cluster.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scb_code__regex=r"^25[0-9]{2}$"), name="municipality_scb_code_norrbotten"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def statistics_area(self) -> str:
        """The area a municipality's aggregates are published under: its cluster if it has one, else itself."""
        return self.cluster or self.slug

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": _("Aliases must be a list of names.")})
        if self.pk:
            stored = Municipality.objects.filter(pk=self.pk).values_list("slug", "scb_code").first()
            if stored and stored != (self.slug, self.scb_code):
                raise ValidationError(
                    _("The slug and SCB code are stable identifiers and cannot be changed.")
                )


class Visibility(models.TextChoices):
    """Who may see a piece of content (INTERFACES.md, Visibility)."""

    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners")
    INTERNAL = "internal", _("Internal")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinating team")
    LEAD = "lead", _("Project lead")
    ANALYST = "analyst", _("Analyst")
    PARTNER = "partner", _("Partner")


def municipality_matches_role(*, name: str) -> models.CheckConstraint:
    """A row that gives someone a role (a membership, an invitation) names a municipality exactly when the role
    works for one: project leads and analysts do, the coordinating team and partners do not."""
    return models.CheckConstraint(
        condition=(
            models.Q(role__in=["lead", "analyst"], municipality__isnull=False)
            | models.Q(role__in=["coordinator", "partner"], municipality__isnull=True)
        ),
        name=name,
    )


class Membership(models.Model):
    """A user's role in the programme, and for leads and analysts the municipality they work for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            municipality_matches_role(name="membership_municipality_matches_role"),
        ]

    def __str__(self) -> str:
        where = f" ({self.municipality})" if self.municipality_id else ""
        return f"{self.user} – {self.get_role_display()}{where}"
