"""Comments, watches, notifications and e-mail preferences: data and invariants, no workflows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 5000


class Comment(models.Model):
    """A plain-text comment on a sprint or a knowledge page, or a reply to one (one level deep).

    A removed comment keeps its row (replies still hang under it) and shows as "removed": the text is blanked so that
    removal really takes the words away.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"], name="comment_target_idx")]

    def __str__(self) -> str:
        return f"{self.author} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def clean(self) -> None:
        super().clean()
        if not self.body.strip() and not self.is_removed:
            raise ValidationError({"body": _("Write something before you send the comment.")})
        if self.parent is not None:
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("Replies go one level deep: answer the first comment instead.")}
                )
            if (self.parent.target_type_id, self.parent.target_id) != (self.target_type_id, self.target_id):
                raise ValidationError({"parent": _("The reply must be on the same page as the comment.")})


class Watch(models.Model):
    """A person follows a sprint, a knowledge page, a municipality or a work package."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "target_type", "target_id"], name="watch_once_per_target"
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="watch_target_idx")]

    def __str__(self) -> str:
        return f"{self.person} → {self.target_type.model} {self.target_id}"


class Verb(models.TextChoices):
    COMMENTED = "commented", _("commented")
    REPLIED = "replied", _("replied")
    MENTIONED = "mentioned", _("mentioned you")
    RESULT_LOGGED = "result_logged", _("logged a result")
    LESSON_PUBLISHED = "lesson_published", _("published a lesson")
    REVIEW_DUE = "review_due", _("review coming due")
    CARD_DUE = "card_due", _("card due")
    CARD_OVERDUE = "card_overdue", _("card overdue")
    MEETING = "meeting", _("exchange meeting")


class Notification(models.Model):
    """Something a person should know about. The wording is built when it is shown, in the reader's language, from
    the verb, the actor and the target's title as it was when the event happened."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=24, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(max_length=255)
    # The path without a language prefix; the reader's language is put in front when it is shown or mailed.
    url = models.CharField(max_length=500)
    # Events that recur (a card overdue, a review due) carry a key so each person hears of each one once.
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["emailed_at", "recipient"], name="notification_mail_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.verb} {self.title}"

    @property
    def text(self) -> str:
        """One sentence in the active language (callers set the reader's)."""
        actor = self.actor.get_full_name() or self.actor.username if self.actor else _("Someone")
        return str(_VERB_TEXT[self.verb]) % {"actor": actor, "title": self.title}


_VERB_TEXT: dict[str, Any] = {
    Verb.COMMENTED: _("%(actor)s commented on “%(title)s”"),
    Verb.REPLIED: _("%(actor)s replied to your comment on “%(title)s”"),
    Verb.MENTIONED: _("%(actor)s mentioned you on “%(title)s”"),
    Verb.RESULT_LOGGED: _("%(actor)s logged a result on “%(title)s”"),
    Verb.LESSON_PUBLISHED: _("A lesson was published: “%(title)s”"),
    Verb.REVIEW_DUE: _("“%(title)s” is due for review"),
    Verb.CARD_DUE: _("Your card is due: “%(title)s”"),
    Verb.CARD_OVERDUE: _("Your card is overdue: “%(title)s”"),
    Verb.MEETING: _("Exchange meeting: “%(title)s”"),
}


class EmailPreference(models.Model):
    """How a person wants notifications by e-mail. No row means the default (at once). The language is the person's
    own (their profile's preferred language), never stored twice."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DAILY = "daily", _("A daily summary")
        OFF = "off", _("No e-mail")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    frequency = models.CharField(
        _("e-mail"), max_length=16, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"{self.person}: {self.frequency}"


class CalendarFeed(models.Model):
    """The secret address of a person's own meeting calendar. Random, not derived from the person, so that a
    leaked address is withdrawn by making a new one."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return f"{self.person}"
