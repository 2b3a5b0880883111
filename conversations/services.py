"""Every write of conversations: comments, watches, notifications (and their fan-out to watchers), e-mail choices.

Each service checks its permission itself (themes.permissions) with a keyword-only `actor`; the event receivers in
conversations.signals are trusted callers and fan out with `actor` as the person who caused the event.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from themes.permissions import can_edit_comment, can_remove_comment, can_take_part_in_conversations

from . import selectors
from .models import CalendarFeed, Comment, EmailPreference, Notification, Verb, Watch
from .tasks import send_immediate_notifications

# An @mention: a username as Django allows it, not preceded by a word character (so e-mail addresses are not).
MENTION = re.compile(r"(?<![\w@.])@([\w.+-]*\w)")
UNSUBSCRIBE_SALT = "conversations.unsubscribe"
logger = logging.getLogger(__name__)


def _require_member(actor: Any) -> None:
    if not can_take_part_in_conversations(actor):
        raise PermissionDenied(_("You need to log in to do this."))


def _require_visible(actor: Any, obj: Any) -> None:
    if not selectors.is_visible_to(obj, actor):
        # Same words as for a missing object: its existence must not show.
        raise PermissionDenied(_("This page does not exist or you cannot see it."))


def mentioned_usernames(body: str) -> list[str]:
    return sorted({name.lower() for name in MENTION.findall(body)})


# --- Notifications: the fan-out ---------------------------------------------------------------------------------


def forget_unread(person_ids: Iterable[int]) -> None:
    cache.delete_many([selectors.unread_cache_key(pk) for pk in set(person_ids)])


def notification_rows(
    *,
    actor: Any,
    recipients: Sequence[Any] | dict[Any, str],
    verb: str,
    target: Any,
    dedupe_key: str = "",
    title: str = "",
) -> list[Notification]:
    """Unsaved notifications for `recipients` (people, or people mapped to a verb each) about `target`, never for
    the actor themself. Callers filter recipients by what they may see."""
    verbs = recipients if isinstance(recipients, dict) else dict.fromkeys(recipients, verb)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    ct = selectors.content_type(selectors.kind_of(target))
    title = (title or str(getattr(target, "title", target)))[:255]
    url = selectors.unprefixed_url(target)
    return [
        Notification(
            recipient_id=person.pk,
            verb=person_verb,
            actor_id=actor_id,
            target_type=ct,
            target_id=target.pk,
            title=title,
            url=url,
            dedupe_key=dedupe_key,
        )
        for person, person_verb in verbs.items()
        if person is not None and person.pk != actor_id
    ]


def notifications_store(rows: list[Notification]) -> int:
    """Store `rows` in bulk, whatever their number a bounded number of queries (one insert per 500), skipping the
    people who already had a row's dedupe key; the e-mail task is queued once the transaction commits."""
    if not rows:
        return 0
    Notification.objects.bulk_create(
        rows, batch_size=500, ignore_conflicts=any(row.dedupe_key for row in rows)
    )
    recipient_ids = [row.recipient_id for row in rows]
    transaction.on_commit(lambda: forget_unread(recipient_ids))
    transaction.on_commit(_queue_immediate_mail)
    return len(rows)


def notify(**kwargs: Any) -> int:
    """notification_rows, stored (same keyword arguments)."""
    return notifications_store(notification_rows(**kwargs))


def _queue_immediate_mail() -> None:
    try:
        send_immediate_notifications.delay()
    except Exception:  # a broker hiccup must not fail the comment; beat sends within the minute
        logger.warning("Could not queue the notification e-mail; beat will send it", exc_info=True)


def notify_watchers(
    *, actor: Any, target: Any, verb: str, watched: Sequence[Any] = (), dedupe_key: str = ""
) -> int:
    """Notify those watching `target` (or any of `watched`, e.g. its municipality) who may see `target`."""
    people = list(selectors.watchers_of([target, *watched]))
    return notify(
        actor=actor,
        recipients=selectors.visible_to_each(people, target),
        verb=verb,
        target=target,
        dedupe_key=dedupe_key,
    )


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    if notification.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("This is someone else's notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        transaction.on_commit(lambda: forget_unread([notification.recipient_id]))
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Any) -> int:
    _require_member(actor)
    count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
    transaction.on_commit(lambda: forget_unread([actor.pk]))
    return count


# --- Watches -------------------------------------------------------------------------------------------------------


def _check_watchable(actor: Any, obj: Any) -> None:
    _require_member(actor)
    if selectors.kind_of(obj) in selectors.COMMENTABLE:
        _require_visible(actor, obj)


@transaction.atomic
def watch_start(*, actor: Any, target: Any, skip_permission_checks: bool = False) -> Watch:
    """`actor` watches `target` (a sprint, knowledge page, municipality or work package); idempotent."""
    if not skip_permission_checks:
        _check_watchable(actor, target)
    watch, created = Watch.objects.get_or_create(
        person=actor, target_type=selectors.content_type(selectors.kind_of(target)), target_id=target.pk
    )
    if created:
        _forget_watched(actor.pk)
    return watch


def _forget_watched(person_id: int) -> None:
    key = selectors.watched_cache_key(person_id)
    cache.delete(key)  # now, for this request, and after the commit, for others that read in between
    transaction.on_commit(lambda: cache.delete(key))


@transaction.atomic
def watch_stop(*, actor: Any, target: Any) -> None:
    _require_member(actor)
    Watch.objects.filter(
        person=actor, target_type=selectors.content_type(selectors.kind_of(target)), target_id=target.pk
    ).delete()
    _forget_watched(actor.pk)


# --- Comments ------------------------------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": _("Write something before you send the comment.")})
    return body


def _mentioned_people(body: str, *, exclude: Iterable[str] = ()) -> list[Any]:
    """The active people `@username`d in `body` (case-insensitively; one query however many)."""
    names = [n for n in mentioned_usernames(body) if n not in set(exclude)]
    if not names:
        return []
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    return list(selectors.people_for_notification().filter(match))


@transaction.atomic
def comment_post(*, actor: Any, target: Any, body: str, parent: Comment | None = None) -> Comment:
    """`actor` comments on `target` (or replies to `parent` there), starts watching it, and the watchers, the
    people mentioned and the author replied to hear of it, each once, if they may see `target`."""
    _require_member(actor)
    _require_visible(actor, target)
    comment = Comment(
        target_type=selectors.content_type(selectors.kind_of(target)),
        target_id=target.pk,
        parent=parent,
        author=actor,
        body=_clean_body(body),
    )
    comment.full_clean()
    comment.save()
    watch_start(actor=actor, target=target, skip_permission_checks=True)
    verbs: dict[Any, str] = {}
    for person in selectors.watchers_of([target]):
        verbs[person] = Verb.COMMENTED
    if parent is not None and parent.author_id is not None:
        for person in selectors.people_for_notification().filter(pk=parent.author_id):
            verbs[person] = Verb.REPLIED
    for person in _mentioned_people(comment.body):
        verbs[person] = Verb.MENTIONED  # a mention says more than "someone commented"
    allowed = set(selectors.visible_to_each(list(verbs), target))
    notify(actor=actor, recipients={p: v for p, v in verbs.items() if p in allowed}, verb="", target=target)
    return comment


@transaction.atomic
def comment_edit(*, actor: Any, comment: Comment, body: str) -> Comment:
    """The author changes their comment's words; people newly mentioned hear of it."""
    require_comment_editable(actor=actor, comment=comment)
    target = comment.target
    _require_visible(actor, target)
    before = mentioned_usernames(comment.body)
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "edited_at"])
    newly = _mentioned_people(comment.body, exclude=before)
    notify(
        actor=actor, recipients=selectors.visible_to_each(newly, target), verb=Verb.MENTIONED, target=target
    )
    return comment


@transaction.atomic
def comment_remove(*, actor: Any, comment: Comment) -> Comment:
    """The author or the coordinating team removes a comment: its words go, the row stays as "removed" so that the
    replies keep their place."""
    if not can_remove_comment(actor, author_id=comment.author_id):
        raise PermissionDenied(_("Only the author or the coordinating team can remove a comment."))
    if not comment.is_removed:
        comment.body = ""
        comment.removed_at = timezone.now()
        comment.removed_by = actor
        comment.save(update_fields=["body", "removed_at", "removed_by"])
    return comment


# --- E-mail choices, unsubscribe, the personal calendar ---------------------------------------------------------


@transaction.atomic
def email_preference_set(*, actor: Any, frequency: str) -> EmailPreference:
    _require_member(actor)
    if frequency not in EmailPreference.Frequency.values:
        raise ValidationError({"frequency": _("Choose at once, a daily summary or no e-mail.")})
    preference, _created = EmailPreference.objects.update_or_create(
        person=actor, defaults={"frequency": frequency}
    )
    return preference


def unsubscribe_token(person: Any) -> str:
    """A signed token naming `person`: it turns e-mail off without a login, and cannot be made for anyone else
    without the secret key."""
    return signing.dumps({"p": person.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def person_for_unsubscribe(token: str) -> Any:
    """The person a token was made for; signing.BadSignature for a forged or damaged one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or "p" not in data:
        raise signing.BadSignature("no person")
    return get_user_model().objects.get(pk=data["p"])


@transaction.atomic
def email_unsubscribe(*, token: str) -> Any:
    """One-click unsubscribe (RFC 8058): the signed token is the authority, no login needed. Idempotent."""
    person = person_for_unsubscribe(token)
    EmailPreference.objects.update_or_create(
        person=person, defaults={"frequency": EmailPreference.Frequency.OFF}
    )
    return person


@transaction.atomic
def calendar_feed_renew(*, actor: Any) -> CalendarFeed:
    """A new secret address for `actor`'s meeting calendar; the old one stops working at once."""
    _require_member(actor)
    feed, _created = CalendarFeed.objects.update_or_create(
        person=actor, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def require_comment_editable(*, actor: Any, comment: Comment) -> None:
    if comment.is_removed or not can_edit_comment(actor, author_id=comment.author_id):
        raise PermissionDenied(_("Only the author can change a comment."))
