"""Template tags other pages use for conversations: the comments panel of a sprint or knowledge page, the bell in
the header, and a comment's text rendered safely (escaped, links and @mentions marked)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

from themes.permissions import can_edit_comment, can_remove_comment, can_take_part_in_conversations

from .. import selectors
from ..forms import CommentForm

register = template.Library()

# Applied to escaped text: "@" followed by a username, not inside an e-mail address or a URL.
_MENTION_HTML = re.compile(r"(?<![\w@.:/&;])@([\w.+-]*\w)")


@register.filter
def comment_html(body: str) -> SafeString:
    """Plain text as HTML: everything escaped, web addresses as links (rel=nofollow), @mentions emphasised,
    paragraphs kept. Nothing of the author's markup survives."""
    linked = urlize(escape(body), nofollow=True, autoescape=False)
    marked = _MENTION_HTML.sub(r'<strong class="mention">@\1</strong>', linked)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", marked.strip()) if p]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # built from escaped text only


@register.inclusion_tag("conversations/includes/comments.html", takes_context=True)
def comments_panel(context: dict[str, Any], target: Any) -> dict[str, Any]:
    """Under a sprint or knowledge page that is being shown to the reader: its comments, a form, the watch button.
    The page itself has checked that the reader may see `target`; someone outside the programme sees nothing."""
    request = context["request"]
    user = request.user
    if not can_take_part_in_conversations(user):
        return {"show": False}
    kind = selectors.kind_of(target)
    threads = selectors.comments_on(target)
    live = [c for t in threads for c in (t.comment, *t.replies) if not c.is_removed]
    # The reader's tools per comment, as sets of comment ids (comment.html asks `comment.pk in editable`).
    editable = {c.pk for c in live if can_edit_comment(user, author_id=c.author_id)}
    removable = {c.pk for c in live if can_remove_comment(user, author_id=c.author_id)}
    return {
        "show": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "kind": kind,
        "threads": threads,
        "editable": editable,
        "removable": removable,
        "count": sum(1 + len(t.replies) for t in threads),
        "form": CommentForm(),
        "post_url": reverse("conversations:comment-create", args=(kind, target.pk)),
        "watch_url": reverse("conversations:watch", args=(kind, target.pk)),
        "watching": selectors.is_watching(person=user, obj=target),
        "mentions_url": reverse("api-people-mentions"),
    }


@register.inclusion_tag("conversations/includes/bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not can_take_part_in_conversations(user):
        return {"show": False}
    return {"show": True, "unread": selectors.unread_count(person=user)}
