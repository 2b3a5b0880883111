"""REST API of conversations (INTERFACES.md): a sprint's comments, the signed-in person's notifications, and the people
an @mention may name. Serializers validate, the services write; a sprint the caller may not see answers 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from themes.api import OfferedMethodsOnly, error_responses, service_refusal
from themes.permissions import can_take_part_in_conversations

from . import selectors, services
from .models import COMMENT_MAX_LENGTH, Comment, Notification


class IsMember(permissions.BasePermission):
    """Conversations are the programme's: a signed-in member, by session or token."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not can_take_part_in_conversations(request.user):
            raise NotAuthenticated()
        return True


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author = serializers.SerializerMethodField(
        help_text="The author's username; null once the account is gone."
    )
    body = serializers.SerializerMethodField(help_text="Plain text; empty for a removed comment.")
    created = serializers.DateTimeField(source="created_at", read_only=True)
    edited = serializers.DateTimeField(source="edited_at", read_only=True, allow_null=True)
    removed = serializers.SerializerMethodField()
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created", "edited", "removed", "parent"]

    def get_author(self, comment: Comment) -> str | None:
        return comment.author.username if comment.author else None

    def get_body(self, comment: Comment) -> str:
        return comment.body

    def get_removed(self, comment: Comment) -> bool:
        return comment.is_removed


class CommentInputSerializer(serializers.Serializer[dict[str, Any]]):
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH)
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]


_ANONYMOUS = "Not signed in: conversations are for the programme's members."
_UNSEEN = "No such sprint, or one the caller may not see."


class SprintCommentsView(OfferedMethodsOnly, APIView):
    """GET: the sprint's comments, oldest first (replies carry their parent's id). POST: comment; `@username`
    notifies that person when they may see the sprint."""

    permission_classes = [IsMember]

    def _sprint(self, request: Request, sprint_id: int) -> Any:
        try:
            return selectors.commentable_for(user=request.user, kind=selectors.SPRINT, pk=sprint_id)
        except ObjectDoesNotExist:
            raise Http404 from None

    @extend_schema(
        responses={
            200: CommentSerializer(many=True),
            **error_responses(403, 404, e403=_ANONYMOUS, e404=_UNSEEN),
        },
        operation_id="sprint_comments_list",
    )
    def get(self, request: Request, sprint_id: int) -> Response:
        sprint = self._sprint(request, sprint_id)
        comments = [c for thread in selectors.comments_on(sprint) for c in (thread.comment, *thread.replies)]
        return Response(CommentSerializer(comments, many=True).data)

    @extend_schema(
        request=CommentInputSerializer,
        responses={
            201: CommentSerializer,
            **error_responses(400, 403, 404, e403=_ANONYMOUS, e404=_UNSEEN),
        },
        operation_id="sprint_comments_create",
    )
    def post(self, request: Request, sprint_id: int) -> Response:
        sprint = self._sprint(request, sprint_id)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent"):
            parent = Comment.objects.filter(
                pk=data.validated_data["parent"],
                target_type=selectors.content_type(selectors.SPRINT),
                target_id=sprint.pk,
            ).first()
            if parent is None:
                raise ValidationError({"parent": ["No such comment on this sprint."]})
        try:
            comment = services.comment_post(
                actor=request.user, target=sprint, body=data.validated_data["body"], parent=parent
            )
        except DjangoValidationError as error:
            raise service_refusal(error) from None
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind = serializers.CharField(source="verb", help_text="What happened: commented, replied, mentioned, …")
    text = serializers.CharField(help_text="One sentence in the caller's language.")
    url = serializers.SerializerMethodField(help_text="The page it is about, in the caller's language.")
    created = serializers.DateTimeField(source="created_at")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created", "read"]

    def get_url(self, notification: Notification) -> str:
        return selectors.localized(notification.url)

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationsView(OfferedMethodsOnly, APIView):
    """The signed-in person's notifications, newest first (the latest 100; `?unread=1` for unread ones only)."""

    permission_classes = [IsMember]

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, required=False)],
        responses={200: NotificationSerializer(many=True), **error_responses(403, e403=_ANONYMOUS)},
        operation_id="notifications_list",
    )
    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread", "") in {"1", "true", "yes"}
        rows = selectors.notifications_for(person=request.user, unread_only=unread, limit=100)
        return Response(NotificationSerializer(rows, many=True).data)


class NotificationReadView(OfferedMethodsOnly, APIView):
    permission_classes = [IsMember]

    @extend_schema(
        request=None,
        responses={
            200: NotificationSerializer,
            **error_responses(403, 404, e403=_ANONYMOUS, e404="No such notification of the caller's."),
        },
        operation_id="notifications_read",
    )
    def post(self, request: Request, notification_id: int) -> Response:
        notification = Notification.objects.filter(pk=notification_id, recipient_id=request.user.pk).first()
        if notification is None:
            raise Http404
        services.notification_mark_read(actor=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)


class MentionsView(OfferedMethodsOnly, APIView):
    """People whose username or name begins with `q`, for @mention autocomplete."""

    permission_classes = [IsMember]

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
        responses={
            200: inline_serializer(
                "Mentionable",
                fields={"username": serializers.CharField(), "name": serializers.CharField()},
                many=True,
            ),
            **error_responses(403, e403=_ANONYMOUS),
        },
        operation_id="people_mentions",
    )
    def get(self, request: Request) -> Response:
        return Response(
            selectors.people_to_mention(user=request.user, query=request.query_params.get("q", ""))
        )
